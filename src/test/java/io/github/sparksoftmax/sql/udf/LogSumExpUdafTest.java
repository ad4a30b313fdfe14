package io.github.sparksoftmax.sql.udf;

import static io.github.sparksoftmax.sql.SqlTestRows.assertQueryFailsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.ExpectsTaskFailures;
import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.LongFormatGroups;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code logsumexp} aggregate as Java UDAF classes, registered by class name as PySpark's
 * {@code registerJavaUDAF} does: within 4 ulps of the exact reference whatever the partitioning
 * and the order of the rows, the SQL function's semantics on nulls, NaN and infinities, and errors
 * that name a bad temperature.
 */
class LogSumExpUdafTest extends LocalSparkTest {
  private static final double ULPS = 4;

  @BeforeAll
  static void register() throws ReflectiveOperationException {
    SoftmaxFunctions.register(spark);
    registerJavaUdaf("lse", LogSumExpOfScores.class);
    registerJavaUdaf("lse_t", LogSumExpOfScoresWithTemperature.class);
  }

  /**
   * What PySpark's {@code spark.udf.registerJavaUDAF} calls on the session's {@code udf()}: a
   * method of the classic session's registration, which Spark 4's interface type does not declare.
   */
  private static void registerJavaUdaf(String name, Class<?> udaf)
      throws ReflectiveOperationException {
    Object registration = spark.udf();
    registration.getClass().getMethod("registerJavaUDAF", String.class, String.class)
        .invoke(registration, name, udaf.getName());
  }

  @Test
  void everyGroupIsWithinFourUlpsInEveryPartitioningAndOrder() {
    LongFormatGroups groups = LongFormatGroups.random(23, 20, 200);
    for (LongFormatGroups.Order order : LongFormatGroups.Order.values()) {
      for (int partitions : new int[] {1, 7}) {
        groups.frame(spark, order, partitions, partitions).createOrReplaceTempView("scores");
        List<Row> rows = spark.sql(
            "SELECT g, lse(score), lse_t(score, 0.3) FROM scores GROUP BY g").collectAsList();
        assertEquals(groups.size(), rows.size());
        for (Row row : rows) {
          int g = row.getInt(0);
          String where = order + ", " + partitions + " partitions, group " + g;
          double plain = groups.exact(g, 1.0).logSumExpUlps(row.getDouble(1));
          double scaled = groups.exact(g, 0.3).logSumExpUlps(row.getDouble(2));
          assertTrue(plain <= ULPS, where + ": " + plain + " ulps");
          assertTrue(scaled <= ULPS, where + ", t = 0.3: " + scaled + " ulps");
        }
      }
    }
  }

  @Test
  void specialGroupsGiveWhatTheSqlFunctionGives() {
    spark.sql("SELECT * FROM VALUES"
        + " (1, 1.0D), (1, NULL), (1, 3.0D),"
        + " (2, CAST(NULL AS DOUBLE)), (2, NULL),"
        + " (3, 1.0D), (3, CAST('NaN' AS DOUBLE)),"
        + " (4, CAST('-Infinity' AS DOUBLE)), (4, CAST('-Infinity' AS DOUBLE)),"
        + " (5, CAST('Infinity' AS DOUBLE)), (5, 2.0D),"
        + " (6, 710.0D), (6, 709.5D), (6, CAST('-Infinity' AS DOUBLE))"
        + " AS t(g, score)").repartition(3).createOrReplaceTempView("special");
    Map<Integer, Object> expected = new HashMap<>();
    expected.put(1, Math.log(Math.exp(1.0) + Math.exp(3.0)));
    expected.put(2, null);
    expected.put(3, Double.NaN);
    expected.put(4, Double.NEGATIVE_INFINITY);
    expected.put(5, Double.POSITIVE_INFINITY);
    expected.put(6, 710.0 + Math.log1p(Math.exp(-0.5)));
    List<Row> rows = spark.sql("SELECT g, lse(score), logsumexp(score), lse_t(score, 1)"
        + " FROM special GROUP BY g").collectAsList();
    assertEquals(expected.size(), rows.size());
    for (Row row : rows) {
      int g = row.getInt(0);
      assertEquals(row.get(2), row.get(1), "group " + g + ": the UDAF against logsumexp");
      assertEquals(row.get(1), row.get(3), "group " + g + ": with a temperature of 1");
      Object want = expected.get(g);
      if (want == null || Double.isNaN((Double) want) || Double.isInfinite((Double) want)) {
        assertEquals(want, row.get(1), "group " + g);
      } else {
        assertEquals((Double) want, row.getDouble(1), 4 * Math.ulp((Double) want), "group " + g);
      }
    }
  }

  @Test
  void anIntegerColumnIsReadAsDouble() {
    Row row = spark.sql("SELECT lse(x), logsumexp(x) FROM VALUES (1), (2), (3) AS t(x)")
        .first();
    assertEquals(row.getDouble(1), row.getDouble(0));
  }

  @Test
  @ExpectsTaskFailures
  void aBadOrVaryingTemperatureFailsNamingIt() {
    assertQueryFailsWith("temperature must be finite and > 0 but was 0.0",
        spark.sql("SELECT lse_t(score, 0) FROM VALUES (1.0D) AS t(score)"));
    assertQueryFailsWith("logsumexp's temperature must be the same on every row of a group, but"
        + " was 1.0 and 2.0", spark.sql("SELECT lse_t(score, t) FROM VALUES (1.0D, 1.0D),"
            + " (2.0D, 2.0D) AS v(score, t)").coalesce(1));
  }
}
