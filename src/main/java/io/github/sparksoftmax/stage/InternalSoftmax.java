package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.RowStatus;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.kernel.TopK;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The per-row work of the softmax stages on Spark's internal row format, called from generated
 * code (see {@link SoftmaxColumns}). A vector arrives as VectorUDT's struct {@code (type: byte,
 * size: int, indices: array<int>, values: array<double>)}, type 0 sparse and 1 dense; arrays as
 * {@link ArrayData}; Spark looks a vector parameter up as {@code Object}. Reading the primitive
 * arrays straight out of the row spares the object
 * conversions of a UDF.
 *
 * <p>With {@code failOnInvalid}, an invalid row (null, a null or NaN entry, every entry -Infinity)
 * throws {@link InvalidRowException}; otherwise a null row gives null and another invalid row an
 * output of NaN.
 */
public final class InternalSoftmax {
  private static final byte SPARSE = 0;
  private static final int TYPE = 0;
  private static final int SIZE = 1;
  private static final int INDICES = 2;
  private static final int VALUES = 3;

  private InternalSoftmax() {}

  /**
   * Softmax of a vector row, as a dense vector row. The kernel writes the result straight into
   * the row's buffer (see {@link DenseVectorRow}); a sparse row's implicit zeros are never
   * expanded into an array of logits.
   */
  public static InternalRow vector(Object vectorRow, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column) {
    if (vectorRow == null) {
      return nullRow(failOnInvalid, column);
    }
    InternalRow logits = (InternalRow) vectorRow;
    double[] buffer;
    int n;
    RowStatus status;
    if (logits.getByte(TYPE) == SPARSE) {
      n = logits.getInt(SIZE);
      buffer = DenseVectorRow.allocate(n);
      status = Softmax.softmaxSparse(n, logits.getArray(INDICES).toIntArray(),
          logits.getArray(VALUES).toDoubleArray(), temperature, logSpace, buffer,
          DenseVectorRow.valuesOffset(n));
    } else {
      double[] values = logits.getArray(VALUES).toDoubleArray();
      n = values.length;
      buffer = DenseVectorRow.allocate(n);
      status = Softmax.softmax(values, temperature, logSpace, buffer,
          DenseVectorRow.valuesOffset(n));
    }
    check(status, failOnInvalid, column);
    return DenseVectorRow.wrap(buffer, n);
  }

  /**
   * The {@code k} largest entries of the softmax of a vector row, as a sparse vector row of the
   * row's size: exact values at their original indices, ties to the lower index (see {@link
   * TopK}); an invalid row kept as NaN holds NaN at its first {@code k} indices.
   */
  public static InternalRow topOfVector(Object vectorRow, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column, int k) {
    return top(softmaxOfVector(vectorRow, temperature, logSpace, failOnInvalid, column), k);
  }

  /** The {@code k} largest entries of the softmax of an {@code array<double>} row. */
  public static InternalRow topOfDoubles(ArrayData logits, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column, int k) {
    double[] row = logits == null ? null : logits.toDoubleArray();
    return top(softmaxOfArray(logits, row, temperature, logSpace, failOnInvalid, column), k);
  }

  /**
   * The {@code k} largest entries of the softmax of an {@code array<float>} row, computed in
   * double and not rounded to float.
   */
  public static InternalRow topOfFloats(ArrayData logits, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column, int k) {
    double[] row = null;
    if (logits != null) {
      float[] narrow = logits.toFloatArray();
      row = new double[narrow.length];
      for (int i = 0; i < row.length; i++) {
        row[i] = narrow[i];
      }
    }
    return top(softmaxOfArray(logits, row, temperature, logSpace, failOnInvalid, column), k);
  }

  private static double[] softmaxOfVector(Object vectorRow, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column) {
    if (vectorRow == null) {
      return nullRow(failOnInvalid, column);
    }
    InternalRow logits = (InternalRow) vectorRow;
    double[] out;
    RowStatus status;
    if (logits.getByte(TYPE) == SPARSE) {
      out = new double[logits.getInt(SIZE)];
      status = Softmax.softmaxSparse(out.length, logits.getArray(INDICES).toIntArray(),
          logits.getArray(VALUES).toDoubleArray(), temperature, logSpace, out);
    } else {
      out = logits.getArray(VALUES).toDoubleArray();
      status = Softmax.softmax(out, temperature, logSpace, out);
    }
    check(status, failOnInvalid, column);
    return out;
  }

  /** Softmax of an {@code array<double>} row. */
  public static ArrayData doubles(ArrayData logits, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    int n = logits.numElements();
    double[] buffer = DenseVectorRow.allocateArray(n);
    int offset = DenseVectorRow.arrayValuesOffset(n);
    if (hasNullEntry(logits)) {
      check(RowStatus.NULL_ENTRY, failOnInvalid, column);
      Arrays.fill(buffer, offset, offset + n, Double.NaN);
    } else {
      check(Softmax.softmax(logits.toDoubleArray(), temperature, logSpace, buffer, offset),
          failOnInvalid, column);
    }
    return DenseVectorRow.wrapArray(buffer, n);
  }

