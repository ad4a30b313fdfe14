package io.github.sparksoftmax.sql;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.github.sparksoftmax.LongFormatGroups.assertWithinContract;

import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.LongFormatGroups;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code softmax(score) OVER (...)} and {@code log_softmax(score) OVER (...)} in SQL: each row's
 * probability within its window frame, against the exact reference, compiled and interpreted; the
 * naive {@code exp(score - logsumexp(score) OVER (...))} measured beside it; the semantics of
 * nulls, NaN and infinities; and the errors of a call without {@code OVER} and of a stream.
 */
class WindowSoftmaxTest extends LocalSparkTest {
  private static final double ULPS = 4;
  private static final LongFormatGroups GROUPS = LongFormatGroups.random(23, 30, 200);

  @BeforeAll
  static void registerFunctions() {
    SoftmaxFunctions.register(spark);
    GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 5, 2).cache()
        .createOrReplaceTempView("scores");
  }

  @Test
  void eachRowGetsItsExactProbabilityWithinItsPartition() {
    String sql = "SELECT g, i, softmax(score) OVER (PARTITION BY g),"
        + " log_softmax(score, 0.5) OVER (PARTITION BY g) FROM scores";
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      List<Row> rows = withConf(mode, () -> spark.sql(sql).collectAsList());
      assertEquals(spark.table("scores").count(), rows.size());
      for (Row row : rows) {
        int p = GROUPS.position(row.getLong(1));
        ExactSoftmax exact = GROUPS.exact(row.getInt(0), 1.0);
        assertWithinContract(exact, p, row.getDouble(2), false, "row " + row.getLong(1));
        ExactSoftmax cooled = GROUPS.exact(row.getInt(0), 0.5);
        assertWithinContract(cooled, p, row.getDouble(3), true, "row " + row.getLong(1));
      }
    }
  }

  @Test
  void anOrderedWindowGivesTheProbabilityWithinTheRunningFrame() {
    List<Row> rows = spark.sql("SELECT g, i, softmax(score) OVER (PARTITION BY g ORDER BY i)"
        + " FROM scores").collectAsList();
    for (Row row : rows) {
      int p = GROUPS.position(row.getLong(1));
      double[] prefix = Arrays.copyOf(GROUPS.scores(row.getInt(0)), p + 1);
      if (Arrays.stream(prefix).allMatch(x -> x == Double.NEGATIVE_INFINITY)) {
        assertTrue(Double.isNaN(row.getDouble(2)));
        continue;
      }
      assertWithinContract(ExactSoftmax.of(prefix, 1.0), p, row.getDouble(2), false,
          "row " + row.getLong(1));
    }
  }

  @Test
  void aCallInsideAnExpressionKeepsItsValueAndName() {
    Dataset<Row> result = spark.sql("SELECT x, 100 * softmax(x) OVER (PARTITION BY g) AS percent,"
        + " log_softmax(x, 2) OVER (PARTITION BY g) FROM VALUES (1, 0D), (1, ln(3D)) AS t(g, x)"
        + " ORDER BY x");
    assertTrue(result.columns()[2].startsWith("log_softmax(x, 2)"), result.columns()[2]);
    List<Row> rows = result.collectAsList();
    assertEquals(25.0, rows.get(0).getDouble(1), 1e-13);
    assertEquals(75.0, rows.get(1).getDouble(1), 1e-13);
    assertEquals(-Math.log(1 + Math.sqrt(3)), rows.get(0).getDouble(2), 1e-15);
  }

  /**
   * The measured example of the documentation: scores near 1000, where {@code s -
   * logsumexp(s)} is rounded to an ulp of 1000 before its exponential is taken.
   */
  @Test
  void theNaiveFormLosesHundredsOfUlpsWhereTheCallIsExact() {
    double[] scores = {1000.1, 1000.7, 999.3, 998.25, 1001.9};
    LongFormatGroups group = LongFormatGroups.of(scores);
    group.frame(spark, LongFormatGroups.Order.SHUFFLED, 1, 1).createOrReplaceTempView("ranked");
    List<Row> rows = spark.sql("SELECT i, softmax(score) OVER (PARTITION BY g),"
        + " exp(score - logsumexp(score) OVER (PARTITION BY g)) FROM ranked ORDER BY i")
        .collectAsList();
    ExactSoftmax exact = group.exact(0, 1.0);
    double worstNaive = 0;
    for (int i = 0; i < scores.length; i++) {
      assertTrue(exact.probabilityUlps(i, rows.get(i).getDouble(1)) <= ULPS);
      worstNaive = Math.max(worstNaive, exact.probabilityUlps(i, rows.get(i).getDouble(2)));
    }
    System.out.printf(Locale.ROOT, "scores %s: exp(s - logsumexp(s) OVER w) is off by up to"
        + " %.0f ulps; softmax(s) OVER w within %.0f%n", Arrays.toString(scores), worstNaive,
        ULPS);
    assertTrue(worstNaive > 50, "naive error " + worstNaive);
  }

  @Test
  void nullsAreLeftOutAndNaNOrAllNegativeInfinityGiveNaN() {
    List<Row> rows = spark.sql("SELECT g, x, softmax(x) OVER (PARTITION BY g) FROM VALUES"
        + " (1, 0D), (1, NULL), (1, ln(3D)),"
        + " (2, 1D), (2, CAST('NaN' AS DOUBLE)),"
        + " (3, CAST('-Infinity' AS DOUBLE)), (3, CAST('-Infinity' AS DOUBLE)),"
        + " (4, CAST('Infinity' AS DOUBLE)), (4, 2D), (4, CAST('Infinity' AS DOUBLE))"
        + " AS t(g, x) ORDER BY g, x").collectAsList();
    assertNull(rows.get(0).get(2));
    assertEquals(0.25, rows.get(1).getDouble(2), 1e-16);
    assertEquals(0.75, rows.get(2).getDouble(2), 1e-16);
    for (int r = 3; r < 7; r++) {
      assertTrue(Double.isNaN(rows.get(r).getDouble(2)), "row " + r);
    }
    assertEquals(List.of(0.0, 0.5, 0.5),
        List.of(rows.get(7).getDouble(2), rows.get(8).getDouble(2), rows.get(9).getDouble(2)));
  }

  @Test
  void theDataFrameApiCallsItByNameOverAWindow() {
    Dataset<Row> scores = spark.table("scores");
    List<Row> rows = scores.select(col("g"), col("i"), call_function("softmax", col("score"))
        .over(Window.partitionBy("g"))).collectAsList();
    for (Row row : rows) {
      assertWithinContract(GROUPS.exact(row.getInt(0), 1.0), GROUPS.position(row.getLong(1)),
          row.getDouble(2), false, "row " + row.getLong(1));
    }
  }

  @Test
  void aCallWithoutOverFailsWhenTheQueryIsPlanned() {
    for (String sql : List.of("SELECT softmax(score) FROM scores",
        "SELECT g, log_softmax(score) FROM scores GROUP BY g")) {
      AnalysisException e = assertThrows(AnalysisException.class,
          () -> spark.sql(sql).collectAsList());
      assertTrue(e.getMessage().contains("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE"), e.getMessage());
      assertTrue(e.getMessage().contains("softmax"), e.getMessage());
    }
  }

  @Test
  void theTemperatureOverAWindowMustBeAConstant() {
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql(
        "SELECT softmax(score, g) OVER (PARTITION BY g) FROM scores"));
    assertTrue(e.getMessage().contains("the temperature must be a constant"), e.getMessage());
  }

  /** Spark runs no window but a time window over a stream: the query fails when it starts. */
  @Test
  void aStreamIsRefusedBySpark(@TempDir Path dir) {
    String source = dir.resolve("in").toString();
    spark.table("scores").write().parquet(source);
    Dataset<Row> stream = spark.readStream().schema(spark.table("scores").schema())
        .parquet(source).selectExpr("g", "softmax(score) OVER (PARTITION BY g) AS p");
    AnalysisException e = assertThrows(AnalysisException.class, () -> stream.writeStream()
        .format("memory").queryName("streamed_window").start());
    assertTrue(e.getMessage().contains("NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING"),
        e.getMessage());
  }
}
