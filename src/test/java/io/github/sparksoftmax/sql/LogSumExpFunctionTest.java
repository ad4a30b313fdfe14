package io.github.sparksoftmax.sql;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.LongFormatGroups;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code logsumexp} aggregate in SQL and as a column function: in {@code GROUP BY} and in
 * window frames of every kind, compiled and interpreted, with the rows split into 1, 2 and many
 * partitions in several orders, against the exact reference; its semantics; its errors; and a
 * streaming aggregation.
 */
class LogSumExpFunctionTest extends LocalSparkTest {
  private static final double ULPS = 4;
  private static final LongFormatGroups GROUPS = LongFormatGroups.random(11, 40, 500);
  private static final double[] TEMPERATURES = {1.0, 0.3, 40.0};

  @BeforeAll
  static void registerFunctions() {
    SoftmaxFunctions.register(spark);
  }

  private static ExactSoftmax exact(int g, double t) {
    return GROUPS.exact(g, t);
  }

  @Test
  void groupByIsWithinFourUlpsInEveryPartitioningOrderAndMode() {
    double worst = 0;
    int run = 0;
    for (LongFormatGroups.Order order : LongFormatGroups.Order.values()) {
      for (int partitions : new int[] {1, 2, 13}) {
        GROUPS.frame(spark, order, partitions, partitions).createOrReplaceTempView("scores");
        double t = TEMPERATURES[run++ % TEMPERATURES.length];
        for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
          List<Row> rows = withConf(mode, () -> spark.sql("SELECT g, logsumexp(score, " + t
              + ") FROM scores GROUP BY g").collectAsList());
          assertEquals(GROUPS.size(), rows.size());
          for (Row row : rows) {
            double error = exact(row.getInt(0), t).logSumExpUlps(row.getDouble(1));
            String where = order + ", " + partitions + " partitions, t = " + t + ", group "
                + row.getInt(0) + (mode == COMPILED ? ", compiled" : ", interpreted");
            assertTrue(error <= ULPS, where + ": " + row.getDouble(1) + " vs exact "
                + exact(row.getInt(0), t).logSumExp());
            worst = Math.max(worst, error);
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "logsumexp GROUP BY worst error: %.2f ulps of max(1, |exact|)"
        + " over %d groups in 3 orders, split into 1, 2 and 13 partitions%n", worst, GROUPS.size());
  }

  @Test
  void theColumnFunctionGivesTheSqlResult() {
    Dataset<Row> scores = GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 3, 5);
    scores.createOrReplaceTempView("scores");
    Map<Integer, Double> sql = byGroup(spark.sql(
        "SELECT g, logsumexp(score, 0.3) FROM scores GROUP BY g").collectAsList());
    Map<Integer, Double> api = byGroup(scores.groupBy("g")
        .agg(SoftmaxFunctions.logsumexp(col("score"), 0.3)).collectAsList());
    assertEquals(sql, api);
    assertThrows(IllegalArgumentException.class,
        () -> SoftmaxFunctions.logsumexp(col("score"), 0.0));
  }

  @Test
  void windowFramesOfEveryKindMatchTheReference() {
    LongFormatGroups groups = LongFormatGroups.random(5, 25, 30);
    groups.frame(spark, LongFormatGroups.Order.SHUFFLED, 4, 1).createOrReplaceTempView("framed");
    String sql = "SELECT i,"
        + " logsumexp(score) OVER (PARTITION BY g),"
        + " logsumexp(score, 2) OVER (PARTITION BY g ORDER BY i),"
        + " logsumexp(score) OVER (PARTITION BY g ORDER BY i ROWS BETWEEN 2 PRECEDING AND 1"
        + " FOLLOWING),"
        + " logsumexp(score) OVER (PARTITION BY g ORDER BY i ROWS BETWEEN 1 FOLLOWING AND"
        + " UNBOUNDED FOLLOWING)"
        + " FROM framed";
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      for (Row row : withConf(mode, () -> spark.sql(sql).collectAsList())) {
        long i = row.getLong(0);
        int p = groups.position(i);
        double[] scores = groups.scores(groups.group(i));
        int n = scores.length;
        assertFrame(row, 1, scores, 0, n, 1.0);
        assertFrame(row, 2, scores, 0, p + 1, 2.0);
        assertFrame(row, 3, scores, Math.max(0, p - 2), Math.min(n, p + 2), 1.0);
        assertFrame(row, 4, scores, p + 1, n, 1.0);
      }
    }
  }

  /** Field {@code field} of {@code row} is the log-sum-exp of {@code scores[from .. to)}. */
  private static void assertFrame(Row row, int field, double[] scores, int from, int to,
      double t) {
    double[] frame = Arrays.copyOfRange(scores, Math.min(from, to), to);
    String where = "row " + row.getLong(0) + ", frame " + field + " " + Arrays.toString(frame);
    if (frame.length == 0) {
      assertTrue(row.isNullAt(field), where);
    } else if (Arrays.stream(frame).allMatch(x -> x == Double.NEGATIVE_INFINITY)) {
      assertEquals(Double.NEGATIVE_INFINITY, row.getDouble(field), where);
    } else {
      ExactSoftmax exact = ExactSoftmax.of(frame, t);
      assertTrue(exact.logSumExpUlps(row.getDouble(field)) <= ULPS,
          where + ": " + row.getDouble(field) + " vs exact " + exact.logSumExp());
    }
  }

