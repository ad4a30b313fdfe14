package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.RowStatus;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.kernel.TopK;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import scala.collection.Seq;

/**
 * The per-row work of a softmax stage, holding plain values only so that it can be shipped to
 * executors without the stage. Rows come as Spark hands them to Java UDFs: a {@link Vector}, or a
 * {@link Seq} of boxed numbers (whose entries may be null) for array columns.
 *
 * <p>An invalid row (null, a null or NaN entry, every entry -Infinity) raises {@link
 * InvalidRowException} under {@link HandleInvalid#ERROR}; otherwise a null row gives null and any
 * other invalid row an output of NaN. {@link HandleInvalid#SKIP} is applied by the caller, which
 * filters on {@link #isValidVector} and the like before calling.
 */
public final class RowSoftmax implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String column;
  private final double temperature;
  private final boolean logSpace;
  private final HandleInvalid handleInvalid;

  /**
   * @param column the input column's name, for error messages
   * @param temperature finite and &gt; 0
   * @param logSpace true for log-probabilities
   * @param handleInvalid what an invalid row gets
   */
  public RowSoftmax(String column, double temperature, boolean logSpace, HandleInvalid handleInvalid) {
    Softmax.requireValidTemperature(temperature);
    this.column = column;
    this.temperature = temperature;
    this.logSpace = logSpace;
    this.handleInvalid = handleInvalid;
  }

  /** Softmax of a vector row as a dense vector; null for a null row unless that is an error. */
  public Vector ofVector(Vector logits) {
    double[] out = softmaxOfVector(logits);
    return out == null ? null : Vectors.dense(out);
  }

  /**
   * The {@code k} largest entries of the softmax of a vector row, as a sparse vector of the row's
   * size (see {@link TopK} for the order); null for a null row unless that is an error.
   */
  public Vector topOfVector(Vector logits, int k) {
    return top(softmaxOfVector(logits), k);
  }

  /** The {@code k} largest entries of the softmax of an array row, as a sparse vector. */
  public Vector topOfArray(Seq<Object> logits, int k) {
    return top(ofDoubles(logits), k);
  }

  private double[] softmaxOfVector(Vector logits) {
    if (logits == null) {
      return nullRow();
    }
    double[] out = new double[logits.size()];
    RowStatus status;
    if (logits instanceof SparseVector) {
      SparseVector sparse = (SparseVector) logits;
      status = Softmax.softmaxSparse(
          sparse.size(), sparse.indices(), sparse.values(), temperature, logSpace, out);
    } else {
      status = Softmax.softmax(((DenseVector) logits).values(), temperature, logSpace, out);
    }
    failIfInvalid(status);
    return out;
  }

  private static Vector top(double[] row, int k) {
    if (row == null) {
      return null;
    }
    int[] indices = TopK.largest(row, k);
    double[] values = new double[indices.length];
    for (int j = 0; j < indices.length; j++) {
      values[j] = row[indices[j]];
    }
    return Vectors.sparse(row.length, indices, values);
  }

  /** Softmax of an {@code array<double>} row (or of any numeric array, computed in double). */
  public double[] ofDoubles(Seq<Object> logits) {
    if (logits == null) {
      return nullRow();
    }
    double[] row = new double[logits.length()];
    if (!widen(logits, row)) {
      failIfInvalid(RowStatus.NULL_ENTRY);
      Arrays.fill(row, Double.NaN);
      return row;
    }
    failIfInvalid(Softmax.softmax(row, temperature, logSpace, row));
    return row;
  }

  /** Softmax of an {@code array<float>} row, computed in double and rounded once. */
  public float[] ofFloats(Seq<Object> logits) {
    if (logits == null) {
      return nullRow();
    }
    int n = logits.length();
    float[] row = new float[n];
    for (int i = 0; i < n; i++) {
      Object entry = logits.apply(i);
      if (entry == null) {
        failIfInvalid(RowStatus.NULL_ENTRY);
        Arrays.fill(row, Float.NaN);
        return row;
      }
      row[i] = ((Number) entry).floatValue();
    }
    failIfInvalid(Softmax.softmax(row, temperature, logSpace, row));
    return row;
  }

  /** True when a vector row is non-null and softmax is defined on it. */
  public static boolean isValidVector(Vector logits) {
    if (logits == null) {
      return false;
    }
    if (logits instanceof SparseVector) {
      return Softmax.checkSparse(logits.size(), ((SparseVector) logits).values()).isValid();
    }
    return Softmax.check(((DenseVector) logits).values()).isValid();
  }

  /** True when an array row is non-null, has no null entry, and softmax is defined on it. */
  public static boolean isValidArray(Seq<Object> logits) {
    if (logits == null) {
      return false;
    }
    double[] row = new double[logits.length()];
    return widen(logits, row) && Softmax.check(row).isValid();
  }

  /**
   * The argmax of a result vector as a double; NaN for a NaN row, null for a null row. A sparse
   * result (top-k output) holds the largest entry explicitly, so only its stored entries count:
   * its implicit zeros are not outputs (and would beat log-probabilities).
   */
  public static Double argmaxOfVector(Vector result) {
    if (result == null) {
      return null;
    }
    if (result instanceof SparseVector) {
      SparseVector top = (SparseVector) result;
      int best = Softmax.argmax(top.values());
      return asPrediction(best < 0 ? best : top.indices()[best]);
    }
    return asPrediction(Softmax.argmax(result.toArray()));
  }

  /** The argmax of a result array as a double; NaN for a NaN row, null for a null row. */
  public static Double argmaxOfArray(Seq<Object> result) {
    if (result == null) {
      return null;
    }
    double[] row = new double[result.length()];
    return widen(result, row) ? asPrediction(Softmax.argmax(row)) : Double.NaN;
  }

  private static Double asPrediction(int index) {
    return index < 0 ? Double.NaN : (double) index;
  }

  /** Copies boxed entries into {@code row}; false if an entry is null. */
  static boolean widen(Seq<Object> entries, double[] row) {
    for (int i = 0; i < row.length; i++) {
      Object entry = entries.apply(i);
      if (entry == null) {
        return false;
      }
      row[i] = ((Number) entry).doubleValue();
    }
    return true;
  }

  private <T> T nullRow() {
    failIfInvalid(RowStatus.NULL_ROW);
    return null;
  }

  private void failIfInvalid(RowStatus status) {
    if (!status.isValid() && handleInvalid == HandleInvalid.ERROR) {
      throw new InvalidRowException(column, status);
    }
  }
}
