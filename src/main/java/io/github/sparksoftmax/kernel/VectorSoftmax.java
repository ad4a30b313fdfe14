package io.github.sparksoftmax.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense kernel on the Vector API: the scalar kernel's algorithm, one vector of lanes at a time.
 * Each lane keeps its own compensated (TwoSum) partial sum, and the lanes are added with TwoSum at
 * the end; the roundings of {@code x - max} and of the scaling by the temperature are carried into
 * the exponent as in {@link Softmax}. The lanewise exponential of the JDK was measured within one
 * ulp of {@link StrictMath#exp} on tens of millions of arguments in [-745, 0] (at most 0.65 ulp from
 * the exact value on a 50,000-argument sample), which keeps the kernel inside the scalar kernel's
 * accuracy contract; the tests check the results against a high-precision reference.
 *
 * <p>Two choices differ from the scalar kernel, both for speed and both without loss of accuracy:
 * a temperature above 1 is applied to halved operands, {@code (x/2 - max/2) / (t/2)}, so that a gap
 * {@code x - max} beyond the double range needs no special case; and divisions are multiplications
 * by a reciprocal followed by a fused correction of the residual.
 *
 * <p>It declines rows shorter than one vector, rows whose maximum is not finite (NaN, infinite or
 * all {@code -Infinity} rows), and subnormal temperatures. Loaded only through {@link DenseKernels}.
 */
final class VectorSoftmax implements DenseSoftmax {

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  @Override
  public boolean trySoftmax(double[] logits, double temperature, boolean logSpace, double[] out) {
    int n = logits.length;
    if (n < LANES || 1.0 / temperature == Double.POSITIVE_INFINITY) {
      return false;
    }
    int upper = SPECIES.loopBound(n);
    double max = max(logits, n, upper);
    if (!(Math.abs(max) <= Double.MAX_VALUE)) {
      return false;
    }
    // Each term is at most 1 (plus a few ulps), so no lane's partial sum exceeds upper / LANES.
    double splitter = Math.scalb(1.0, Math.getExponent((double) upper) + 2);
    double sum = sumOfExponentials(logits, n, upper, max, temperature, logSpace, splitter, out);
    if (logSpace) {
      writeLogProbabilities(logits, n, upper, max, temperature, Math.log(sum), out);
    } else {
      divide(out, n, upper, sum);
    }
    return true;
  }

  /** The largest entry, NaN if any entry is NaN; two accumulators halve the dependency chain. */
  private static double max(double[] logits, int n, int upper) {
    DoubleVector even = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
    DoubleVector odd = even;
    int i = 0;
    for (; i + LANES < upper; i += 2 * LANES) {
      even = even.lanewise(VectorOperators.MAX, DoubleVector.fromArray(SPECIES, logits, i));
      odd = odd.lanewise(VectorOperators.MAX, DoubleVector.fromArray(SPECIES, logits, i + LANES));
    }
    if (i < upper) {
      even = even.lanewise(VectorOperators.MAX, DoubleVector.fromArray(SPECIES, logits, i));
    }
    double max = even.lanewise(VectorOperators.MAX, odd).reduceLanes(VectorOperators.MAX);
    for (i = upper; i < n; i++) {
      max = Math.max(max, logits[i]);
    }
    return max;
  }

