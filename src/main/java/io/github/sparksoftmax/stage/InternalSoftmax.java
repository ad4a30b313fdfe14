package io.github.sparksoftmax.stage;

import static io.github.sparksoftmax.stage.VectorStructure.INDICES;
import static io.github.sparksoftmax.stage.VectorStructure.SIZE;
import static io.github.sparksoftmax.stage.VectorStructure.SPARSE;
import static io.github.sparksoftmax.stage.VectorStructure.TYPE;
import static io.github.sparksoftmax.stage.VectorStructure.VALUES;

import io.github.sparksoftmax.kernel.MalformedSparseRowException;
import io.github.sparksoftmax.kernel.RowStatus;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.kernel.TopK;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.Platform;
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
 * output of NaN. A malformed vector (see {@link VectorStructure}) throws {@link
 * MalformedVectorException} either way.
 */
public final class InternalSoftmax {

  private InternalSoftmax() {}

  /**
   * Softmax of a vector row, as a dense vector row in {@code buffers} (valid until their next
   * row). The kernel writes the result straight into the row's buffer (see {@link
   * DenseVectorRow}); a sparse row's implicit zeros are never expanded into an array of logits.
   */
  public static InternalRow vector(Object vectorRow, ResultBuffers buffers, double temperature,
      boolean logSpace, boolean failOnInvalid, UTF8String column) {
    if (vectorRow == null) {
      return nullRow(failOnInvalid, column);
    }
    InternalRow logits = (InternalRow) vectorRow;
    long array = DenseVectorRow.storedValuesArray(logits);
    if (array >= 0) {
      return storedDense((byte[]) ((UnsafeRow) logits).getBaseObject(), array, buffers,
          temperature, logSpace, failOnInvalid, column);
    }
    ArrayData values = logits.getArray(VALUES);
    int[] indices = VectorStructure.sparseIndices(logits, values, column);
    int n = size(logits, indices, values);
    UnsafeRow result = buffers.vector(n);
    softmaxOfVector(logits, indices, values, n, buffers, temperature, logSpace, failOnInvalid,
        column, ResultBuffers.buffer(result), DenseVectorRow.valuesOffset(n));
    return result;
  }

  /**
   * {@link #vector} of a dense vector row whose values array is at {@code array} in {@code bytes}
   * (see {@link DenseVectorRow#storedValuesArray}): only primitives and arrays reach the kernel,
   * so no view of the row can escape, whatever the JIT inlines.
   */
  private static InternalRow storedDense(byte[] bytes, long array, ResultBuffers buffers,
      double temperature, boolean logSpace, boolean failOnInvalid, UTF8String column) {
    int n = DenseVectorRow.storedCount(bytes, array);
    UnsafeRow result = buffers.vector(n);
    check(softmaxOfStored(bytes, array, n, buffers, temperature, logSpace,
        ResultBuffers.buffer(result), DenseVectorRow.valuesOffset(n)), failOnInvalid, column);
    return result;
  }

  /**
   * Softmax of the {@code n} doubles of the array stored at {@code array} in {@code bytes}, after
   * its header, into {@code out[offset ..]}, copied into {@code buffers} on the way.
   */
  private static RowStatus softmaxOfStored(byte[] bytes, long array, int n,
      ResultBuffers buffers, double temperature, boolean logSpace, double[] out, int offset) {
    return Softmax.softmax(bytes,
        Math.toIntExact(array + Double.BYTES * (long) DenseVectorRow.arrayValuesOffset(n)),
        buffers.logitsArray(n), temperature, logSpace, out, offset);
  }

  /**
   * The {@code k} largest entries of the softmax of a vector row, as a sparse vector row of the
   * row's size: exact values at their original indices, ties to the lower index (see {@link
   * TopK}); an invalid row kept as NaN holds NaN at its first {@code k} indices. The full-width
   * softmax goes to {@code buffers}, so only the output is allocated.
   */
  public static InternalRow topOfVector(Object vectorRow, ResultBuffers buffers,
      double temperature, boolean logSpace, boolean failOnInvalid, UTF8String column, int k) {
    if (vectorRow == null) {
      return nullRow(failOnInvalid, column);
    }
    InternalRow logits = (InternalRow) vectorRow;
    ArrayData values = logits.getArray(VALUES);
    int[] indices = VectorStructure.sparseIndices(logits, values, column);
    int n = size(logits, indices, values);
    double[] out = buffers.scratchResult(n);
    softmaxOfVector(logits, indices, values, n, buffers, temperature, logSpace, failOnInvalid,
        column, out, 0);
    return top(out, k);
  }

