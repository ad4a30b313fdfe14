package io.github.sparksoftmax.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.ExactSoftmax;
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
 * Logits whose softmax is known in closed form, the 40-digit reference for the rest, and
 * assertions that compare SQL results as arrays with a tolerance.
 */
public final class SqlTestRows {

  /** {@code [0, ln 2, ln 3]}: its softmax is {@code [1/6, 2/6, 3/6]}. */
  public static final double[] LOGITS = {0.0, Math.log(2.0), Math.log(3.0)};

  /** {@link #LOGITS} times 2, whose softmax at temperature 2 is that of {@link #LOGITS}. */
  public static final double[] DOUBLED_LOGITS = {0.0, 2 * Math.log(2.0), 2 * Math.log(3.0)};

  public static final double[] PROBABILITIES = {1.0 / 6, 2.0 / 6, 3.0 / 6};

  public static final double[] LOG_PROBABILITIES = {-Math.log(6.0), -Math.log(3.0), -Math.log(2.0)};

  /** A double result is within a few ulps of the exact value. */
  public static final double DOUBLE_TOLERANCE = 1e-15;

  /** A float result is the exact value rounded once, from float logits. */
  public static final double FLOAT_TOLERANCE = 1e-7;

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
        RowFactory.create(6, Vectors.sparse(4, new int[] {1, 3}, new double[] {LOGITS[1], LOGITS[2]}),
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

  /** Entry by entry within {@code tolerance}; NaN matches NaN and an infinity itself. */
  public static void assertRow(double[] expected, Object actual, double tolerance) {
    assertArrayEquals(expected, toDoubles(actual), tolerance);
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

  /** The 40-digit reference ({@link ExactSoftmax}) rounded to doubles. */
  public static double[] exact(double[] logits, double temperature, boolean logSpace) {
    ExactSoftmax exact = ExactSoftmax.of(logits, temperature);
    double[] values = new double[exact.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = logSpace ? exact.logProbability(i) : exact.probability(i);
    }
    return values;
  }
}