  /** The compensated sum of the exponentials, also written to {@code out} unless in log space. */
  private static double sumOfExponentials(double[] logits, int n, int upper, double max, double t,
      boolean logSpace, double splitter, double[] out) {
    double halving = operandScale(t);
    DoubleVector scale = DoubleVector.broadcast(SPECIES, halving);
    DoubleVector negativeMax = DoubleVector.broadcast(SPECIES, -halving * max);
    DoubleVector divisor = DoubleVector.broadcast(SPECIES, halving * t);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / (halving * t));
    DoubleVector sums = DoubleVector.zero(SPECIES);
    DoubleVector compensations = DoubleVector.zero(SPECIES);
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, logits, i).mul(scale);
      DoubleVector gap = x.add(negativeMax);
      DoubleVector hi = gap.mul(reciprocal);
      DoubleVector lo = carriedError(x, negativeMax, gap, hi, divisor, reciprocal);
      DoubleVector e = hi.lanewise(VectorOperators.EXP);
      DoubleVector term = e.fma(lo, e).blend(0.0, e.eq(0.0));
      if (!logSpace) {
        term.intoArray(out, i);
      }
      DoubleVector s = sums.add(term);
      compensations = compensations.add(twoSumError(sums, term, s));
      sums = s;
    }
    // The lanes' partial sums are split at a power of two above them all (Rump's extraction; the
    // splitter exceeds 2 * upper): the high parts are multiples of one ulp of the splitter and add
    // exactly in any order; the low parts are below that ulp, far below the sum (at least 1, the
    // maximum's term), so their rounding is negligible. Reading lanes one by one would box.
    DoubleVector highParts = sums.add(splitter).sub(splitter);
    double sum = highParts.reduceLanes(VectorOperators.ADD);
    double compensation = sums.sub(highParts).add(compensations).reduceLanes(VectorOperators.ADD);
    for (int i = upper; i < n; i++) {
      double term = Softmax.shifted(logits[i], max, t, false, 0.0);
      if (!logSpace) {
        out[i] = term;
      }
      double s = sum + term;
      compensation += Softmax.twoSumError(sum, term, s);
      sum = s;
    }
    return sum + compensation;
  }

  private static void writeLogProbabilities(
      double[] logits, int n, int upper, double max, double t, double logSum, double[] out) {
    double halving = operandScale(t);
    DoubleVector scale = DoubleVector.broadcast(SPECIES, halving);
    DoubleVector negativeMax = DoubleVector.broadcast(SPECIES, -halving * max);
    DoubleVector divisor = DoubleVector.broadcast(SPECIES, halving * t);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / (halving * t));
    DoubleVector logSumV = DoubleVector.broadcast(SPECIES, logSum);
    DoubleVector negativeLogSum = logSumV.neg();
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, logits, i).mul(scale);
      DoubleVector gap = x.add(negativeMax);
      DoubleVector hi = gap.mul(reciprocal);
      DoubleVector lo = carriedError(x, negativeMax, gap, hi, divisor, reciprocal);
      DoubleVector r = hi.sub(logSumV);
      r.add(twoSumError(hi, negativeLogSum, r).add(lo))
          .blend(Double.NEGATIVE_INFINITY, hi.eq(Double.NEGATIVE_INFINITY))
          .intoArray(out, i);
    }
    for (int i = upper; i < n; i++) {
      out[i] = Softmax.shifted(logits[i], max, t, true, logSum);
    }
  }

  /**
   * How much {@code x} and {@code max} are scaled before subtracting: by 1/2 when the temperature
   * is above 1, so that {@code x/2 - max/2} cannot overflow where {@code (x - max) / t} is still
   * finite. Halving is exact except for subnormal {@code x}, where the error is far below any ulp of
   * the exponent; the temperature is halved with them.
   */
  private static double operandScale(double t) {
    return t > 1.0 ? 0.5 : 1.0;
  }

  /**
   * {@code d - hi} for the exact exponent {@code d = (x - max) / t}, to first order: the rounding
   * error of {@code gap = x - max} (TwoSum) plus the residual of {@code hi = gap / t} (fused),
   * divided by {@code t}. Multiplying by the reciprocal is harmless on a correction this small. At
   * {@code t = 1} every scaling is by 1 and the residual is 0, so the result is exact; one
   * branch-free loop body serves all temperatures (a vector chosen by a branch would be boxed).
   */
  private static DoubleVector carriedError(DoubleVector x, DoubleVector negativeMax, DoubleVector gap,
      DoubleVector hi, DoubleVector divisor, DoubleVector reciprocal) {
    DoubleVector gapError = twoSumError(x, negativeMax, gap);
    return hi.neg().fma(divisor, gap).add(gapError).mul(reciprocal);
  }

  /** {@code out[i] /= sum}, as {@code q = y / sum} rounded by one fused correction step. */
  private static void divide(double[] out, int n, int upper, double sum) {
    DoubleVector sumV = DoubleVector.broadcast(SPECIES, sum);
    DoubleVector reciprocal = DoubleVector.broadcast(SPECIES, 1.0 / sum);
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector y = DoubleVector.fromArray(SPECIES, out, i);
      DoubleVector q = y.mul(reciprocal);
      q.neg().fma(sumV, y).fma(reciprocal, q).intoArray(out, i);
    }
    for (int i = upper; i < n; i++) {
      out[i] /= sum;
    }
  }

  /** Knuth's TwoSum, lane by lane: the exact rounding error of {@code s = a + b}. */
  private static DoubleVector twoSumError(DoubleVector a, DoubleVector b, DoubleVector s) {
    DoubleVector bVirtual = s.sub(a);
    DoubleVector aVirtual = s.sub(bVirtual);
    return a.sub(aVirtual).add(b.sub(bVirtual));
  }
}
