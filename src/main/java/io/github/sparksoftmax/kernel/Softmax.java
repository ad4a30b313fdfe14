package io.github.sparksoftmax.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The numerical kernel: a row-wise softmax and log-softmax over {@code double[]} and
 * {@code float[]}, dense or sparse, with no dependency on Spark.
 *
 * <p>For logits {@code x} and temperature {@code t} it computes {@code p_i = exp(d_i) / sum_j
 * exp(d_j)} with {@code d_i = (x_i - max x) / t}, and log-softmax as {@code d_i - log(sum)}, never
 * as the log of a probability. Accuracy: the rounding errors of {@code x_i - max} and of the
 * division by {@code t} are carried into the exponent ({@link Exp} evaluates {@code exp(hi + lo)}),
 * and the normaliser is summed with error compensation (TwoSum), so every probability in the normal
 * range is within a few ulps of the exact softmax of the given doubles, whatever the spread of the
 * row; a plain implementation loses up to hundreds of ulps on rows spread over a few hundred.
 *
 * <p>Semantics: an empty row gives an empty row; a {@code -Infinity} entry gets probability 0
 * (log-probability {@code -Infinity}); {@code +Infinity} entries share the mass equally and every
 * other entry gets 0; a row with a NaN entry, or whose entries are all {@code -Infinity}, is
 * invalid:
 * the output is filled with NaN and the returned {@link RowStatus} says why.
 *
 * <p>Dense rows are computed by a SIMD kernel on {@code jdk.incubator.vector} when that module is
 * resolved at run time (see {@link #simdEnabled()}), and by a scalar loop otherwise; both keep the
 * same semantics and accuracy.
 *
 * <p>Every method writes into a caller-provided output array and allocates nothing else (except
 * the float path, which widens its row once). {@code out} may be the same array as the logits.
 */
public final class Softmax {
  /** A byte array read as doubles in the platform's byte order. */
  private static final VarHandle STORED_DOUBLES =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.nativeOrder());

  private Softmax() {}

  /**
   * Softmax (or log-softmax) of a dense row.
   *
   * @param logits the row; read only
   * @param temperature finite and &gt; 0; the row is divided by it
   * @param logSpace true for log-probabilities
   * @param out receives {@code logits.length} values; may be {@code logits} itself (a row computed
   *     in place may take the scalar kernel, which agrees with the SIMD one within the contract)
   * @return {@link RowStatus#VALID}, or why the row is invalid (then {@code out} holds NaN)
   * @throws IllegalArgumentException if the temperature is not finite and positive, or {@code out}
   *     is shorter than the row
   */
  public static RowStatus softmax(
      double[] logits, double temperature, boolean logSpace, double[] out) {
    return softmax(logits, temperature, logSpace, out, 0);
  }

  /**
   * Softmax (or log-softmax) of a dense row into {@code out[offset .. offset + logits.length)},
   * for callers that assemble a larger buffer (such as a row in Spark's binary format) around the
   * result.
   *
   * @param out may be {@code logits} itself only when {@code offset} is 0
   * @see #softmax(double[], double, boolean, double[])
   */
  public static RowStatus softmax(
      double[] logits, double temperature, boolean logSpace, double[] out, int offset) {
    requireValidTemperature(temperature);
    requireRoom(out.length, offset, logits.length);
    return denseSoftmax(DenseKernels.VECTOR, logits, temperature, logSpace, out, offset);
  }

  /**
   * A checked dense row through {@code vectorKernel} (if not null) when it takes the row, through
   * the scalar kernel otherwise.
   */
  private static RowStatus denseSoftmax(DenseSoftmax vectorKernel, double[] logits,
      double temperature, boolean logSpace, double[] out, int offset) {
    if (vectorKernel != null
        && vectorKernel.trySoftmax(logits, temperature, logSpace, out, offset)) {
      return RowStatus.VALID;
    }
    return scalarSoftmax(logits, temperature, logSpace, out, offset);
  }

  /**
   * Softmax (or log-softmax) of a dense row stored as bytes, as Spark's binary row format holds
   * it: {@code copy.length} doubles of 8 bytes each, in the platform's byte order, from
   * {@code source[byteIndex]}. The row is copied into {@code copy} on the way (the SIMD kernel
   * finds its maximum while copying), and the result is that of {@link #softmax(double[], double,
   * boolean, double[], int)} on {@code copy}, bit for bit.
   *
   * @param copy receives the row; not {@code out}
   * @throws IndexOutOfBoundsException if {@code source} does not hold the row from
   *     {@code byteIndex}
   * @see #softmax(double[], double, boolean, double[], int)
   */
  public static RowStatus softmax(byte[] source, int byteIndex, double[] copy, double temperature,
      boolean logSpace, double[] out, int offset) {
    return softmaxOfBytes(DenseKernels.VECTOR, source, byteIndex, copy, temperature, logSpace, out,
        offset);
  }

  /** {@link #softmax(byte[], int, double[], double, boolean, double[], int)} on a given kernel. */
  static RowStatus softmaxOfBytes(DenseSoftmax vectorKernel, byte[] source, int byteIndex,
      double[] copy, double temperature, boolean logSpace, double[] out, int offset) {
    requireValidTemperature(temperature);
    int n = copy.length;
    requireRoom(out.length, offset, n);
    if (copy == out) {
      throw new IllegalArgumentException("the copy of the row cannot be the output array");
    }
    if (byteIndex < 0 || byteIndex + (long) Double.BYTES * n > source.length) {
      throw new IndexOutOfBoundsException("a row of " + n + " doubles from byte " + byteIndex
          + " does not fit in " + source.length + " bytes");
    }
    if (vectorKernel != null && vectorKernel.trySoftmaxOfBytes(
        source, byteIndex, copy, temperature, logSpace, out, offset)) {
      return RowStatus.VALID;
    }
    for (int i = 0; i < n; i++) {
      copy[i] = (double) STORED_DOUBLES.get(source, byteIndex + Double.BYTES * i);
    }
    return denseSoftmax(vectorKernel, copy, temperature, logSpace, out, offset);
  }

  /**
   * True when dense rows go through the SIMD kernel on {@code jdk.incubator.vector}; see
   * {@link DenseKernels} for when that is (the module must be resolved, e.g. with
   * {@code --add-modules jdk.incubator.vector}, and {@code -Dspark.softmax.simd=false} turns it
   * off).
   * Both kernels meet the same accuracy contract.
   */
  public static boolean simdEnabled() {
    return DenseKernels.VECTOR != null;
  }

  /** The scalar dense kernel: arguments already checked. */
  static RowStatus scalarSoftmax(
      double[] logits, double temperature, boolean logSpace, double[] out, int offset) {
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = logits[i];
      if (v != v) {
        return invalid(RowStatus.NAN_ENTRY, out, offset, n);
      }
      if (v > max) {
        max = v;
      }
    }
    if (n == 0) {
      return RowStatus.VALID;
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return invalid(RowStatus.ALL_NEGATIVE_INFINITY, out, offset, n);
    }
    if (max == Double.POSITIVE_INFINITY) {
      shareAmongInfinities(logits, n, logSpace, out, offset);
      return RowStatus.VALID;
    }
    double sum = 0.0;
    double compensation = 0.0;
    for (int i = 0; i < n; i++) {
      double term = shifted(logits[i], max, temperature, false, 0.0);
      if (!logSpace) {
        out[offset + i] = term;
      }
      double s = sum + term;
      compensation += twoSumError(sum, term, s);
      sum = s;
    }
    if (logSpace) {
      double logSum = logOfSum(sum, compensation);
      for (int i = 0; i < n; i++) {
        out[offset + i] = shifted(logits[i], max, temperature, true, logSum);
      }
    } else {
      double total = sum + compensation;
      for (int i = 0; i < n; i++) {
        out[offset + i] /= total;
      }
    }
    return RowStatus.VALID;
  }

  /**
   * Softmax (or log-softmax) of a float row, computed in double and rounded once to float.
   *
   * @see #softmax(double[], double, boolean, double[])
   */
  public static RowStatus softmax(
      float[] logits, double temperature, boolean logSpace, float[] out) {
    requireRoom(out.length, 0, logits.length);
    double[] wide = new double[logits.length];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = logits[i];
    }
    RowStatus status = softmax(wide, temperature, logSpace, wide);
    for (int i = 0; i < wide.length; i++) {
      out[i] = (float) wide[i];
    }
    return status;
  }

  /**
   * Softmax (or log-softmax) of a sparse row of {@code size} logits whose entries at
   * {@code indices} are {@code values} and whose other entries are 0. The {@code size - nnz}
   * implicit zeros share one exponential instead of being expanded. The output is dense.
   *
   * @param size the row's length
   * @param indices strictly increasing positions in {@code [0, size)}
   * @param values the explicit logits, as many as {@code indices}
   * @param out receives {@code size} values
   * @throws MalformedSparseRowException if the row is malformed (see {@link #sparseRowProblem}),
   *     and then nothing is written
   * @see #softmax(double[], double, boolean, double[])
   */
  public static RowStatus softmaxSparse(int size, int[] indices, double[] values,
      double temperature, boolean logSpace, double[] out) {
    return softmaxSparse(size, indices, values, temperature, logSpace, out, 0);
  }

  /**
   * Softmax (or log-softmax) of a sparse row into {@code out[offset .. offset + size)}.
   *
   * @see #softmaxSparse(int, int[], double[], double, boolean, double[])
   * @see #softmax(double[], double, boolean, double[], int)
   */
  public static RowStatus softmaxSparse(int size, int[] indices, double[] values,
      double temperature, boolean logSpace, double[] out, int offset) {
    requireValidTemperature(temperature);
    String malformed = sparseRowProblem(size, indices, values.length);
    if (malformed != null) {
      throw new MalformedSparseRowException(malformed);
    }
    requireRoom(out.length, offset, size);
    int nnz = values.length;
    int implicitZeros = size - nnz;
    double max = implicitZeros > 0 ? 0.0 : Double.NEGATIVE_INFINITY;
    for (int j = 0; j < nnz; j++) {
      double v = values[j];
      if (v != v) {
        return invalid(RowStatus.NAN_ENTRY, out, offset, size);
      }
      if (v > max) {
        max = v;
      }
    }
    if (size == 0) {
      return RowStatus.VALID;
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return invalid(RowStatus.ALL_NEGATIVE_INFINITY, out, offset, size);
    }
    if (max == Double.POSITIVE_INFINITY) {
      Arrays.fill(out, offset, offset + size, logSpace ? Double.NEGATIVE_INFINITY : 0.0);
      double[] explicit = new double[nnz];
      shareAmongInfinities(values, nnz, logSpace, explicit, 0);
      for (int j = 0; j < nnz; j++) {
        out[offset + indices[j]] = explicit[j];
      }
      return RowStatus.VALID;
    }
    // Without an implicit zero the maximum may lie below 0, where exp(-max / t) can overflow.
    double zeroTerm = implicitZeros > 0 ? shifted(0.0, max, temperature, false, 0.0) : 0.0;
    double sum = implicitZeros * zeroTerm;
    double compensation = Math.fma(implicitZeros, zeroTerm, -sum);
    // The explicit terms go to the last nnz slots first, out[scratch + j]; the placement below
    // moves each to its index, and indices[j] <= size - nnz + j.
    int scratch = offset + implicitZeros;
    DenseSoftmax vectorKernel = DenseKernels.VECTOR;
    double explicitSum = vectorKernel == null ? Double.NaN
        : vectorKernel.trySumOfExponentials(values, max, temperature, out, scratch);
    if (explicitSum == explicitSum) {
      double s = sum + explicitSum;
      compensation += twoSumError(sum, explicitSum, s);
      sum = s;
    } else {
      for (int j = 0; j < nnz; j++) {
        double term = shifted(values[j], max, temperature, false, 0.0);
        out[scratch + j] = term;
        double s = sum + term;
        compensation += twoSumError(sum, term, s);
        sum = s;
      }
    }
    double logSum = logOfSum(sum, compensation);
    sum += compensation;
    double implicitValue = logSpace ? shifted(0.0, max, temperature, true, logSum) : zeroTerm / sum;
    // One fill before the scratch slots; in them, only the gaps left behind, once read.
    Arrays.fill(out, offset, scratch, implicitValue);
    int gapStart = scratch;
    for (int j = 0; j < nnz; j++) {
      int index = offset + indices[j];
      double value = logSpace
          ? shifted(values[j], max, temperature, true, logSum)
          : out[scratch + j] / sum;
      if (index > gapStart) {
        Arrays.fill(out, gapStart, index, implicitValue);
      }
      out[index] = value;
      gapStart = Math.max(gapStart, index + 1);
    }
    Arrays.fill(out, gapStart, offset + size, implicitValue);
    return RowStatus.VALID;
  }

  /**
   * What makes a sparse row malformed, or null for a well-formed one: its size is at least 0, it
   * has as many values as indices, and its indices are strictly increasing positions in {@code
   * [0, size)}. Unlike an invalid row (see {@link RowStatus}), a malformed row is not a row of
   * logits at all: the kernel rejects it with an exception.
   *
   * @param valueCount how many explicit values the row has
   * @return a phrase naming the first problem found, e.g. "index 5 (at position 1) is not below
   *     the size 3"
   */
  public static String sparseRowProblem(int size, int[] indices, int valueCount) {
    String shape = sparseShapeProblem(size, indices.length, valueCount);
    if (shape != null) {
      return shape;
    }
    int previous = -1;
    for (int j = 0; j < indices.length; j++) {
      int index = indices[j];
      if (index <= previous) {
        return index < 0
            ? "index " + index + " (at position " + j + ") is negative"
            : "index " + index + " (at position " + j + ") does not exceed the index before it, "
                + previous;
      }
      previous = index;
    }
    if (previous >= size) {
      return "index " + previous + " (at position " + (indices.length - 1)
          + ") is not below the size " + size;
    }
    return null;
  }

  /**
   * The part of {@link #sparseRowProblem} that does not read the indices: what is wrong with a
   * sparse row's size and counts, or null. A caller that sizes a buffer from the row checks this
   * first, and leaves the indices to the kernel.
   */
  public static String sparseShapeProblem(int size, int indexCount, int valueCount) {
    if (size < 0) {
      return "its size " + size + " is negative";
    }
    if (indexCount != valueCount) {
      return "it has " + indexCount + " indices but " + valueCount + " values";
    }
    return null;
  }

  /**
   * Checks a dense row without computing it: {@link RowStatus#VALID} exactly when
   * {@link #softmax(double[], double, boolean, double[])} would return it.
   */
  public static RowStatus check(double[] logits) {
    return checkValues(logits, logits.length == 0);
  }

  /** Checks a float row; see {@link #check(double[])}. */
  public static RowStatus check(float[] logits) {
    boolean anyAboveNegativeInfinity = logits.length == 0;
    for (float v : logits) {
      if (v != v) {
        return RowStatus.NAN_ENTRY;
      }
      anyAboveNegativeInfinity |= v > Float.NEGATIVE_INFINITY;
    }
    return anyAboveNegativeInfinity ? RowStatus.VALID : RowStatus.ALL_NEGATIVE_INFINITY;
  }

  /** Checks a sparse row of {@code size} entries whose non-zero values are {@code values}. */
  public static RowStatus checkSparse(int size, double[] values) {
    return checkValues(values, size == 0 || values.length < size);
  }

  /**
   * The index of the largest entry, the lowest index among ties; -1 for an empty row or one with
   * a NaN entry.
   */
  public static int argmax(double[] row) {
    int best = -1;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < row.length; i++) {
      double v = row[i];
      if (v != v) {
        return -1;
      }
      if (best < 0 || v > bestValue) {
        best = i;
        bestValue = v;
      }
    }
    return best;
  }

  /** @see #argmax(double[]) */
  public static int argmax(float[] row) {
    int best = -1;
    float bestValue = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < row.length; i++) {
      float v = row[i];
      if (v != v) {
        return -1;
      }
      if (best < 0 || v > bestValue) {
        best = i;
        bestValue = v;
      }
    }
    return best;
  }

  /**
   * @throws IllegalArgumentException unless {@code temperature} is finite and &gt; 0
   */
  public static void requireValidTemperature(double temperature) {
    if (!(temperature > 0.0 && temperature <= Double.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "temperature must be finite and > 0 but was " + temperature);
    }
  }

  private static RowStatus checkValues(double[] values, boolean anyAboveNegativeInfinity) {
    for (double v : values) {
      if (v != v) {
        return RowStatus.NAN_ENTRY;
      }
      anyAboveNegativeInfinity |= v > Double.NEGATIVE_INFINITY;
    }
    return anyAboveNegativeInfinity ? RowStatus.VALID : RowStatus.ALL_NEGATIVE_INFINITY;
  }

  /**
   * {@code exp(d)} (when {@code !logSpace}) or {@code d - logSum} (when {@code logSpace}) for
   * {@code d = (x - max) / t}, where {@code d} is carried as an unevaluated sum {@code hi + lo}
   * ({@link Gap}) so that the roundings of the subtraction and the division do not reach the
   * result. {@code max} is finite and not below {@code x}.
   */
  static double shifted(double x, double max, double t, boolean logSpace, double logSum) {
    double hi = Gap.quotient(x, max, t);
    if (hi == Double.NEGATIVE_INFINITY) {
      // x is -Infinity, or d is below the double range: exp(d) is 0.
      return logSpace ? Double.NEGATIVE_INFINITY : 0.0;
    }
    double lo = Gap.error(x, max, t, hi);
    if (logSpace) {
      double r = hi - logSum;
      return r + (twoSumError(hi, -logSum, r) + lo);
    }
    return Exp.exp(hi, lo);
  }

  /**
   * {@code log(sum + compensation)}. The sum holds the max entry's term, about 1; when the other
   * terms add little, {@code log1p} of their exact excess keeps the log relatively accurate, so
   * that the top class's log-probability is not rounded to 0.
   */
  private static double logOfSum(double sum, double compensation) {
    return sum < 2.0 ? Math.log1p((sum - 1.0) + compensation) : Math.log(sum + compensation);
  }

  /** Knuth's TwoSum: the exact rounding error of {@code s = a + b}. */
  static double twoSumError(double a, double b, double s) {
    double bVirtual = s - a;
    double aVirtual = s - bVirtual;
    return (a - aVirtual) + (b - bVirtual);
  }

  private static void shareAmongInfinities(
      double[] logits, int n, boolean logSpace, double[] out, int offset) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (logits[i] == Double.POSITIVE_INFINITY) {
        count++;
      }
    }
    double share = logSpace ? 0.0 - Math.log(count) : 1.0 / count;
    double rest = logSpace ? Double.NEGATIVE_INFINITY : 0.0;
    for (int i = 0; i < n; i++) {
      out[offset + i] = logits[i] == Double.POSITIVE_INFINITY ? share : rest;
    }
  }

  private static RowStatus invalid(RowStatus status, double[] out, int offset, int n) {
    Arrays.fill(out, offset, offset + n, Double.NaN);
    return status;
  }

  private static void requireRoom(int length, int offset, int n) {
    if (offset < 0 || length - offset < n) {
      throw new IllegalArgumentException("an output array of " + length + " values from offset "
          + offset + " has no room for a row of " + n);
    }
  }
}
