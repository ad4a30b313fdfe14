package io.github.sparksoftmax;

import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLED_LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.assertFloatSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.assertSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.sqlArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.sql.SqlTestRows;
import io.github.sparksoftmax.stage.LogitsType;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL functions by configuration alone: a session started with
 * {@code spark.sql.extensions=io.github.sparksoftmax.SoftmaxExtensions} and nothing else.
 */
class SoftmaxExtensionsTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSparkWithTheExtension() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("SoftmaxExtensionsTest")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.extensions", "io.github.sparksoftmax.SoftmaxExtensions")
        .getOrCreate();
    SqlTestRows.createLogitsView(spark);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
    spark = null;
  }

  @Test
  void bothFunctionsAnswerPlainSql() {
    Row row = spark.sql("SELECT softmax(" + sqlArray(LOGITS) + "), log_softmax("
        + sqlArray(LOGITS) + ")").first();
    assertSoftmax(LOGITS, 1, false, row.get(0));
    assertSoftmax(LOGITS, 1, true, row.get(1));
  }

  @Test
  void eachInputTypeGivesItsOwnResultType() {
    Dataset<Row> result = spark.sql("SELECT softmax(vec, 2) AS v, softmax(dbl, 2) AS d,"
        + " log_softmax(flt, 2) AS f FROM logits WHERE id = 7");
    assertEquals(SQLDataTypes.VectorType(), result.schema().apply("v").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType),
        result.schema().apply("d").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType),
        result.schema().apply("f").dataType());
    Row row = result.first();
    assertSoftmax(DOUBLED_LOGITS, 2, false, row.get(0));
    assertSoftmax(DOUBLED_LOGITS, 2, false, row.get(1));
    assertFloatSoftmax(DOUBLED_LOGITS, 2, true, row.get(2));
  }

  @Test
  void everyNewSessionHasThem() {
    double[] logits = {0, Math.log(3)};
    Row row = spark.newSession().sql("SELECT softmax(" + sqlArray(logits) + ")").first();
    assertSoftmax(logits, 1, false, row.get(0));
  }

  @Test
  void unsupportedTypeFailsAnalysis() {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT log_softmax(CAST(id AS STRING)) FROM logits"));
    assertTrue(e.getMessage().contains("must be a " + LogitsType.EXPECTED + " column"),
        e.getMessage());
  }

  @Test
  void logSumExpAndSoftmaxOverAWindowNeedNoRegistration() {
    Row row = spark.sql("SELECT logsumexp(x) OVER (PARTITION BY g),"
        + " softmax(x) OVER (PARTITION BY g) FROM VALUES (1, 0D), (1, ln(3D)) AS t(g, x)"
        + " ORDER BY x").first();
    assertEquals(Math.log(4), row.getDouble(0), 1e-15);
    assertEquals(0.25, row.getDouble(1), 1e-16);
  }
}
