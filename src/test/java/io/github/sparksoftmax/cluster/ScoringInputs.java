package io.github.sparksoftmax.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the parquet inputs of the cluster tests: {@code id bigint, logits array<double>}. The
 * logits are derived from the id by a hash, so any number of rows is generated on the fly and
 * nothing large is stored.
 */
final class ScoringInputs {
  /** Rows per generated parquet file, so that the job reads many files, as it would in use. */
  private static final long ROWS_PER_FILE = 62_500;
  /** Valid rows in the input with invalid rows; their ids are 0 until this. */
  static final long VALID_ROWS = 1_000;
  static final long NULL_ROW = VALID_ROWS;
  static final long NAN_ENTRY_ROW = VALID_ROWS + 1;
  static final long NULL_ENTRY_ROW = VALID_ROWS + 2;
  static final long ALL_MINUS_INFINITY_ROW = VALID_ROWS + 3;
  static final List<Long> INVALID_ROWS =
      List.of(NULL_ROW, NAN_ENTRY_ROW, NULL_ENTRY_ROW, ALL_MINUS_INFINITY_ROW);
  /** The name of the file that {@link #writeWithCorruptFile} corrupts. */
  static final String CORRUPT_FILE = "part-99999-corrupt.snappy.parquet";

  private ScoringInputs() {}

  /**
   * Writes {@code rows} rows with ids 0 until {@code rows} and 10 logits each in (-20, 20), as
   * one parquet file per 62,500 rows.
   */
  static void writeLogits(SparkSession spark, long rows, Path dir) {
    int files = (int) Math.max(1, (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE);
    logits(spark, rows, files).write().mode(SaveMode.Overwrite).parquet(dir.toString());
  }

  /**
   * Writes {@code rows} rows as {@link #writeLogits} does, as {@code files} parquet files, with
   * the logits also as an ML vector, column {@code features}.
   */
  static void writeLogitsAndVectors(SparkSession spark, long rows, int files, Path dir) {
    logits(spark, rows, files)
        .withColumn("features", org.apache.spark.ml.functions.array_to_vector(col("logits")))
        .write().mode(SaveMode.Overwrite).parquet(dir.toString());
  }

  /**
   * Writes {@link #VALID_ROWS} valid rows in three files and, in a fourth, one row of each kind
   * that softmax is undefined on: a null row, a NaN entry, a null entry, every entry -Infinity.
   */
  static void writeWithInvalidRows(SparkSession spark, Path dir) {
    double minusInfinity = Double.NEGATIVE_INFINITY;
    List<Row> invalid = Arrays.asList(
        RowFactory.create(NULL_ROW, null),
        RowFactory.create(NAN_ENTRY_ROW, new double[] {1.0, Double.NaN, 2.0}),
        RowFactory.create(NULL_ENTRY_ROW, new Double[] {1.0, null, 2.0}),
        RowFactory.create(ALL_MINUS_INFINITY_ROW, new double[] {minusInfinity, minusInfinity}));
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
    logits(spark, VALID_ROWS, 3)
        .union(spark.createDataFrame(invalid, schema).coalesce(1))
        .write().mode(SaveMode.Overwrite).parquet(dir.toString());
  }

  /** Writes four good parquet files of 1,000 rows and a fifth that is not parquet at all. */
  static void writeWithCorruptFile(SparkSession spark, Path dir) throws IOException {
    logits(spark, 4_000, 4).write().mode(SaveMode.Overwrite).parquet(dir.toString());
    Files.write(dir.resolve(CORRUPT_FILE),
        "PAR1 but the rest is not parquet".getBytes(StandardCharsets.US_ASCII));
  }

  private static Dataset<Row> logits(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions).select(
        col("id"),
        expr("transform(sequence(0, 9), i -> (xxhash64(id, i) % 2000000) / 1e5)")
            .as("logits"));
  }
}
