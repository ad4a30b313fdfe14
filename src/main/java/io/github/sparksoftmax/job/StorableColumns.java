package io.github.sparksoftmax.job;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fits the result's columns to the output format. Parquet and ORC store everything as it is.
 * JSON has no ML vector type, so vector columns are written as {@code array<double>} (dense);
 * CSV has no nested types at all, so vector, array, struct and map columns are written as JSON
 * text, e.g. {@code [0.1,0.2,0.7]}.
 */
final class StorableColumns {
  private StorableColumns() {}

  /** {@code result} with its columns converted as {@code format} needs; same names and order. */
  static Dataset<Row> forFormat(Dataset<Row> result, DataFormat format) {
    if (format == DataFormat.PARQUET || format == DataFormat.ORC) {
      return result;
    }
    return result.select(Arrays.stream(result.schema().fields())
        .map(field -> storable(field, format)).toArray(Column[]::new));
  }

  /** The writer options that {@code format} needs: a header line for CSV. */
  static Map<String, String> writeOptions(DataFormat format) {
    return format == DataFormat.CSV ? Map.of("header", "true") : Map.of();
  }

  private static Column storable(StructField field, DataFormat format) {
    DataType type = field.dataType();
    Column column = LogitsSource.column(field.name());
    if (type instanceof VectorUDT) {
      column = org.apache.spark.ml.functions.vector_to_array(column, "float64");
    }
    boolean nested = type instanceof VectorUDT || type instanceof ArrayType
        || type instanceof StructType || type instanceof MapType;
    if (format == DataFormat.CSV && nested) {
      column = functions.to_json(column);
    }
    return column.as(field.name());
  }
}
