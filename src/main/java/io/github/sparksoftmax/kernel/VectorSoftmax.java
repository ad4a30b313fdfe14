package io.github.sparksoftmax.kernel;

import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense kernel on the Vector API: the scalar kernel's algorithm, one vector of lanes at a time,
 * with {@link Exp}'s exponential done lanewise in the same steps, so each exponential has the same
 * bits as the scalar one. Each lane keeps its own compensated (TwoSum) partial sum; the lanes'
 * sums are then split at a power of two (Rump), the high parts added exactly and the low parts in
 * a fixed order. Every operation is one that Java specifies exactly, so a row gives the same bits
 * before and after the JIT compiles this class.
 *
 * <p>A row that is not a whole number of vectors ends with one more vector, aligned to the row's
 * end and overlapping the previous one: the overlapping lanes compute the same values again (they
 * are written twice, identically) and are left out of the sum. No lane falls back to scalar code.
 *
 * <p>Two choices differ from the scalar kernel, both for speed and both without loss of accuracy:
 * a temperature above 1 is applied to halved operands, {@code (x/2 - max/2) / (t/2)}, so that a gap
 * {@code x - max} beyond the double range needs no special case; and divisions are multiplications
 * by a reciprocal followed by a fused correction of the residual. The two kernels therefore agree
 * within the accuracy contract, not bit for bit.
 *
 * <p>It declines rows shorter than one vector, rows whose maximum is not finite (NaN, infinite or
 * all {@code -Infinity} rows), rows whose maximum's magnitude is 2^1023 or more at a temperature
 * up to 1, subnormal temperatures, and some rows computed in place (see below).
 * Loaded only through {@link DenseKernels}.
 */
final class VectorSoftmax implements DenseSoftmax {

  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  /** Bytes in vectors of the same size, read as doubles in little-endian order. */
  private static final VectorSpecies<Byte> BYTES =
      VectorSpecies.of(byte.class, SPECIES.vectorShape());
  /** Whether rows stored in the platform's byte order are little-endian, as vector lanes are. */
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  /** LANES zeros, then LANES ones: read from LANES - d, the lanes from d on are 1 (see below). */
  private static final double[] KEPT_LANES = keptLanes();
  /** Shuffles that swap lanes {@code i} and {@code i ^ d} for d = 4, 2, 1 (null if too wide). */
  private static final VectorShuffle<Double> SWAP_FOURS = swap(4);
  private static final VectorShuffle<Double> SWAP_TWOS = swap(2);
  private static final VectorShuffle<Double> SWAP_ONES = swap(1);

  @Override
  public boolean trySoftmax(double[] logits, double temperature, boolean logSpace, double[] out,
      int offset) {
    int n = logits.length;
    if (!takes(n, temperature)
        || (out == logits && (logSpace || n % LANES != 0))) {
      return false;
    }
    return softmax(logits, max(logits), temperature, logSpace, out, offset);
  }

  /**
   * Copies the row and finds its maximum in one pass over the source bytes, so that the first
   * pass over {@code copy} comes after its stores have had time to complete. After a plain copy,
   * a row of 10 took 8 to 12 ns longer (JMH), most likely because vector loads straight after
   * the copy's narrower stores wait for them.
   */
  @Override
  public boolean trySoftmaxOfBytes(byte[] source, int byteIndex, double[] copy, double temperature,
      boolean logSpace, double[] out, int offset) {
    int n = copy.length;
    if (!LITTLE_ENDIAN || !takes(n, temperature)) {
      return false;
    }
    return softmax(copy, copyAndMax(source, byteIndex, copy), temperature, logSpace, out, offset);
  }

  /**
   * Whether a row of {@code n} at {@code temperature} is one this kernel computes: at least one
   * vector long, and a temperature whose reciprocal is finite (not subnormal).
   */
  private static boolean takes(int n, double temperature) {
    return n >= LANES && 1.0 / temperature != Double.POSITIVE_INFINITY;
  }

