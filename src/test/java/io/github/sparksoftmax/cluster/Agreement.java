package io.github.sparksoftmax.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.SoftmaxTransformer;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the softmax column of a job's output agrees with what it should hold, two ways. Every row
 * must be bit-identical (NaN with NaN, null with null) to the same stage run again on the row's
 * logits in the checking session: both kernels give the same bits in every JVM, so this catches
 * any row the cluster changed. And a sample of about a thousand valid rows must be within the
 * kernel's contract, 4 ulps (of {@code max(1, |exact|)} for log-probabilities), of the 40-digit
 * {@link ExactSoftmax}: this catches a wrong result that both runs would share.
 */
final class Agreement {
  private static final double CONTRACT_ULPS = 4.0;
  private static final double SAMPLE_ROWS = 1_000;

  final long rows;
  final long rowsBitIdentical;
  final double largestDifference;
  final long sampledRows;
  final double worstSampledUlps;

  private Agreement(Row counts, long sampledRows, double worstSampledUlps) {
    rows = counts.getLong(0);
    rowsBitIdentical = counts.isNullAt(1) ? 0 : counts.getLong(1);
    largestDifference = counts.isNullAt(2) ? 0 : counts.getDouble(2);
    this.sampledRows = sampledRows;
    this.worstSampledUlps = worstSampledUlps;
  }

  /** Checks {@code output} of a job run with the default settings on column {@code logits}. */
  static Agreement of(Dataset<Row> output) {
    return of(output, new SoftmaxTransformer());
  }

  /**
   * Checks {@code output} of a job run with the settings of {@code job} (input and output
   * column, temperature, log-softmax; its handleInvalid is not used).
   */
  static Agreement of(Dataset<Row> output, SoftmaxTransformer job) {
    String actual = job.getOutputCol();
    Dataset<Row> scored = job.copy(job.extractParamMap()).setOutputCol("expected")
        .setPredictionCol("").setHandleInvalid("keep").transform(output);
    Dataset<Row> both = scored
        .withColumn("actual_array", asArray(scored, actual))
        .withColumn("expected_array", asArray(scored, "expected"))
        .withColumn("difference", expr("CASE WHEN actual_array IS NULL OR expected_array IS NULL"
            + " THEN CASE WHEN actual_array IS NULL AND expected_array IS NULL THEN 0D"
            + " ELSE double('Infinity') END"
            + " WHEN size(actual_array) != size(expected_array) THEN double('Infinity')"
            + " ELSE aggregate(zip_with(actual_array, expected_array, (a, b) -> CASE"
            + " WHEN a = b THEN 0D" // Spark SQL takes NaN = NaN as true
            + " ELSE abs(a - b) / (greatest(abs(a), abs(b)) * pow(2, -52)) END),"
            + " 0D, (m, d) -> greatest(m, d)) END"));
    Row counts = both.agg(
        count(lit(1)),
        sum(when(expr("actual_array <=> expected_array"), 1L).otherwise(0L)),
        max(col("difference"))).first();
    long rows = counts.getLong(0);
    List<Row> sample = both.sample(false, Math.min(1.0, SAMPLE_ROWS / Math.max(1, rows)), 7)
        .select(asArray(scored, job.getInputCol()), col("actual_array")).collectAsList();
    long sampled = 0;
    double worst = 0;
    for (Row row : sample) {
      double[] logits = doubles(row, 0);
      if (logits != null && isValid(logits) && !row.isNullAt(1)) {
        sampled++;
        worst = Math.max(worst, ulps(logits, doubles(row, 1), job));
      }
    }
    return new Agreement(counts, sampled, worst);
  }

  /** Asserts both agreements; {@code describe} tells whose output failed. */
  void assertHolds(String describe) {
    assertTrue(rowsBitIdentical == rows, this + "\n" + describe);
    assertTrue(sampledRows > 0 && worstSampledUlps <= CONTRACT_ULPS, this + "\n" + describe);
  }

  @Override
  public String toString() {
    return String.format("%,d rows: %,d bit-identical to the checking session's (largest"
        + " difference %.2f units of 2^-52); %,d sampled valid rows within %.2f ulps of the exact"
        + " softmax", rows, rowsBitIdentical, largestDifference, sampledRows, worstSampledUlps);
  }

  /** The worst error of {@code actual} against the exact softmax of {@code logits}. */
  private static double ulps(double[] logits, double[] actual, SoftmaxTransformer job) {
    ExactSoftmax exact = ExactSoftmax.of(logits, job.getTemperature());
    if (actual.length != logits.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < logits.length; i++) {
      worst = Math.max(worst, job.getLogSoftmax() ? exact.logProbabilityUlps(i, actual[i])
          : exact.probabilityUlps(i, actual[i]));
    }
    return worst;
  }

  /** Rows the exact reference takes: no NaN, no +Infinity, at least one finite entry. */
  private static boolean isValid(double[] logits) {
    return Arrays.stream(logits).noneMatch(x -> Double.isNaN(x) || x == Double.POSITIVE_INFINITY)
        && Arrays.stream(logits).anyMatch(Double::isFinite);
  }

  /** A vector or array column of {@code rows} as {@code array<double>}. */
  private static Column asArray(Dataset<Row> rows, String column) {
    return rows.schema().apply(column).dataType() instanceof VectorUDT
        ? org.apache.spark.ml.functions.vector_to_array(col(column), "float64") : col(column);
  }

  /** The doubles of an array column (entries may be null: then the row is not valid). */
  private static double[] doubles(Row row, int i) {
    if (row.isNullAt(i)) {
      return null;
    }
    List<Object> values = row.getList(i);
    if (values.contains(null)) {
      return null;
    }
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }
}
