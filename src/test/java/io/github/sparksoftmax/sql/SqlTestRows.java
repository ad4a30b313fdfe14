package io.github.sparksoftmax.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of logits for the SQL tests, and assertions that hold SQL results to the row contract
 * ({@link Contract}) against the 40-digit reference.
 */
public final class SqlTestRows {

  /** {@code [0, ln 2, ln 3]}: its softmax is about {@code [1/6, 2/6, 3/6]}. */
  public static final double[] LOGITS = {0.0, Math.log(2.0), Math.log(3.0)};

  /** {@link #LOGITS} times 2, whose softmax at temperature 2 is that of {@link #LOGITS}. */
  public static final double[] DOUBLED_LOGITS = {0.0, 2 * Math.log(2.0), 2 * Math.log(3.0)};

  /** The sparse vector of row 6, {@code [0, ln 2, 0, ln 3]}, as a dense row. */
  public static final double[] SPARSE_ROW = {0.0, Math.log(2.0), 0.0, Math.log(3.0)};

  private SqlTestRows() {}

  /**
   * A view {@code logits(id int, vec vector, dbl array<double>, flt array<float>)}:
   * 1 the known row; 2 a NaN entry; 3 all -Infinity; 4 empty; 5 null; 6 a null entry (a sparse
   * vector {@code [0, ln 2, 0, ln 3]} in the vector column, whose softmax is {@code [1, 2, 1, 3]/7});
   * 7 the known row doubled.
   */
  public static void createLogitsView(SparkSession spark) {
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType, false)
        .add("vec", SQLDataTypes.VectorType())
        .add("dbl", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("flt", DataTypes.createArrayType(DataTypes.FloatType));
    double inf = Double.POSITIVE_INFINITY;
    List<Row> rows = List.of(
        RowFactory.create(1, Vectors.dense(LOGITS), LOGITS, toFloats(LOGITS)),
        RowFactory.create(2, Vectors.dense(1, Double.NaN, 2), new double[] {1, Double.NaN, 2},
            new float[] {1, Float.NaN, 2}),
        RowFactory.create(3, Vectors.dense(-inf, -inf), new double[] {-inf, -inf},
            new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}),
        RowFactory.create(4, Vectors.dense(new double[0]), new double[0], new float[0]),
        RowFactory.create(5, null, null, null),
        RowFactory.create(6, Vectors.sparse(4, new int[] {1, 3},
                new double[] {SPARSE_ROW[1], SPARSE_ROW[3]}),
            Arrays.asList(1.0, null), Arrays.asList(1.0f, null)),
        RowFactory.create(7, Vectors.dense(DOUBLED_LOGITS), DOUBLED_LOGITS,
            toFloats(DOUBLED_LOGITS)));
    spark.createDataFrame(rows, schema).createOrReplaceTempView("logits");
  }

  /** A row as {@code Row.get} returns it, a vector or a Scala Seq of Double or Float, as doubles. */
  public static double[] toDoubles(Object value) {
    assertNotNull(value);
    if (value instanceof Vector vector) {
      return vector.toArray();
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
    double[] values = new double[seq.length()];
    scala.collection.Iterator<?> entries = seq.iterator();
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) entries.next()).doubleValue();
    }
    return values;
  }

  public static float[] toFloats(double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }

  /** Entry by entry, exactly; NaN matches NaN. */
  public static void assertRow(double[] expected, Object actual) {
    assertArrayEquals(expected, toDoubles(actual), 0.0);
  }

  /**
   * A vector or {@code array<double>} result is the softmax (or log-softmax) of {@code logits} at
   * {@code temperature}, within the contract.
   */
  public static void assertSoftmax(
      double[] logits, double temperature, boolean logSpace, Object actual) {
    Contract.assertSoftmax(logits, temperature, logSpace, toDoubles(actual),
        Arrays.toString(logits) + " / " + temperature);
  }

  /**
   * An {@code array<float>} result is the softmax (or log-softmax) of {@code logits}, rounded to
   * floats as the column holds them, at {@code temperature}, within 1 float ulp.
   */
  public static void assertFloatSoftmax(
      double[] logits, double temperature, boolean logSpace, Object actual) {
    double[] values = toDoubles(actual);
    float[] floats = new float[values.length];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) values[i];
    }
    Contract.assertFloatSoftmax(toFloats(logits), temperature, logSpace, floats,
        Arrays.toString(logits) + " / " + temperature + " as floats");
  }

  /**
   * A SQL array literal of doubles, {@code array(0.0D, ...)}, that reads back as exactly these
   * doubles (SQL's own {@code ln} need not round as {@code Math.log} does).
   */
  public static String sqlArray(double... values) {
    StringBuilder sql = new StringBuilder("array(");
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      sql.append(i == 0 ? "" : ", ").append(Double.isFinite(v) ? v + "D"
          : "double('" + (Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity") + "')");
    }
    return sql.append(')').toString();
  }

  /** Running the query fails, with {@code message} somewhere in the chain of causes. */
  public static void assertQueryFailsWith(String message, Dataset<Row> query) {
    Exception e = assertThrows(Exception.class, query::collectAsList);
    StringBuilder causes = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      causes.append(t).append('\n');
    }
    assertTrue(causes.toString().contains(message), causes.toString());
  }

  public static double[] nans(int length) {
    double[] nans = new double[length];
    Arrays.fill(nans, Double.NaN);
    return nans;
  }
}
