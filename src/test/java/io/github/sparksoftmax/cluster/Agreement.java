package io.github.sparksoftmax.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.github.sparksoftmax.SoftmaxTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the {@code probability} column of a job's output agrees, row by row, with the softmax of
 * the same row's {@code logits} computed again in the checking session. Both kernels give the
 * same bits in every JVM, so every row must be bit-identical (NaN with NaN, null with null). The
 * largest difference, in units of 2^-52 times the larger magnitude, tells last-bit noise (say, a
 * JVM running the other kernel) from a wrong result.
 */
final class Agreement {
  final long rows;
  final long rowsBitIdentical;
  final double largestDifference;

  private Agreement(Row counts) {
    rows = counts.getLong(0);
    rowsBitIdentical = counts.isNullAt(1) ? 0 : counts.getLong(1);
    largestDifference = counts.isNullAt(2) ? 0 : counts.getDouble(2);
  }

  /** Compares {@code output} with {@code SoftmaxTransformer} (default params) on its logits. */
  static Agreement of(Dataset<Row> output) {
    Dataset<Row> both = new SoftmaxTransformer().setOutputCol("expected")
        .setHandleInvalid("keep").transform(output)
        .withColumn("difference", expr("CASE WHEN probability IS NULL OR expected IS NULL"
            + " THEN CASE WHEN probability IS NULL AND expected IS NULL THEN 0D"
            + " ELSE double('Infinity') END"
            + " WHEN size(probability) != size(expected) THEN double('Infinity')"
            + " ELSE aggregate(zip_with(probability, expected, (a, b) -> CASE"
            + " WHEN a = b THEN 0D" // Spark SQL takes NaN = NaN as true
            + " ELSE abs(a - b) / (greatest(abs(a), abs(b)) * pow(2, -52)) END),"
            + " 0D, (m, d) -> greatest(m, d)) END"));
    return new Agreement(both.agg(
        count(lit(1)),
        sum(when(expr("probability <=> expected"), 1L).otherwise(0L)),
        max(col("difference"))).first());
  }

  /** True if every row's probabilities have the bits that the checking session computes. */
  boolean bitIdentical() {
    return rowsBitIdentical == rows;
  }

  @Override
  public String toString() {
    return String.format("%,d rows: %,d bit-identical to the checking session's (largest"
        + " difference %.2f units of 2^-52)", rows, rowsBitIdentical, largestDifference);
  }
}