  /** The rest of {@link #trySoftmax}, once the row's maximum is known. */
  private static boolean softmax(double[] logits, double max, double temperature,
      boolean logSpace, double[] out, int offset) {
    int n = logits.length;
    // At t <= 1 the shift is -max itself: with max in the top binade, the TwoSum of x - max can
    // overflow in its intermediate (x - max) - x, which the scalar kernel avoids by halving.
    if (!(Math.abs(max) <= Double.MAX_VALUE) || (temperature <= 1.0 && Math.abs(max) >= 0x1p1023)) {
      return false;
    }
    // By 1/2 when t > 1, so that x/2 - max/2 cannot overflow where (x - max) / t is finite.
    // Halving is exact except for subnormal x, where the error is far below any ulp of the
    // exponent; the temperature is halved with them.
    double halving = temperature > 1.0 ? 0.5 : 1.0;
    double t = halving * temperature;
    if (logSpace) {
      double excess = sumOfExponentials(logits, halving, -halving * max, t, out, offset, 1.0);
      writeLogProbabilities(logits, halving, -halving * max, t, log1p(excess), out, offset);
    } else {
      divide(out, offset, n, sumOfExponentials(logits, halving, -halving * max, t, out, offset,
          0.0));
    }
    return true;
  }

  /**
   * {@code log(1 + x)} of the sum's excess {@code x} over the maximum's term, so that the top
   * class's log-probability keeps its relative accuracy, as in the scalar kernel. Below 1 it is
   * {@code log(u) x / (u - 1)} with {@code u = 1 + x}, Goldberg's correction of the rounding of
   * {@code u} (within a few ulps of itself; its size is below 0.7, so well within the contract's
   * ulps of 1). In the kernel benchmark's CPU time on a row of 10 in log space, it added 3 to 8 ns
   * per row to {@code Math.log(1 + x)}, and {@code Math.log1p} 8 to 10.
   */
  private static double log1p(double x) {
    double u = 1.0 + x;
    if (x >= 1.0) {
      return Math.log(u);
    }
    return u == 1.0 ? x : Math.log(u) * x / (u - 1.0);
  }

  @Override
  public double trySumOfExponentials(
      double[] logits, double max, double temperature, double[] out, int offset) {
    if (!takes(logits.length, temperature)) {
      return Double.NaN;
    }
    double halving = temperature > 1.0 ? 0.5 : 1.0;
    return sumOfExponentials(
        logits, halving, -halving * max, halving * temperature, out, offset, 0.0);
  }

  /*
   * Each pass is one loop over the row's vectors, the last of them aligned to the row's end:
   * position p = min(i, n - LANES). In that last vector the lanes below i - p were done by the
   * previous one: they are computed again from the same inputs, so written again with the same
   * bits, and left out of the sum. (Reading out back instead would stall on the overlapping
   * stores.) That needs the logits intact, so a row computed in place is declined unless it is
   * a whole number of vectors, and always in log space, where the first pass writes out too.
   * Vectors never cross a call that C2 might not inline, where they would be boxed, nor a branch.
   */

  /** The largest entry, NaN if any entry is NaN. */
  private static double max(double[] logits) {
    int n = logits.length;
    int last = n - LANES;
    DoubleVector max = DoubleVector.fromArray(SPECIES, logits, last);
    for (int i = 0; i < last; i += LANES) {
      max = max.lanewise(VectorOperators.MAX, DoubleVector.fromArray(SPECIES, logits, i));
    }
    return max.reduceLanes(VectorOperators.MAX);
  }

  /**
   * Copies {@code copy.length} little-endian doubles from {@code source[byteIndex ..]} into
   * {@code copy}, in the vectors and the order in which {@link #max} reads them, and returns
   * their maximum as {@link #max} does.
   */
  private static double copyAndMax(byte[] source, int byteIndex, double[] copy) {
    int n = copy.length;
    int last = n - LANES;
    DoubleVector values = ByteVector.fromArray(BYTES, source, byteIndex + Double.BYTES * last)
        .reinterpretAsDoubles();
    values.intoArray(copy, last);
    DoubleVector max = values;
    for (int i = 0; i < last; i += LANES) {
      values = ByteVector.fromArray(BYTES, source, byteIndex + Double.BYTES * i)
          .reinterpretAsDoubles();
      values.intoArray(copy, i);
      max = max.lanewise(VectorOperators.MAX, values);
    }
    return max.reduceLanes(VectorOperators.MAX);
  }