  /** The {@code k} largest entries of the softmax of an {@code array<double>} row. */
  public static InternalRow topOfDoubles(ArrayData logits, ResultBuffers buffers,
      double temperature, boolean logSpace, boolean failOnInvalid, UTF8String column, int k) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    double[] out = buffers.scratchResult(logits.numElements());
    softmaxOfDoubles(logits, buffers, temperature, logSpace, failOnInvalid, column, out, 0);
    return top(out, k);
  }

  /**
   * The {@code k} largest entries of the softmax of an {@code array<float>} row, computed in
   * double and not rounded to float.
   */
  public static InternalRow topOfFloats(ArrayData logits, ResultBuffers buffers,
      double temperature, boolean logSpace, boolean failOnInvalid, UTF8String column, int k) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    double[] out = buffers.scratchResult(logits.numElements());
    softmaxOfArray(logits, buffers.widened(logits), temperature, logSpace, failOnInvalid, column,
        out, 0);
    return top(out, k);
  }

  /**
   * A temperature argument as a double: any Java {@code Number} (what a Java UDF receives) or a
   * Catalyst {@code Decimal} (what a decimal literal such as {@code 0.5} evaluates to in SQL).
   *
   * @throws IllegalArgumentException if it is null, not a number, or not finite and positive; the
   *     message names the temperature
   */
  public static double temperature(Object value) {
    double temperature;
    if (value instanceof Number number) {
      temperature = number.doubleValue();
    } else if (value instanceof Decimal decimal) {
      temperature = decimal.toDouble();
    } else {
      throw new IllegalArgumentException("temperature must be a number but was " + value);
    }
    Softmax.requireValidTemperature(temperature);
    return temperature;
  }

  /**
   * The size of a well-formed vector row whose values array is {@code values}, and whose indices
   * are {@code indices} if it is sparse (null if it is dense).
   */
  private static int size(InternalRow logits, int[] indices, ArrayData values) {
    return indices != null ? logits.getInt(SIZE) : values.numElements();
  }

  /**
   * Softmax of a non-null vector row {@code logits} that {@link VectorStructure#sparseIndices}
   * has checked, whose values array is {@code values}, indices {@code indices} (null if dense) and
   * size {@code n}, into {@code out[offset .. offset + n)}, checked, its values copied into {@code
   * buffers}. A sparse row's implicit zeros are never expanded into an array of logits; the kernel
   * checks its indices.
   */
  private static void softmaxOfVector(InternalRow logits, int[] indices, ArrayData values, int n,
      ResultBuffers buffers, double temperature, boolean logSpace, boolean failOnInvalid,
      UTF8String column, double[] out, int offset) {
    RowStatus status;
    if (indices != null) {
      try {
        status = Softmax.softmaxSparse(n, indices, buffers.logits(values), temperature, logSpace,
            out, offset);
      } catch (MalformedSparseRowException e) {
        throw VectorStructure.malformed(logits, column, e.problem());
      }
    } else {
      status = softmaxOfDense(values, buffers, temperature, logSpace, out, offset);
    }
    check(status, failOnInvalid, column);
  }

  /**
   * Softmax of dense logits without null entries into {@code out[offset ..]}. Values held in a
   * byte array (Spark's binary format on the heap) go to the kernel as bytes, copied into the
   * reused logits array on the way; others are copied first.
   */
  private static RowStatus softmaxOfDense(ArrayData values, ResultBuffers buffers,
      double temperature, boolean logSpace, double[] out, int offset) {
    if (values instanceof UnsafeArrayData
        && ((UnsafeArrayData) values).getBaseObject() instanceof byte[]) {
      UnsafeArrayData stored = (UnsafeArrayData) values;
      return softmaxOfStored((byte[]) stored.getBaseObject(),
          stored.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET, stored.numElements(), buffers,
          temperature, logSpace, out, offset);
    }
    return Softmax.softmax(buffers.logits(values), temperature, logSpace, out, offset);
  }

  /**
   * Softmax of an {@code array<double>} row, as an array in {@code buffers} (valid until their
   * next row).
   */
  public static ArrayData doubles(ArrayData logits, ResultBuffers buffers, double temperature,
      boolean logSpace, boolean failOnInvalid, UTF8String column) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    int n = logits.numElements();
    UnsafeArrayData result = buffers.array(n);
    softmaxOfDoubles(logits, buffers, temperature, logSpace, failOnInvalid, column,
        ResultBuffers.buffer(result), DenseVectorRow.arrayValuesOffset(n));
    return result;
  }

  /**
   * Softmax of the non-null array row {@code logits}, whose entries as doubles are {@code row},
   * into {@code out[offset .. offset + row.length)}, checked; a null entry makes the row invalid.
   */
  private static void softmaxOfArray(ArrayData logits, double[] row, double temperature,
      boolean logSpace, boolean failOnInvalid, UTF8String column, double[] out, int offset) {
    if (!rejectedForNullEntry(logits, failOnInvalid, column, out, offset, row.length)) {
      check(Softmax.softmax(row, temperature, logSpace, out, offset), failOnInvalid, column);
    }
  }

  /**
   * Softmax of the non-null {@code array<double>} row {@code logits} into {@code out[offset ..]},
   * checked; a null entry makes the row invalid.
   */
  private static void softmaxOfDoubles(ArrayData logits, ResultBuffers buffers,
      double temperature, boolean logSpace, boolean failOnInvalid, UTF8String column,
      double[] out, int offset) {
    if (!rejectedForNullEntry(logits, failOnInvalid, column, out, offset,
        logits.numElements())) {
      check(softmaxOfDense(logits, buffers, temperature, logSpace, out, offset), failOnInvalid,
          column);
    }
  }

  /**
   * True, with {@code out[offset .. offset + n)} set to NaN, when the array row {@code logits} has
   * a null entry (failing first when {@code failOnInvalid}).
   */
  private static boolean rejectedForNullEntry(ArrayData logits, boolean failOnInvalid,
      UTF8String column, double[] out, int offset, int n) {
    if (!hasNullEntry(logits)) {
      return false;
    }
    check(RowStatus.NULL_ENTRY, failOnInvalid, column);
    Arrays.fill(out, offset, offset + n, Double.NaN);
    return true;
  }

  /**
   * Softmax of an {@code array<float>} row, computed in double and rounded once, as an array in
   * {@code buffers} (valid until their next row).
   */
  public static ArrayData floats(ArrayData logits, ResultBuffers buffers, double temperature,
      boolean logSpace, boolean failOnInvalid, UTF8String column) {
    if (logits == null) {
      return nullRow(failOnInvalid, column);
    }
    int n = logits.numElements();
    double[] wide = buffers.widened(logits);
    double[] probabilities = buffers.scratchResult(n);
    softmaxOfArray(logits, wide, temperature, logSpace, failOnInvalid, column, probabilities, 0);
    UnsafeArrayData result = buffers.floatArray(n);
    for (int i = 0; i < n; i++) {
      result.setFloat(i, (float) probabilities[i]);
    }
    return result;
  }

  /**
   * True when a vector row is non-null and softmax is defined on it. A row that is not a
   * well-formed vector throws a {@link MalformedVectorException} (undeclared), which is an error
   * whatever {@code handleInvalid} says (see {@link VectorStructure}).
   */
  public static boolean isValidVector(Object vectorRow, UTF8String column) {
    if (vectorRow == null) {
      return false;
    }
    InternalRow logits = (InternalRow) vectorRow;
    ArrayData values = logits.getArray(VALUES);
    int[] indices = VectorStructure.sparseIndices(logits, values, column);
    if (indices == null) {
      return Softmax.check(ArrayReads.doubles(values)).isValid();
    }
    VectorStructure.requireIndicesInRange(logits, indices, column);
    return Softmax.checkSparse(logits.getInt(SIZE), ArrayReads.doubles(values)).isValid();
  }

  /** True when an {@code array<double>} row is non-null, without null entries, and valid. */
  public static boolean isValidDoubles(ArrayData logits) {
    return logits != null && !hasNullEntry(logits)
        && Softmax.check(ArrayReads.doubles(logits)).isValid();
  }

  /** True when an {@code array<float>} row is non-null, without null entries, and valid. */
  public static boolean isValidFloats(ArrayData logits) {
    return logits != null && !hasNullEntry(logits)
        && Softmax.check(ArrayReads.floats(logits)).isValid();
  }

  /**
   * The argmax of a result vector (lowest index among ties); NaN for a NaN row. A sparse result
   * (top-k output) holds the largest entry explicitly, so only its stored entries count: its
   * implicit zeros are not outputs (and would beat log-probabilities).
   */
  public static double argmaxOfVector(Object vectorRow) {
    InternalRow result = (InternalRow) vectorRow;
    int best = Softmax.argmax(ArrayReads.doubles(result.getArray(VALUES)));
    if (best >= 0 && result.getByte(TYPE) == SPARSE) {
      best = result.getArray(INDICES).getInt(best);
    }
    return asPrediction(best);
  }

  /** The argmax of an {@code array<double>} result. */
  public static double argmaxOfDoubles(ArrayData result) {
    return asPrediction(Softmax.argmax(ArrayReads.doubles(result)));
  }

  /** The argmax of an {@code array<float>} result. */
  public static double argmaxOfFloats(ArrayData result) {
    return asPrediction(Softmax.argmax(ArrayReads.floats(result)));
  }

  /** The top {@code k} entries of a result row as VectorUDT's internal sparse vector. */
  private static InternalRow top(double[] row, int k) {
    int[] indices = TopK.largest(row, k);
    double[] values = new double[indices.length];
    for (int j = 0; j < indices.length; j++) {
      values[j] = row[indices[j]];
    }
    return new GenericInternalRow(new Object[] {SPARSE, row.length,
        UnsafeArrayData.fromPrimitiveArray(indices), UnsafeArrayData.fromPrimitiveArray(values)});
  }

  /**
   * The entries of an {@code array<float>} row widened into {@code wide}, which holds exactly
   * its length. A null entry's value is unspecified: the callers reject such rows.
   */
  static double[] widen(ArrayData logits, double[] wide) {
    for (int i = 0; i < wide.length; i++) {
      wide[i] = logits.getFloat(i);
    }
    return wide;
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
  static <E extends Throwable> E unchecked(Throwable exception) throws E {
    throw (E) exception;
  }
}
