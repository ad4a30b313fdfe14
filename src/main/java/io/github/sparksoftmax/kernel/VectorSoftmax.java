package io.github.sparksoftmax.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense kernel on the Vector API: the scalar kernel's algorithm, one vector of lanes at a time.
 * Each lane keeps its own compensated (TwoSum) partial sum, and the lanes are added with TwoSum at
 * the end; the roundings of {@code x - max} and of the division by the temperature are carried into
 * the exponent as in {@link Softmax}. The lanewise exponential of the JDK is within one ulp of
 * {@link StrictMath#exp} (measured on tens of millions of arguments in [-745, 0]), which keeps the
 * kernel inside the scalar kernel's accuracy contract; the tests check the results against a
 * high-precision reference.
 *
 * <p>It declines rows shorter than one vector, rows whose maximum is not finite (NaN, infinite or
 * all {@code -Infinity} rows) and rows where a temperature above 1 meets a gap {@code x - max}
 * beyond the double range, or rows at a subnormal temperature. Loaded only through
 * {@link DenseKernels}.
 */
final class VectorSoftmax implements DenseSoftmax {

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  @Override
  public boolean trySoftmax(double[] logits, double temperature, boolean logSpace, double[] out) {
    int n = logits.length;
    if (n < LANES) {
      return false;
    }
    int upper = SPECIES.loopBound(n);
    DoubleVector maxes = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
    DoubleVector finiteMins = DoubleVector.broadcast(SPECIES, Double.POSITIVE_INFINITY);
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, logits, i);
      maxes = maxes.lanewise(VectorOperators.MAX, x);
      finiteMins = finiteMins.lanewise(VectorOperators.MIN,
          x.blend(Double.POSITIVE_INFINITY, x.eq(Double.NEGATIVE_INFINITY)));
    }
    double max = maxes.reduceLanes(VectorOperators.MAX);
    double finiteMin = finiteMins.reduceLanes(VectorOperators.MIN);
    for (int i = upper; i < n; i++) {
      double v = logits[i];
      max = Math.max(max, v);
      if (v > Double.NEGATIVE_INFINITY) {
        finiteMin = Math.min(finiteMin, v);
      }
    }
    if (!(Math.abs(max) <= Double.MAX_VALUE)) {
      return false;
    }
    if (temperature > 1.0 && finiteMin - max == Double.NEGATIVE_INFINITY
        || 1.0 / temperature == Double.POSITIVE_INFINITY) {
      return false;
    }
    double sum = sumOfExponentials(logits, n, upper, max, temperature, logSpace, out);
    if (logSpace) {
      writeLogProbabilities(logits, n, upper, max, temperature, Math.log(sum), out);
    } else {
      divide(out, n, upper, sum);
    }
    return true;
  }

  /** The compensated sum of {@code exp((x_i - max) / t)}, also written to {@code out} unless in log space. */
  private static double sumOfExponentials(
      double[] logits, int n, int upper, double max, double t, boolean logSpace, double[] out) {
    DoubleVector maxV = DoubleVector.broadcast(SPECIES, max);
    DoubleVector tV = DoubleVector.broadcast(SPECIES, t);
    DoubleVector inverseT = DoubleVector.broadcast(SPECIES, 1.0 / t);
    boolean unitT = t == 1.0;
    DoubleVector sums = DoubleVector.zero(SPECIES);
    DoubleVector compensations = DoubleVector.zero(SPECIES);
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, logits, i);
      DoubleVector gap = x.sub(maxV);
      DoubleVector hi = unitT ? gap : gap.div(tV);
      DoubleVector lo = roundingError(x, maxV, gap, hi, unitT, tV, inverseT);
      DoubleVector e = hi.lanewise(VectorOperators.EXP);
      DoubleVector term = e.fma(lo, e).blend(0.0, e.eq(0.0));
      if (!logSpace) {
        term.intoArray(out, i);
      }
      DoubleVector s = sums.add(term);
      compensations = compensations.add(twoSumError(sums, term, s));
      sums = s;
    }
    double sum = 0.0;
    double compensation = compensations.reduceLanes(VectorOperators.ADD);
    for (int lane = 0; lane < LANES; lane++) {
      double part = sums.lane(lane);
      double s = sum + part;
      compensation += Softmax.twoSumError(sum, part, s);
      sum = s;
    }
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
    DoubleVector maxV = DoubleVector.broadcast(SPECIES, max);
    DoubleVector tV = DoubleVector.broadcast(SPECIES, t);
    DoubleVector inverseT = DoubleVector.broadcast(SPECIES, 1.0 / t);
    boolean unitT = t == 1.0;
    DoubleVector logSumV = DoubleVector.broadcast(SPECIES, logSum);
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, logits, i);
      DoubleVector gap = x.sub(maxV);
      DoubleVector hi = unitT ? gap : gap.div(tV);
      DoubleVector lo = roundingError(x, maxV, gap, hi, unitT, tV, inverseT);
      DoubleVector r = hi.sub(logSumV);
      DoubleVector result = r.add(twoSumError(hi, logSumV.neg(), r).add(lo));
      VectorMask<Double> zeroProbability = hi.eq(Double.NEGATIVE_INFINITY);
      result.blend(Double.NEGATIVE_INFINITY, zeroProbability).intoArray(out, i);
    }
    for (int i = upper; i < n; i++) {
      out[i] = Softmax.shifted(logits[i], max, t, true, logSum);
    }
  }

  private static void divide(double[] out, int n, int upper, double sum) {
    for (int i = 0; i < upper; i += LANES) {
      DoubleVector.fromArray(SPECIES, out, i).div(sum).intoArray(out, i);
    }
    for (int i = upper; i < n; i++) {
      out[i] /= sum;
    }
  }

  /**
   * The exact {@code (x - max) / t} minus {@code hi}, to first order, where {@code gap} is the
   * rounded {@code x - max} and {@code hi} the rounded {@code gap / t}: the scalar kernel's
   * carried error. Multiplying by {@code 1 / t} instead of dividing is harmless on a correction this
   * small.
   */
  private static DoubleVector roundingError(DoubleVector x, DoubleVector maxV, DoubleVector gap,
      DoubleVector hi, boolean unitT, DoubleVector tV, DoubleVector inverseT) {
    DoubleVector gapError = twoSumError(x, maxV.neg(), gap);
    return unitT ? gapError : hi.neg().fma(tV, gap).add(gapError).mul(inverseT);
  }

  /** Knuth's TwoSum, lane by lane: the exact rounding error of {@code s = a + b}. */
  private static DoubleVector twoSumError(DoubleVector a, DoubleVector b, DoubleVector s) {
    DoubleVector bVirtual = s.sub(a);
    DoubleVector aVirtual = s.sub(bVirtual);
    return a.sub(aVirtual).add(b.sub(bVirtual));
  }
}