  /**
   * The compensated sum of {@code exp(d_i)}, {@code d_i = (scale x_i + negativeMax) / t} carried
   * as {@code hi + lo}, less {@code less} (0, or 1 for the excess over the maximum's term, taken
   * before the sum's low parts are added, so that it is not rounded away); the terms are also
   * written to {@code out}, in log space too. Every operation, the final addition of the lanes
   * included, happens in the same order whether compiled or not.
   *
   * <p>The loop body spells out {@link Exp#exp} and each TwoSum instead of calling helpers: C2
   * stops inlining ordinary methods once a compilation holds this many Vector API calls, and a
   * vector passed to a method that is not inlined is boxed on every call.
   */
  static double sumOfExponentials(double[] logits, double scale, double negativeMax,
      double t, double[] out, int offset, double less) {
    int n = logits.length;
    int last = n - LANES;
    boolean unitTemperature = t == 1.0 && scale == 1.0;
    // 2^(floor(log2 n) + 2), the splitter of the lanes' sums (see below). Taken from the intrinsic
    // numberOfLeadingZeros: C2 inlines no more methods into this one, and Math.getExponent was
    // compiled as a call, with the lanes' sums stored around it.
    double splitter = Double.longBitsToDouble(
        (long) (Integer.SIZE + 1 - Integer.numberOfLeadingZeros(n) + Double.MAX_EXPONENT) << 52);
    DoubleVector scales = DoubleVector.broadcast(SPECIES, scale);
    DoubleVector shift = DoubleVector.broadcast(SPECIES, negativeMax);
    DoubleVector negativeDivisor = DoubleVector.broadcast(SPECIES, -t);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / t);
    DoubleVector ones = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector minusLn2Hi = DoubleVector.broadcast(SPECIES, -Exp.LN2_HI);
    DoubleVector minusLn2Lo = DoubleVector.broadcast(SPECIES, -Exp.LN2_LO);
    DoubleVector c2 = DoubleVector.broadcast(SPECIES, Exp.C2);
    DoubleVector c3 = DoubleVector.broadcast(SPECIES, Exp.C3);
    DoubleVector c4 = DoubleVector.broadcast(SPECIES, Exp.C4);
    DoubleVector c5 = DoubleVector.broadcast(SPECIES, Exp.C5);
    DoubleVector c6 = DoubleVector.broadcast(SPECIES, Exp.C6);
    DoubleVector c7 = DoubleVector.broadcast(SPECIES, Exp.C7);
    DoubleVector c8 = DoubleVector.broadcast(SPECIES, Exp.C8);
    DoubleVector c9 = DoubleVector.broadcast(SPECIES, Exp.C9);
    DoubleVector c10 = DoubleVector.broadcast(SPECIES, Exp.C10);
    DoubleVector c11 = DoubleVector.broadcast(SPECIES, Exp.C11);
    DoubleVector c12 = DoubleVector.broadcast(SPECIES, Exp.C12);
    DoubleVector sums = DoubleVector.zero(SPECIES);
    DoubleVector compensations = DoubleVector.zero(SPECIES);
    for (int i = 0; i < n; i += LANES) {
      int p = Math.min(i, last);
      // 1 in the lanes the previous vector did not do, 0 in those it did (below i - p). A
      // product with it instead of a blend: terms are finite, and a mask costs more steps.
      DoubleVector kept = DoubleVector.fromArray(SPECIES, KEPT_LANES, LANES - (i - p));
      DoubleVector logit = DoubleVector.fromArray(SPECIES, logits, p);
      // hi + lo = (x + shift) / t: TwoSum's error of the addition plus the fused residual of
      // the division, divided by t (see Softmax.shifted). At t = 1 that is the TwoSum of
      // logit + shift, the values the general steps give there (bar the sign of a zero lo,
      // which changes no result), in five fewer steps. The branch depends on t alone; no vector
      // crosses it boxed (JMH's allocation profile shows no bytes per call).
      DoubleVector hi;
      DoubleVector lo;
      if (unitTemperature) {
        hi = logit.add(shift);
        DoubleVector gapB = hi.sub(logit);
        lo = logit.sub(hi.sub(gapB)).add(shift.sub(gapB));
      } else {
        // x = scale * logit is exact (bar subnormals), so the fused form of the addition has
        // the same value as x + shift, with one step less.
        DoubleVector x = logit.mul(scale);
        DoubleVector gap = logit.fma(scales, shift);
        hi = gap.mul(reciprocal);
        DoubleVector gapB = gap.sub(x);
        DoubleVector gapError = x.sub(gap.sub(gapB)).add(shift.sub(gapB));
        lo = hi.fma(negativeDivisor, gap).add(gapError).mul(reciprocal);
      }
      // Exp.exp(hi, lo), step for step (a negated constant or 1 - x as one subtraction, the
      // same values as neg() and a further step).
      // hi is never NaN (a row whose maximum is not finite is declined), so one mask serves
      // the clamp and the zero below.
      VectorMask<Double> belowCutoff = hi.lt(Exp.CUTOFF);
      DoubleVector inRange = hi.blend(Exp.CUTOFF, belowCutoff);
      DoubleVector shifted = inRange.fma(Exp.INV_LN2, Exp.SHIFT);
      DoubleVector k = shifted.sub(Exp.SHIFT);
      DoubleVector r0 = k.fma(minusLn2Hi, inRange);
      DoubleVector rest = k.fma(minusLn2Lo, lo);
      DoubleVector r = r0.add(rest);
      DoubleVector rError = rest.sub(r.sub(r0));
      DoubleVector r2 = r.mul(r);
      DoubleVector r4 = r2.mul(r2);
      DoubleVector q = r2.fma(c12, r.fma(c11, c10)).fma(r4,
              r.fma(c9, c8).fma(r2, r.fma(c7, c6))).fma(r4,
          r.fma(c5, c4).fma(r2, r.fma(c3, c2)));
      DoubleVector tail = r2.fma(q, r.fma(rError, rError));
      DoubleVector one = r.add(1.0);
      DoubleVector e = one.add(ones.sub(one).add(r).add(tail));
      DoubleVector term = e
          .mul(shifted.reinterpretAsLongs().add(Exp.RAISED_EXPONENT_BITS)
              .lanewise(VectorOperators.LSHL, Exp.MANTISSA_BITS).reinterpretAsDoubles())
          .mul(Exp.LOWERING)
          .blend(0.0, belowCutoff);
      // Written in log space too (the next pass overwrites it): a branch could box the vector.
      term.intoArray(out, offset + p);
      term = term.mul(kept);
      DoubleVector s = sums.add(term);
      DoubleVector termB = s.sub(sums);
      compensations = compensations.add(sums.sub(s.sub(termB)).add(term.sub(termB)));
      sums = s;
    }
    // Rump's extraction: split each lane's sum at a power of two above twice the row's length.
    // The high parts are multiples of one ulp of the splitter and add exactly in any order; the
    // low parts, with the compensations, are far below the total (at least 1, the maximum's term)
    // and are added in a fixed order.
    DoubleVector highs = sums.add(splitter).sub(splitter);
    DoubleVector lows = sums.sub(highs).add(compensations);
    if (LANES > 4) {
      lows = lows.add(lows.rearrange(SWAP_FOURS));
    }
    if (LANES > 2) {
      lows = lows.add(lows.rearrange(SWAP_TWOS));
    }
    if (LANES > 1) {
      lows = lows.add(lows.rearrange(SWAP_ONES));
    }
    // The high parts are multiples of the splitter's ulp, 2^-50 or coarser, and less than 2^53:
    // subtracting 1 from their sum is exact.
    return (highs.reduceLanes(VectorOperators.ADD) - less) + lows.lane(0);
  }

  /** {@code d_i - logSum}, with {@code d_i}'s low part and the subtraction's error added back. */
  private static void writeLogProbabilities(double[] logits, double scale, double negativeMax,
      double t, double logSum, double[] out, int offset) {
    int n = logits.length;
    int last = n - LANES;
    DoubleVector scales = DoubleVector.broadcast(SPECIES, scale);
    DoubleVector shift = DoubleVector.broadcast(SPECIES, negativeMax);
    DoubleVector negativeDivisor = DoubleVector.broadcast(SPECIES, -t);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / t);
    DoubleVector negativeLogSum = DoubleVector.broadcast(SPECIES, -logSum);
    // Below 1, hi = gap (1/t) can overflow where gap / t is still within 4 ulps of the double
    // range; a gap beyond this bound has a log-probability beyond it, which rounds to -Infinity.
    // From 1 on, only a gap of -Infinity is beyond it.
    double beyondTheRange = Math.max(-Double.MAX_VALUE * t * (1 + 0x1p-50), -Double.MAX_VALUE);
    for (int i = 0; i < n; i += LANES) {
      int p = Math.min(i, last);
      // hi + lo as in sumOfExponentials, spelled out for the same reason.
      DoubleVector logit = DoubleVector.fromArray(SPECIES, logits, p);
      DoubleVector x = logit.mul(scale);
      DoubleVector gap = logit.fma(scales, shift);
      DoubleVector hi = gap.mul(reciprocal);
      DoubleVector gapB = gap.sub(x);
      DoubleVector gapError = x.sub(gap.sub(gapB)).add(shift.sub(gapB));
      DoubleVector lo = hi.fma(negativeDivisor, gap).add(gapError).mul(reciprocal);
      DoubleVector r = hi.add(negativeLogSum);
      DoubleVector rB = r.sub(hi);
      DoubleVector rError = hi.sub(r.sub(rB)).add(negativeLogSum.sub(rB));
      // Near the end of the range, a result that overflowed is -Double.MAX_VALUE, within the
      // contract; only a gap beyond the bound (or a logit of -Infinity) gives -Infinity.
      r.add(rError.add(lo))
          .blend(-Double.MAX_VALUE, hi.eq(Double.NEGATIVE_INFINITY))
          .max(-Double.MAX_VALUE)
          .blend(Double.NEGATIVE_INFINITY, gap.lt(beyondTheRange))
          .intoArray(out, offset + p);
    }
  }

  /**
   * {@code out[i] /= sum}, as {@code q = y / sum} rounded by one fused correction step. The last
   * vector is read before the others are divided, so its overlapping lanes get the same quotients.
   */
  private static void divide(double[] out, int offset, int n, double sum) {
    int last = offset + n - LANES;
    DoubleVector negativeDivisor = DoubleVector.broadcast(SPECIES, -sum);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / sum);
    DoubleVector lastTerms = DoubleVector.fromArray(SPECIES, out, last);
    for (int i = offset; i < last; i += LANES) {
      DoubleVector y = DoubleVector.fromArray(SPECIES, out, i);
      DoubleVector q = y.mul(reciprocal);
      q.fma(negativeDivisor, y).fma(reciprocal, q).intoArray(out, i);
    }
    DoubleVector q = lastTerms.mul(reciprocal);
    q.fma(negativeDivisor, lastTerms).fma(reciprocal, q).intoArray(out, last);
  }


  private static double[] keptLanes() {
    double[] kept = new double[2 * LANES];
    Arrays.fill(kept, LANES, 2 * LANES, 1.0);
    return kept;
  }

  private static VectorShuffle<Double> swap(int distance) {
    return distance >= LANES ? null : VectorShuffle.fromOp(SPECIES, i -> i ^ distance);
  }
}
