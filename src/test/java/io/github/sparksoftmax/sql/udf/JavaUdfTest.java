package io.github.sparksoftmax.sql.udf;

import static io.github.sparksoftmax.sql.SqlTestRows.DOUBLED_LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.SPARSE_ROW;
import static io.github.sparksoftmax.sql.SqlTestRows.assertFloatSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.assertQueryFailsWith;
import static io.github.sparksoftmax.sql.SqlTestRows.assertRow;
import static io.github.sparksoftmax.sql.SqlTestRows.assertSoftmax;
import static io.github.sparksoftmax.sql.SqlTestRows.nans;
import static io.github.sparksoftmax.sql.SqlTestRows.sqlArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.LocalSparkTest;
import io.github.sparksoftmax.sql.SqlTestRows;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java UDF classes, registered by class name as PySpark's {@code registerJavaFunction} does
 * (it calls {@code registerJava} with the class name and the return type, or null).
 */
class JavaUdfTest extends LocalSparkTest {

  private static final DataType VECTOR = SQLDataTypes.VectorType();
  private static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType);
  private static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType);

  @BeforeAll
  static void createLogitsView() {
    SqlTestRows.createLogitsView(spark);
  }

  static Stream<Arguments> everyClass() {
    return Stream.of(
        Arguments.of(VectorSoftmax.class, "vec", VECTOR),
        Arguments.of(VectorLogSoftmax.class, "vec", VECTOR),
        Arguments.of(VectorSoftmaxWithTemperature.class, "vec", VECTOR),
        Arguments.of(VectorLogSoftmaxWithTemperature.class, "vec", VECTOR),
        Arguments.of(DoubleArraySoftmax.class, "dbl", DOUBLES),
        Arguments.of(DoubleArrayLogSoftmax.class, "dbl", DOUBLES),
        Arguments.of(DoubleArraySoftmaxWithTemperature.class, "dbl", DOUBLES),
        Arguments.of(DoubleArrayLogSoftmaxWithTemperature.class, "dbl", DOUBLES),
        Arguments.of(FloatArraySoftmax.class, "flt", FLOATS),
        Arguments.of(FloatArrayLogSoftmax.class, "flt", FLOATS),
        Arguments.of(FloatArraySoftmaxWithTemperature.class, "flt", FLOATS),
        Arguments.of(FloatArrayLogSoftmaxWithTemperature.class, "flt", FLOATS));
  }

  /**
   * The known row through each class: at temperature 1, or, for a class that takes one, the
   * doubled row at temperature 2. The return type is given, then left for Spark to infer.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyClass")
  void eachClassComputesTheKnownRow(Class<?> udf, String column, DataType returnType) {
    boolean logSpace = udf.getSimpleName().contains("LogSoftmax");
    boolean withTemperature = udf.getSimpleName().endsWith("WithTemperature");
    String query = withTemperature
        ? "SELECT f(" + column + ", 2) FROM logits WHERE id = 7"
        : "SELECT f(" + column + ") FROM logits WHERE id = 1";
    for (DataType declared : new DataType[] {returnType, null}) {
      spark.udf().registerJava("f", udf.getName(), declared);
      Dataset<Row> result = spark.sql(query);
      // An inferred array type says its entries are never null; the declared one does not.
      assertEquals(returnType.simpleString(), result.schema().fields()[0].dataType().simpleString());
      Object row = result.first().get(0);
      double[] logits = withTemperature ? DOUBLED_LOGITS : LOGITS;
      double temperature = withTemperature ? 2 : 1;
      if (column.equals("flt")) {
        assertFloatSoftmax(logits, temperature, logSpace, row);
      } else {
        assertSoftmax(logits, temperature, logSpace, row);
      }
    }
  }

  @Test
  void semanticsOfTheSqlFunctionsHold() {
    spark.udf().registerJava("p_vec", VectorSoftmax.class.getName(), VECTOR);
    spark.udf().registerJava("p_dbl", DoubleArraySoftmax.class.getName(), DOUBLES);
    spark.udf().registerJava("p_flt", FloatArraySoftmax.class.getName(), FLOATS);
    Row[] rows = (Row[]) spark.sql("SELECT p_vec(vec), p_dbl(dbl), p_flt(flt) FROM logits"
        + " WHERE id IN (2, 3, 4, 5, 6) ORDER BY id").collect();
    for (int column = 0; column < 3; column++) {
      assertRow(nans(3), rows[0].get(column));
      assertRow(nans(2), rows[1].get(column));
      assertRow(new double[0], rows[2].get(column));
      assertNull(rows[3].get(column));
    }
    assertTrue(rows[4].get(0) instanceof DenseVector);
    assertSoftmax(SPARSE_ROW, 1, false, rows[4].get(0));
    assertRow(nans(2), rows[4].get(1));
    assertRow(nans(2), rows[4].get(2));
  }

  /** Issue #22: log-softmax of a valid row with huge logits was NaN through the UDFs too. */
  @Test
  void logSoftmaxOfHugeLogitsIsWithinTheContract() {
    spark.udf().registerJava("log_p", DoubleArrayLogSoftmax.class.getName(), DOUBLES);
    spark.udf().registerJava("log_p_t", DoubleArrayLogSoftmaxWithTemperature.class.getName(),
        DOUBLES);
    double[] huge = {5.751019143863584E307, Double.MAX_VALUE};
    Row row = spark.sql("SELECT log_p(" + sqlArray(huge) + "), log_p_t(" + sqlArray(huge)
        + ", 1e10D)").first();
    assertSoftmax(huge, 1, true, row.get(0));
    assertSoftmax(huge, 1e10, true, row.get(1));
  }

  @Test
  void invalidTemperatureFailsTheQueryNamingIt() {
    spark.udf().registerJava("p_t", DoubleArraySoftmaxWithTemperature.class.getName(), DOUBLES);
    assertQueryFailsWith("temperature must be finite and > 0 but was 0.0",
        spark.sql("SELECT p_t(dbl, 0) FROM logits WHERE id = 1"));
    assertQueryFailsWith("temperature must be a number but was null",
        spark.sql("SELECT p_t(dbl, CAST(NULL AS DOUBLE)) FROM logits WHERE id = 1"));
  }
}
