package io.github.sparksoftmax.stage;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * The buffers of one softmax column, reused from row to row: the copy of the row's logits, the
 * full-width result that top-k output selects from, and the dense vector, {@code array<double>}
 * or {@code array<float>} result, which stays valid until the column's next row. That is the
 * lifetime Spark gives any struct or array value read from a row, so Spark copies such a value
 * wherever it keeps one longer: a projection copies it into its output row, and operators that
 * buffer rows or aggregate values copy them. A result is therefore written once by the kernel and
 * copied once by Spark, and a dense row allocates no arrays.
 *
 * <p>The expression that calls {@link InternalSoftmax} holds an instance (as a field of {@link
 * SoftmaxExpression}, or as a literal of a static call), so each task deserializes its own. The
 * first thread that uses an instance keeps its buffers; any other thread (an optimizer rule
 * evaluating the column on the driver, say) gets fresh buffers on every row. Instances are equal
 * when they reuse the same buffers: the buffers do not change a result.
 *
 * <p>Those of {@link #forFreshResults()} reuse only the copy of the logits and the scratch result;
 * each result is a new object, for callers whose results Spark may keep past the next row.
 */
public final class ResultBuffers implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final AtomicReferenceFieldUpdater<ResultBuffers, Thread> OWNER =
      AtomicReferenceFieldUpdater.newUpdater(ResultBuffers.class, Thread.class, "owner");

  /** Whether a result may be a reused buffer; the scratch arrays are reused either way. */
  private final boolean reuseResults;
  private transient volatile Thread owner;
  private transient double[] logits;
  private transient double[] scratchResult;
  private transient UnsafeRow vector;
  private transient UnsafeArrayData array;
  private transient UnsafeArrayData floatArray;

  /** Buffers whose results, too, are reused from row to row. */
  public ResultBuffers() {
    this(true);
  }

  private ResultBuffers(boolean reuseResults) {
    this.reuseResults = reuseResults;
  }

  /**
   * Buffers that give a new object as each result, so that the caller may keep it. The copy of
   * the logits and the scratch result are still reused.
   */
  public static ResultBuffers forFreshResults() {
    return new ResultBuffers(false);
  }

  /** True when the calling thread may reuse this instance's buffers. */
  private boolean reusable() {
    Thread current = Thread.currentThread();
    return owner == current || OWNER.compareAndSet(this, null, current);
  }

  /** True when the result may be the buffer that the calling thread's last row got. */
  private boolean reusesResults() {
    return reuseResults && reusable();
  }

  /**
   * The entries of an {@code array<double>}, in an array of exactly its length that the next call
   * overwrites. A null entry's value is unspecified: the caller rejects such rows.
   */
  double[] logits(ArrayData values) {
    if (!(values instanceof UnsafeArrayData)) {
      return ArrayReads.doubles(values, logitsArray(values.numElements()));
    }
    int n = values.numElements();
    double[] copy = logitsArray(n);
    UnsafeArrayData unsafe = (UnsafeArrayData) values;
    Platform.copyMemory(unsafe.getBaseObject(),
        unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n), copy,
        Platform.DOUBLE_ARRAY_OFFSET, n * 8L);
    return copy;
  }

  /**
   * The entries of an {@code array<float>} widened to double, in an array of exactly its length
   * that the next call overwrites (see {@link InternalSoftmax#widen}).
   */
  double[] widened(ArrayData values) {
    return InternalSoftmax.widen(values, logitsArray(values.numElements()));
  }

  /** The reused array for a row's logits, of length {@code n}; a fresh one for another thread. */
  double[] logitsArray(int n) {
    if (!reusable()) {
      return new double[n];
    }
    if (logits == null || logits.length != n) {
      logits = new double[n];
    }
    return logits;
  }

  /**
   * An array of {@code n} doubles for a result that the caller reduces before returning it: rounds
   * to float, or selects the largest entries from.
   */
  double[] scratchResult(int n) {
    if (!reusable()) {
      return new double[n];
    }
    if (scratchResult == null || scratchResult.length != n) {
      scratchResult = new double[n];
    }
    return scratchResult;
  }

  /** An {@code array<float>} of {@code n} values without nulls, for the caller to set. */
  UnsafeArrayData floatArray(int n) {
    if (!reusesResults()) {
      return UnsafeArrayData.fromPrimitiveArray(new float[n]);
    }
    if (floatArray == null || floatArray.numElements() != n) {
      floatArray = UnsafeArrayData.fromPrimitiveArray(new float[n]);
    }
    return floatArray;
  }

  /**
   * A dense vector row of {@code n} values (see {@link DenseVectorRow}) whose values the caller
   * writes into {@link #buffer(UnsafeRow)} at {@link DenseVectorRow#valuesOffset(int)}.
   */
  UnsafeRow vector(int n) {
    if (!reusesResults()) {
      return DenseVectorRow.wrap(DenseVectorRow.allocate(n), n);
    }
    if (vector == null || buffer(vector).length != DenseVectorRow.valuesOffset(n) + n) {
      vector = DenseVectorRow.wrap(DenseVectorRow.allocate(n), n);
    }
    return vector;
  }

  /**
   * An {@code array<double>} of {@code n} values whose values the caller writes into
   * {@link #buffer(UnsafeArrayData)} at {@link DenseVectorRow#arrayValuesOffset(int)}.
   */
  UnsafeArrayData array(int n) {
    if (!reusesResults()) {
      return DenseVectorRow.wrapArray(DenseVectorRow.allocateArray(n), n);
    }
    if (array == null || array.numElements() != n) {
      array = DenseVectorRow.wrapArray(DenseVectorRow.allocateArray(n), n);
    }
    return array;
  }

  /** The buffer under a row from {@link #vector(int)}. */
  static double[] buffer(UnsafeRow row) {
    return (double[]) row.getBaseObject();
  }

  /** The buffer under an array from {@link #array(int)}. */
  static double[] buffer(UnsafeArrayData array) {
    return (double[]) array.getBaseObject();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ResultBuffers && ((ResultBuffers) other).reuseResults == reuseResults;
  }

  @Override
  public int hashCode() {
    return reuseResults ? 0x50f7 : 0x50f8;
  }

  @Override
  public String toString() {
    return reuseResults ? "ResultBuffers" : "ResultBuffers(fresh results)";
  }
}