  /** Softmax in place of {@code row}, the entries of the array row {@code logits} as doubles. */
  private static double[] softmaxOfArray(ArrayData logits, double[] row, double temperature,
      boolean logSpace, boolean failOnInvalid, UTF8String column) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    if (hasNullEntry(logits)) {
      check(RowStatus.NULL_ENTRY, failOnInvalid, column);
      Arrays.fill(row, Double.NaN);
    } else {
      check(Softmax.softmax(row, temperature, logSpace, row), failOnInvalid, column);
    }
    return row;
  }

  /** Softmax of an {@code array<float>} row, computed in double and rounded once. */
  public static ArrayData floats(ArrayData logits, double temperature, boolean logSpace,
      boolean failOnInvalid, UTF8String column) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    float[] row = logits.toFloatArray();
    if (hasNullEntry(logits)) {
      check(RowStatus.NULL_ENTRY, failOnInvalid, column);
      Arrays.fill(row, Float.NaN);
    } else {
      check(Softmax.softmax(row, temperature, logSpace, row), failOnInvalid, column);
    }
    return UnsafeArrayData.fromPrimitiveArray(row);
  }

  /** True when a vector row is non-null and softmax is defined on it. */
  public static boolean isValidVector(Object vectorRow) {
    if (vectorRow == null) {
      return false;
    }
    InternalRow logits = (InternalRow) vectorRow;
    double[] values = logits.getArray(VALUES).toDoubleArray();
    return (logits.getByte(TYPE) == SPARSE
        ? Softmax.checkSparse(logits.getInt(SIZE), values)
        : Softmax.check(values)).isValid();
  }

  /** True when an {@code array<double>} row is non-null, without null entries, and valid. */
  public static boolean isValidDoubles(ArrayData logits) {
    return logits != null && !hasNullEntry(logits)
        && Softmax.check(logits.toDoubleArray()).isValid();
  }

  /** True when an {@code array<float>} row is non-null, without null entries, and valid. */
  public static boolean isValidFloats(ArrayData logits) {
    return logits != null && !hasNullEntry(logits)
        && Softmax.check(logits.toFloatArray()).isValid();
  }

  /**
   * The argmax of a result vector (lowest index among ties); NaN for a NaN row. A sparse result
   * (top-k output) holds the largest entry explicitly, so only its stored entries count: its
   * implicit zeros are not outputs (and would beat log-probabilities).
   */
  public static double argmaxOfVector(Object vectorRow) {
    InternalRow result = (InternalRow) vectorRow;
    int best = Softmax.argmax(result.getArray(VALUES).toDoubleArray());
    if (best >= 0 && result.getByte(TYPE) == SPARSE) {
      best = result.getArray(INDICES).getInt(best);
    }
    return asPrediction(best);
  }

  /** The argmax of an {@code array<double>} result. */
  public static double argmaxOfDoubles(ArrayData result) {
    return asPrediction(Softmax.argmax(result.toDoubleArray()));
  }

  /** The argmax of an {@code array<float>} result. */
  public static double argmaxOfFloats(ArrayData result) {
    return asPrediction(Softmax.argmax(result.toFloatArray()));
  }

  /** The top {@code k} entries of a result row as VectorUDT's internal sparse vector, or null. */
  private static InternalRow top(double[] row, int k) {
    if (row == null) {
      return null;
    }
    int[] indices = TopK.largest(row, k);
    double[] values = new double[indices.length];
    for (int j = 0; j < indices.length; j++) {
      values[j] = row[indices[j]];
    }
    return new GenericInternalRow(new Object[] {SPARSE, row.length,
        UnsafeArrayData.fromPrimitiveArray(indices), UnsafeArrayData.fromPrimitiveArray(values)});
  }

  private static double asPrediction(int index) {
    return index < 0 ? Double.NaN : index;
  }

  private static boolean hasNullEntry(ArrayData row) {
    for (int i = 0; i < row.numElements(); i++) {
      if (row.isNullAt(i)) {
        return true;
      }
    }
    return false;
  }

  private static <T> T nullRow(boolean failOnInvalid, UTF8String column) {
    check(RowStatus.NULL_ROW, failOnInvalid, column);
    return null;
  }

  private static void check(RowStatus status, boolean failOnInvalid, UTF8String column) {
    if (failOnInvalid && !status.isValid()) {
      throw InternalSoftmax.<RuntimeException>unchecked(
          new InvalidRowException(column.toString(), status));
    }
  }

  /**
   * Throws a checked exception from code that cannot declare it: the generated code that calls
   * these methods declares no exceptions, yet a failed action should carry a SparkException.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E unchecked(Throwable exception) throws E {
    throw (E) exception;
  }
}
