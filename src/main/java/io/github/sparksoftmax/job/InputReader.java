package io.github.sparksoftmax.job;

import java.util.Arrays;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the job's input. CSV has a header and its column types are inferred; CSV and JSON fail on
 * a malformed record instead of turning it into nulls. ML vector columns come back as vectors
 * even from ORC, which stores them as plain structs.
 */
final class InputReader {
  private static final String VECTOR_STRUCT = new VectorUDT().sqlType().catalogString();

  private InputReader() {}

  /**
   * The input as a DataFrame; only the schema (and, for CSV and JSON, the records for type
   * inference) has been read.
   *
   * @throws JobFailure a data error if the input is missing, unreadable or malformed
   */
  static Dataset<Row> read(SparkSession spark, JobOptions options) {
    String path = options.input();
    DataFormat format = options.inputFormat();
    try {
      Dataset<Row> data = reader(spark, format).load(path);
      StructType withVectors = withVectors(data.schema());
      return withVectors.equals(data.schema()) ? data
          : reader(spark, format).schema(withVectors).load(path);
    } catch (Exception e) {
      throw JobFailure.data("cannot read the " + format.sparkName() + " input '" + path + "'", e);
    }
  }

  /**
   * One file of the input, read as the input was read and with its schema (so nothing is
   * inferred again).
   */
  static Dataset<Row> readFile(SparkSession spark, DataFormat format, String file,
      StructType schema) {
    return reader(spark, format).schema(schema).load(file);
  }

  private static DataFrameReader reader(SparkSession spark, DataFormat format) {
    DataFrameReader reader = spark.read().format(format.sparkName());
    if (format == DataFormat.CSV) {
      reader.option("header", "true").option("inferSchema", "true");
    }
    if (format == DataFormat.CSV || format == DataFormat.JSON) {
      reader.option("mode", "FAILFAST");
    }
    return reader;
  }

  /** The schema with every column of the vector's storage struct typed as a vector. */
  private static StructType withVectors(StructType schema) {
    return new StructType(Arrays.stream(schema.fields())
        .map(f -> f.dataType().catalogString().equals(VECTOR_STRUCT)
            ? new StructField(f.name(), new VectorUDT(), f.nullable(), f.metadata()) : f)
        .toArray(StructField[]::new));
  }
}
