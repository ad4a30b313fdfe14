package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.stage.InternalSoftmax;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * One row of logits, held in a Spark external type, through the {@link Softmax} kernel with the
 * semantics of the SQL functions: a null row gives null; an invalid row (a NaN or null entry, or
 * every entry {@code -Infinity}) gives a row of NaN of the same length; an empty row gives an empty
 * row. The Java UDF classes of {@code io.github.sparksoftmax.sql.udf} call it; user code has no
 * need to.
 */
public final class SoftmaxRows {

  private SoftmaxRows() {}

  /**
   * Softmax of a dense or sparse vector, as a dense vector; a sparse row is computed without
   * expanding its implicit zeros.
   *
   * @return null when {@code logits} is null
   * @throws IllegalArgumentException if the temperature is not finite and positive
   */
  public static DenseVector vector(Vector logits, double temperature, boolean logSpace) {
    if (logits == null) {
      return null;
    }
    double[] out = new double[logits.size()];
    if (logits instanceof SparseVector sparse) {
      Softmax.softmaxSparse(
          sparse.size(), sparse.indices(), sparse.values(), temperature, logSpace, out);
    } else {
      Softmax.softmax(logits.toArray(), temperature, logSpace, out);
    }
    return new DenseVector(out);
  }

  /**
   * Softmax of an {@code array<double>} as a Java UDF receives it: a Scala {@code Seq} of boxed
   * numbers, any of which may be null.
   *
   * @return null when {@code logits} is null
   * @throws IllegalArgumentException if the temperature is not finite and positive
   */
  public static double[] doubles(Seq<?> logits, double temperature, boolean logSpace) {
    if (logits == null) {
      return null;
    }
    double[] row = new double[logits.length()];
    Iterator<?> entries = logits.iterator();
    for (int i = 0; i < row.length; i++) {
      Object entry = entries.next();
      row[i] = entry == null ? Double.NaN : ((Number) entry).doubleValue();
    }
    Softmax.softmax(row, temperature, logSpace, row);
    return row;
  }

  /**
   * Softmax of an {@code array<float>} as a Java UDF receives it, computed in double and rounded
   * once to float.
   *
   * @see #doubles(Seq, double, boolean)
   */
  public static float[] floats(Seq<?> logits, double temperature, boolean logSpace) {
    if (logits == null) {
      return null;
    }
    float[] row = new float[logits.length()];
    Iterator<?> entries = logits.iterator();
    for (int i = 0; i < row.length; i++) {
      Object entry = entries.next();
      row[i] = entry == null ? Float.NaN : ((Number) entry).floatValue();
    }
    Softmax.softmax(row, temperature, logSpace, row);
    return row;
  }

  /**
   * A UDF's temperature argument as a double, read and checked as the SQL functions' expression
   * does ({@link InternalSoftmax#temperature}).
   *
   * @throws IllegalArgumentException if it is null, not a number, or not finite and positive
   */
  public static double temperature(Object value) {
    return InternalSoftmax.temperature(value);
  }
}
