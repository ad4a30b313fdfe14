package io.github.sparksoftmax.kernel;

import ch.obermuhlner.math.big.BigDecimalMath;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The softmax of a row of doubles computed in 40-digit decimal arithmetic, independently of the
 * kernel: the reference the tests measure ulps against. Handles finite and {@code -Infinity}
 * entries only; at least one entry must be finite.
 */
final class ExactSoftmax {

  private static final MathContext PRECISION = new MathContext(40);
  private static final BigDecimal NEGLIGIBLE_EXPONENT = BigDecimal.valueOf(-2000);

  private ExactSoftmax() {}

  /** Probabilities ({@code logSpace} false) or log-probabilities, each rounded once to double. */
  static double[] of(double[] logits, double temperature, boolean logSpace) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    BigDecimal t = new BigDecimal(temperature);
    BigDecimal[] scaled = new BigDecimal[logits.length];
    BigDecimal[] exponentials = new BigDecimal[logits.length];
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      scaled[i] = new BigDecimal(logits[i]).subtract(new BigDecimal(max)).divide(t, PRECISION);
      // Below e^-2000 a term neither moves the 40-digit sum nor survives rounding to double.
      exponentials[i] = scaled[i].compareTo(NEGLIGIBLE_EXPONENT) < 0
          ? BigDecimal.ZERO
          : BigDecimalMath.exp(scaled[i], PRECISION);
      sum = sum.add(exponentials[i], PRECISION);
    }
    BigDecimal logSum = BigDecimalMath.log(sum, PRECISION);
    double[] exact = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      if (scaled[i] == null) {
        exact[i] = logSpace ? Double.NEGATIVE_INFINITY : 0.0;
      } else {
        exact[i] = logSpace
            ? scaled[i].subtract(logSum, PRECISION).doubleValue()
            : exponentials[i].divide(sum, PRECISION).doubleValue();
      }
    }
    return exact;
  }

  /**
   * The accuracy contract: a probability in the normal range within {@code ulps} ulps of the exact
   * one (below it, within {@code ulps} ulps of the smallest normal); a log-probability within
   * {@code ulps} ulps of {@code max(1, |exact|)}. Returns null when met, else a description.
   */
  static String violation(double[] exact, double[] actual, boolean logSpace, double ulps) {
    for (int i = 0; i < exact.length; i++) {
      double e = exact[i];
      double a = actual[i];
      if (e == a) {
        continue;
      }
      double scale = logSpace ? Math.max(1.0, Math.abs(e)) : Math.max(Double.MIN_NORMAL, Math.abs(e));
      double error = Math.abs(a - e) / Math.ulp(scale);
      if (!(error <= ulps)) {
        return "entry " + i + ": expected " + e + " but got " + a + " (" + error + " ulps)";
      }
    }
    return null;
  }
}
