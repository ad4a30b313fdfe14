package io.github.sparksoftmax.stage;

import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLE_TOLERANCE;
import static io.github.sparksoftmax.sql.SqlTestRows.PROBABILITIES;
import static io.github.sparksoftmax.sql.SqlTestRows.assertQueryFailsWith;
import static io.github.sparksoftmax.sql.SqlTestRows.assertRow;
import static io.github.sparksoftmax.sql.SqlTestRows.toDoubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.ExpectsTaskFailures;
import io.github.sparksoftmax.JavaSerialization;
import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.SoftmaxTransformer;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import io.github.sparksoftmax.sql.SqlTestRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Catalyst expression of the SQL functions and of the transformer's column, in both of Spark's
 * ways of running it: compiled into generated code (with no fallback, so code that does not
 * compile fails the test) and interpreted. The rows of the {@code logits} view are scanned as a
 * table, not folded into a local relation on the driver, so that the compiled path is the one
 * that runs.
 */
class SoftmaxExpressionTest extends LocalSparkTest {

  @BeforeAll
  static void registerFunctions() {
    SoftmaxFunctions.register(spark);
    SqlTestRows.createLogitsView(spark);
    spark.table("logits").cache().createOrReplaceTempView("cached_logits");
  }

  private static List<Row> rows(Map<String, String> settings, String sql) {
    return withConf(settings, () -> spark.sql(sql).collectAsList());
  }