  @Test
  void nullsNaNAndInfinitiesFollowTheSemanticsOfSqlAggregates() {
    Map<Integer, Double> results = byGroup(spark.sql("SELECT g, logsumexp(x) FROM VALUES"
        + " (1, 1D), (1, NULL), (2, CAST(NULL AS DOUBLE)),"
        + " (3, CAST('NaN' AS DOUBLE)), (3, CAST('Infinity' AS DOUBLE)),"
        + " (4, CAST('-Infinity' AS DOUBLE)), (4, CAST('-Infinity' AS DOUBLE)),"
        + " (5, CAST('Infinity' AS DOUBLE)), (5, 1D),"
        + " (6, CAST('-Infinity' AS DOUBLE)), (6, 0D) AS t(g, x) GROUP BY g").collectAsList());
    assertEquals(1.0, results.get(1));
    assertNull(results.get(2));
    assertTrue(results.get(3).isNaN());
    assertEquals(Double.NEGATIVE_INFINITY, results.get(4));
    assertEquals(Double.POSITIVE_INFINITY, results.get(5));
    assertEquals(0.0, results.get(6));
    assertTrue(spark.sql("SELECT logsumexp(x) FROM VALUES (1D) AS t(x) WHERE x > 2")
        .first().isNullAt(0));
  }

  @Test
  void everyNumericTypeIsReadAsTheNearestDouble() {
    Row row = spark.sql("SELECT logsumexp(CAST(x AS INT)), logsumexp(CAST(x AS BIGINT)),"
        + " logsumexp(CAST(x AS SMALLINT)), logsumexp(CAST(x AS TINYINT)),"
        + " logsumexp(CAST(x AS FLOAT)), logsumexp(CAST(x AS DECIMAL(12, 3)))"
        + " FROM VALUES (3D), (-2D), (40D) AS t(x)").first();
    ExactSoftmax exact = ExactSoftmax.of(new double[] {3, -2, 40}, 1.0);
    for (int i = 0; i < row.size(); i++) {
      assertTrue(exact.logSumExpUlps(row.getDouble(i)) <= ULPS, "column " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "logsumexp(name)|the value must be numeric but t.name is string",
      "logsumexp(array(1D))|the value must be numeric",
      "logsumexp(x, 0)|temperature must be finite and > 0 but was 0.0",
      "logsumexp(x, -2)|temperature must be finite and > 0",
      "logsumexp(x, x)|the temperature must be a constant",
      "logsumexp(x, 'warm')|temperature must be a number",
      "logsumexp()|WRONG_NUM_ARGS",
      "logsumexp(x, 1, 2)|WRONG_NUM_ARGS"})
  void badCallsFailAnalysisNamingTheProblem(String callAndProblem) {
    String[] parts = callAndProblem.split("\\|");
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT "
        + parts[0] + " FROM VALUES (1D, 'a') AS t(x, name)"));
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
  }

  @Test
  void theColumnFunctionRejectsANonNumericColumnWhenAnalysed() {
    Dataset<Row> frame = spark.sql("SELECT 'a' AS name");
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> frame.agg(SoftmaxFunctions.logsumexp(col("name"))));
    assertTrue(e.getMessage().contains("the value must be numeric"), e.getMessage());
  }

  /** Spark aggregates a stream by group (windows over streams it does not run): complete mode. */
  @Test
  void streamingAggregationGivesTheBatchResult(@TempDir Path dir) throws Exception {
    Dataset<Row> scores = GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 4, 9);
    String source = dir.resolve("in").toString();
    scores.write().parquet(source);
    StreamingQuery query = spark.readStream().schema(scores.schema()).parquet(source)
        .groupBy("g").agg(SoftmaxFunctions.logsumexp(col("score"), 0.3).as("lse"))
        .writeStream().format("memory").queryName("streamed_lse")
        .outputMode(OutputMode.Complete()).trigger(Trigger.AvailableNow())
        .option("checkpointLocation", dir.resolve("checkpoint").toString()).start();
    query.awaitTermination();
    Map<Integer, Double> streamed = byGroup(spark.table("streamed_lse").collectAsList());
    assertEquals(GROUPS.size(), streamed.size());
    for (Map.Entry<Integer, Double> group : streamed.entrySet()) {
      assertTrue(exact(group.getKey(), 0.3).logSumExpUlps(group.getValue()) <= ULPS,
          "group " + group.getKey());
    }
  }

  private static Map<Integer, Double> byGroup(List<Row> rows) {
    Map<Integer, Double> map = new TreeMap<>();
    for (Row row : rows) {
      map.put(row.getInt(0), row.isNullAt(1) ? null : row.getDouble(1));
    }
    return map;
  }
}
