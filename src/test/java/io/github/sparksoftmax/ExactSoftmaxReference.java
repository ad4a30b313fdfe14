package io.github.sparksoftmax;

import ch.obermuhlner.math.big.BigDecimalMath;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Softmax computed with 100 significant digits (BigDecimal and big-math), independent of the
 * project's kernel, for the stage tests' expected values. Not for invalid rows.
 */
final class ExactSoftmaxReference {
  private static final MathContext MC = new MathContext(100);
  /** exp(-1000) is below 1e-434: negligible next to a sum of at least 1, even at 100 digits. */
  private static final BigDecimal NEGLIGIBLE_EXPONENT = BigDecimal.valueOf(-1000);

  private ExactSoftmaxReference() {}

  static double[] probabilities(double[] logits, double temperature) {
    return evaluate(logits, temperature, false);
  }

  static double[] logProbabilities(double[] logits, double temperature) {
    return evaluate(logits, temperature, true);
  }

  private static double[] evaluate(double[] x, double t, boolean log) {
    double[] out = new double[x.length];
    if (x.length == 0) {
      return out;
    }
    int infinities = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
      infinities += v == Double.POSITIVE_INFINITY ? 1 : 0;
    }
    if (infinities > 0) {
      for (int i = 0; i < x.length; i++) {
        boolean share = x[i] == Double.POSITIVE_INFINITY;
        out[i] = log ? (share ? -Math.log(infinities) : Double.NEGATIVE_INFINITY)
            : (share ? 1.0 / infinities : 0.0);
      }
      return out;
    }
    BigDecimal m = new BigDecimal(max);
    BigDecimal temperature = new BigDecimal(t);
    BigDecimal[] d = new BigDecimal[x.length];
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      d[i] = new BigDecimal(x[i]).subtract(m).divide(temperature, MC);
      if (d[i].compareTo(NEGLIGIBLE_EXPONENT) > 0) {
        sum = sum.add(BigDecimalMath.exp(d[i], MC), MC);
      }
    }
    BigDecimal logSum = BigDecimalMath.log(sum, MC);
    for (int i = 0; i < x.length; i++) {
      if (d[i] == null) {
        out[i] = log ? Double.NEGATIVE_INFINITY : 0.0;
      } else if (log) {
        out[i] = d[i].subtract(logSum, MC).doubleValue();
      } else {
        out[i] = d[i].compareTo(NEGLIGIBLE_EXPONENT) > 0
            ? BigDecimalMath.exp(d[i], MC).divide(sum, MC).doubleValue()
            : 0.0;
      }
    }
    return out;
  }
}