  /** Every value of every row as doubles, null rows as null. */
  private static List<double[]> values(List<Row> rows) {
    List<double[]> values = new ArrayList<>();
    for (Row row : rows) {
      for (int i = 0; i < row.size(); i++) {
        values.add(row.isNullAt(i) ? null : toDoubles(row.get(i)));
      }
    }
    return values;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "softmax(vec), log_softmax(vec, 2)",
      "softmax(dbl), log_softmax(dbl, 0.5)",
      "softmax(flt), log_softmax(flt, 3)",
      "softmax(dbl, id), log_softmax(vec, id * 0.25)",
      "softmax(flt, CAST(id AS DECIMAL(4, 2)) / 4)"})
  void compiledAndInterpretedGiveTheSameBits(String calls) {
    String sql = "SELECT " + calls + " FROM cached_logits ORDER BY id";
    assertSameBits(values(rows(INTERPRETED, sql)), values(rows(COMPILED, sql)), sql);
  }

  private static void assertSameBits(
      List<double[]> interpreted, List<double[]> compiled, String what) {
    assertEquals(interpreted.size(), compiled.size());
    for (int i = 0; i < compiled.size(); i++) {
      if (interpreted.get(i) == null) {
        assertNull(compiled.get(i), what + ", value " + i);
      } else {
        assertArrayEquals(interpreted.get(i), compiled.get(i), 0.0, what + ", value " + i);
      }
    }
  }

  private static SoftmaxTransformer transformer(String column) {
    return new SoftmaxTransformer().setInputCol(column).setOutputCol("p").setTemperature(2.0);
  }

  /** The transformer's column, invalid rows kept, on every row of each logits type. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vec", "dbl", "flt"})
  void transformerColumnGivesTheSameBitsCompiledAndInterpreted(String column) {
    for (boolean logSpace : new boolean[] {false, true}) {
      Supplier<List<double[]>> scored = () -> values(transformer(column).setLogSoftmax(logSpace)
          .setHandleInvalid("keep").transform(spark.table("cached_logits").orderBy("id"))
          .select("p").collectAsList());
      assertSameBits(withConf(INTERPRETED, scored), withConf(COMPILED, scored),
          column + (logSpace ? ", log space" : ""));
    }
  }

  /** Under handleInvalid = error, a null row and a NaN row fail, compiled and interpreted. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {2, 5})
  @ExpectsTaskFailures
  void transformerColumnFailsOnAnInvalidRowCompiledAndInterpreted(int id) {
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      withConf(mode, () -> {
        assertQueryFailsWith("Softmax is undefined for a row of column 'dbl'",
            transformer("dbl").transform(spark.table("cached_logits").filter("id = " + id)));
        return null;
      });
    }
  }

  @Test
  void compiledCallGivesTheKnownValues() {
    Row row = rows(COMPILED,
        "SELECT softmax(vec), softmax(dbl, id - 5) FROM cached_logits WHERE id = 7").get(0);
    assertRow(new double[] {1.0 / 14, 4.0 / 14, 9.0 / 14}, row.get(0), DOUBLE_TOLERANCE);
    assertRow(PROBABILITIES, row.get(1), DOUBLE_TOLERANCE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(booleans = {true, false})
  void resultsThatALambdaCollectsAreEachTheirOwn(boolean compiled) {
    Row row = rows(compiled ? COMPILED : INTERPRETED,
        "SELECT transform(array(array(0D, ln(3D)), array(ln(3D), 0D), array(0D, 0D)),"
            + " a -> softmax(a)) FROM cached_logits WHERE id = 1").get(0);
    List<Object> results = row.getList(0);
    assertRow(new double[] {0.25, 0.75}, results.get(0), DOUBLE_TOLERANCE);
    assertRow(new double[] {0.75, 0.25}, results.get(1), DOUBLE_TOLERANCE);
    assertRow(new double[] {0.5, 0.5}, results.get(2), DOUBLE_TOLERANCE);
  }

  @Test
  void eachResultIsANewObjectThatTheNextRowLeavesAlone() {
    SoftmaxExpression call = SoftmaxExpression.functionCall(
        new BoundReference(0, DataTypes.createArrayType(DataTypes.DoubleType), true),
        Literal.create(1.0, DataTypes.DoubleType), false);
    ArrayData first = (ArrayData) call.eval(new GenericInternalRow(
        new Object[] {UnsafeArrayData.fromPrimitiveArray(new double[] {0.0, Math.log(3.0)})}));
    ArrayData second = (ArrayData) call.eval(new GenericInternalRow(
        new Object[] {UnsafeArrayData.fromPrimitiveArray(new double[] {Math.log(3.0), 0.0})}));
    assertArrayEquals(new double[] {0.25, 0.75}, first.toDoubleArray(), DOUBLE_TOLERANCE);
    assertArrayEquals(new double[] {0.75, 0.25}, second.toDoubleArray(), DOUBLE_TOLERANCE);
  }

  @Test
  void copiesAndSerializesAsSparkDoesWithItsOwnExpressions() throws Exception {
    Expression logits =
        new BoundReference(0, DataTypes.createArrayType(DataTypes.DoubleType), true);
    Expression temperature = Literal.create(2.0, DataTypes.DoubleType);
    SoftmaxExpression call =
        new SoftmaxExpression(logits, temperature, true, true, "scores", true);
    assertEquals(call, call.clone());
    assertEquals(call,
        call.makeCopy(new Object[] {logits, temperature, true, true, "scores", true}));
    assertNotEquals(call,
        call.makeCopy(new Object[] {logits, temperature, false, true, "scores", true}));
    assertNotEquals(call,
        call.makeCopy(new Object[] {logits, temperature, true, false, "scores", true}));
    assertNotEquals(call,
        call.makeCopy(new Object[] {logits, temperature, true, true, "logits", true}));
    assertNotEquals(call,
        call.makeCopy(new Object[] {logits, temperature, true, true, "scores", false}));
    SoftmaxExpression copy = JavaSerialization.roundTrip(call);
    assertEquals(call, copy);
    InternalRow row = new GenericInternalRow(
        new Object[] {UnsafeArrayData.fromPrimitiveArray(new double[] {0.0, Math.log(9.0)})});
    assertArrayEquals(((ArrayData) call.eval(row)).toDoubleArray(),
        ((ArrayData) copy.eval(row)).toDoubleArray(), 0.0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"NULL", "-2", "0"})
  @ExpectsTaskFailures
  void badTemperatureInARowFailsTheCompiledQuery(String badValue) {
    String sql = "SELECT softmax(dbl, IF(id = 7, " + badValue + ", 1D)) FROM cached_logits";
    String message = badValue.equals("NULL")
        ? "temperature must be a number but was null"
        : "temperature must be finite and > 0 but was " + Double.parseDouble(badValue);
    withConf(COMPILED, () -> {
      assertQueryFailsWith(message, spark.sql(sql));
      return null;
    });
  }

  @Test
  void callInsideAnotherIsNamedAfterTheFunction() {
    String[] columns = spark.sql("SELECT size(softmax(dbl)), log_softmax(flt, 2) FROM logits")
        .columns();
    assertEquals("size(softmax(dbl, 1.0))", columns[0]);
    assertEquals("log_softmax(flt, 2)", columns[1]);
  }

  @Test
  void explainShowsTheCall() {
    String plan = spark.sql("SELECT log_softmax(dbl, 2) AS p FROM logits").queryExecution()
        .executedPlan().toString();
    assertTrue(plan.matches("(?s).*log_softmax\\(dbl#\\d+, 2\\) AS p.*"), plan);
  }
}
