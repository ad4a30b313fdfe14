package io.github.sparksoftmax.sql;

import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLED_LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.SPARSE_ROW;
import static io.github.sparksoftmax.sql.SqlTestRows.assertFloatSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.assertQueryFailsWith;
import static io.github.sparksoftmax.sql.SqlTestRows.assertRow;
import static io.github.sparksoftmax.sql.SqlTestRows.assertSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.nans;
import static io.github.sparksoftmax.sql.SqlTestRows.sqlArray;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.stage.LogitsType;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL functions registered on a running session with {@link SoftmaxFunctions#register}. */
class SoftmaxFunctionsTest extends LocalSparkTest {

  @BeforeAll
  static void registerFunctions() {
    SoftmaxFunctions.register(spark);
    SqlTestRows.createLogitsView(spark);
  }

  private static Row row(String sql) {
    List<Row> rows = spark.sql(sql).collectAsList();
    assertEquals(1, rows.size(), sql);
    return rows.get(0);
  }

  @Test
  void softmaxOfEachInputTypeMatchesTheKnownValues() {
    Row row = row("SELECT softmax(vec), softmax(dbl), softmax(flt) FROM logits WHERE id = 1");
    assertSoftmax(LOGITS, 1, false, row.get(0));
    assertSoftmax(LOGITS, 1, false, row.get(1));
    assertFloatSoftmax(LOGITS, 1, false, row.get(2));
  }

  @Test
  void logSoftmaxOfEachInputTypeMatchesTheKnownValues() {
    Row row = row(
        "SELECT log_softmax(vec), log_softmax(dbl), log_softmax(flt) FROM logits WHERE id = 1");
    assertSoftmax(LOGITS, 1, true, row.get(0));
    assertSoftmax(LOGITS, 1, true, row.get(1));
    assertFloatSoftmax(LOGITS, 1, true, row.get(2));
  }

  @Test
  void resultTypeFollowsTheInputType() {
    StructType schema = spark.sql(
        "SELECT softmax(vec) AS v, softmax(dbl) AS d, log_softmax(flt) AS f FROM logits").schema();
    assertEquals(SQLDataTypes.VectorType(), schema.apply("v").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType), schema.apply("d").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType), schema.apply("f").dataType());
  }

  @Test
  void columnIsNamedAfterTheFunction() {
    String[] columns = spark.sql("SELECT softmax(dbl), log_softmax(flt, 2) FROM logits").columns();
    assertEquals("softmax(dbl, 1.0)", columns[0]);
    assertEquals("log_softmax(flt, 2)", columns[1]);
  }

  @Test
  void sparseVectorGivesTheDenseSoftmax() {
    Row row = row("SELECT softmax(vec), log_softmax(vec) FROM logits WHERE id = 6");
    assertTrue(row.get(0) instanceof org.apache.spark.ml.linalg.DenseVector);
    assertSoftmax(SPARSE_ROW, 1, false, row.get(0));
    assertSoftmax(SPARSE_ROW, 1, true, row.get(1));
  }

  @Test
  void nullRowGivesNull() {
    Row row = row("SELECT softmax(vec), softmax(dbl), log_softmax(flt) FROM logits WHERE id = 5");
    for (int i = 0; i < 3; i++) {
      assertNull(row.get(i));
    }
  }

  @ParameterizedTest(name = "row {0}")
  @ValueSource(ints = {2, 3})
  void invalidRowGivesNaNOfTheSameLength(int id) {
    Row row = row("SELECT size(dbl), softmax(vec), softmax(dbl), log_softmax(flt) FROM logits"
        + " WHERE id = " + id);
    double[] expected = nans(row.getInt(0));
    assertRow(expected, row.get(1));
    assertRow(expected, row.get(2));
    assertRow(expected, row.get(3));
  }

  @Test
  void nullEntryMakesTheRowInvalid() {
    Row row = row("SELECT softmax(dbl), log_softmax(flt) FROM logits WHERE id = 6");
    assertRow(nans(2), row.get(0));
    assertRow(nans(2), row.get(1));
  }

  @Test
  void emptyRowGivesEmptyRow() {
    Row row = row("SELECT softmax(vec), softmax(dbl), log_softmax(flt) FROM logits WHERE id = 4");
    for (int i = 0; i < 3; i++) {
      assertRow(new double[0], row.get(i));
    }
  }

  @Test
  void infiniteEntriesFollowTheKernel() {
    double[] negative = {Double.NEGATIVE_INFINITY, 0, Math.log(3)};
    double[] positive = {Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY};
    Row row = row("SELECT softmax(" + sqlArray(negative) + "), log_softmax(" + sqlArray(negative)
        + "), softmax(" + sqlArray(positive) + "), log_softmax(" + sqlArray(positive) + ")");
    assertSoftmax(negative, 1, false, row.get(0));
    assertSoftmax(negative, 1, true, row.get(1));
    assertSoftmax(positive, 1, false, row.get(2));
    assertSoftmax(positive, 1, true, row.get(3));
  }

  /**
   * Issue #22: a valid row whose gap {@code x - max} is near {@code -Double.MAX_VALUE} gave NaN
   * in log space, at temperature 1 and 1e10.
   */
  @Test
  void logSoftmaxOfHugeLogitsIsWithinTheContract() {
    double[] huge = {5.751019143863584E307, Double.MAX_VALUE};
    Row row = row("SELECT log_softmax(" + sqlArray(huge) + "), log_softmax(" + sqlArray(huge)
        + ", 1e10D), softmax(" + sqlArray(huge) + ")");
    assertSoftmax(huge, 1, true, row.get(0));
    assertSoftmax(huge, 1e10, true, row.get(1));
    assertSoftmax(huge, 1, false, row.get(2));
  }

  @ParameterizedTest(name = "temperature {0}")
  @ValueSource(strings = {"2", "2.0", "2D", "CAST(2 AS FLOAT)", "1 + 1"})
  void numericTemperatureOfAnyTypeDividesTheLogits(String temperature) {
    Row row = row("SELECT softmax(vec, " + temperature + "), softmax(dbl, " + temperature + "),"
        + " log_softmax(flt, " + temperature + ") FROM logits WHERE id = 7");
    assertSoftmax(DOUBLED_LOGITS, 2, false, row.get(0));
    assertSoftmax(DOUBLED_LOGITS, 2, false, row.get(1));
    assertFloatSoftmax(DOUBLED_LOGITS, 2, true, row.get(2));
  }

  @Test
  void temperatureMatchesTheExactReference() {
    double[] logits = {1.5, -2.25, 3.75, 0.125};
    String array = "array(1.5D, -2.25D, 3.75D, 0.125D)";
    Row row = row("SELECT softmax(" + array + ", 0.7), log_softmax(" + array + ", 0.7)");
    assertSoftmax(logits, 0.7, false, row.get(0));
    assertSoftmax(logits, 0.7, true, row.get(1));
  }

  @Test
  void temperatureMayVaryByRow() {
    // id - 5 is 2 on row 7, but no constant: the analyzer cannot check it, each row does.
    Row row = row("SELECT softmax(dbl, id - 5) FROM logits WHERE id = 7");
    assertSoftmax(DOUBLED_LOGITS, 2, false, row.get(0));
  }

  @ParameterizedTest(name = "temperature {0}")
  @ValueSource(strings = {"0", "-1", "double('NaN')", "double('Infinity')", "CAST(NULL AS DOUBLE)",
      "NULL"})
  void invalidConstantTemperatureFailsAnalysis(String temperature) {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT softmax(dbl, " + temperature + ") FROM logits"));
    assertTrue(e.getMessage().contains("temperature must be"), e.getMessage());
  }

  @Test
  void invalidTemperatureMessageNamesTheValue() {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT log_softmax(vec, -0.5) FROM logits"));
    assertTrue(e.getMessage().contains("temperature must be finite and > 0 but was -0.5"),
        e.getMessage());
  }

  @Test
  void invalidTemperatureInARowFailsTheQuery() {
    assertQueryFailsWith("temperature must be finite and > 0 but was -3.0",
        spark.sql("SELECT softmax(array(0D, 1D), t) FROM VALUES (1D), (-3D) AS v(t)"));
  }

  @Test
  void nonNumericTemperatureFailsAnalysis() {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT softmax(dbl, 'warm') FROM logits"));
    assertTrue(e.getMessage().contains("the temperature must be a number"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"'text'", "array(1, 2)", "struct(1D)", "map(1D, 2D)"})
  void unsupportedLogitsTypeFailsAnalysis(String logits) {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT softmax(" + logits + ") FROM logits"));
    assertTrue(e.getMessage().contains("must be a " + LogitsType.EXPECTED + " column"),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"softmax()", "softmax(dbl, 1, 2)", "log_softmax(dbl, 1, 2, 3)"})
  void wrongNumberOfArgumentsFailsAnalysis(String call) {
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT " + call + " FROM logits"));
    assertTrue(e.getMessage().contains("WRONG_NUM_ARGS"), e.getMessage());
  }

  @Test
  void callableByNameFromTheDataFrameApi() {
    Row row = spark.table("logits").where("id = 1")
        .select(call_function("softmax", col("dbl")),
            call_function("log_softmax", col("flt"), lit(1)))
        .first();
    assertSoftmax(LOGITS, 1, false, row.get(0));
    assertFloatSoftmax(LOGITS, 1, true, row.get(1));
  }

  @Test
  void describeFunctionShowsTheUsage() {
    String description = spark.sql("DESCRIBE FUNCTION EXTENDED softmax").collectAsList().stream()
        .map(r -> r.getString(0))
        .collect(Collectors.joining("\n"));
    assertTrue(description.contains("softmax(logits[, temperature])"), description);
    assertTrue(description.contains("temperature - a positive, finite number"), description);
  }

  @Test
  void streamingQueryGivesTheSameRows(@TempDir Path dir) throws Exception {
    Dataset<Row> logits = spark.table("logits").where("id IN (1, 2, 5)").select("id", "dbl");
    logits.write().parquet(dir.resolve("in").toString());
    StreamingQuery query = spark.readStream().schema(logits.schema())
        .parquet(dir.resolve("in").toString())
        .selectExpr("id", "softmax(dbl) AS p")
        .writeStream().format("memory").queryName("streamed_softmax")
        .trigger(Trigger.AvailableNow()).start();
    query.awaitTermination();
    List<Row> rows = spark.sql("SELECT p FROM streamed_softmax ORDER BY id").collectAsList();
    assertSoftmax(LOGITS, 1, false, rows.get(0).get(0));
    assertRow(nans(3), rows.get(1).get(0));
    assertNull(rows.get(2).get(0));
  }
}
