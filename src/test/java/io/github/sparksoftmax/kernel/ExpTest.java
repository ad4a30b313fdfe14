package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.obermuhlner.math.big.BigDecimalMath;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernels' exponential against big-math's at 40 digits, on the exponents softmax produces:
 * {@code hi} in [-746, 0] with a correction {@code lo} below half an ulp of {@code hi}. Errors are
 * in ulps of the exact value rounded to double; in the subnormal range the unit is
 * {@link Double#MIN_VALUE}.
 */
class ExpTest {

  /** The error bound that the kernels' accuracy contract budgets for the exponential. */
  private static final double MAX_ULPS = 0.65;

  @Test
  void isWithinTheBoundOnRandomExponents() {
    SplittableRandom random = new SplittableRandom(20261127L);
    double worst = 0.0;
    double worstSubnormal = 0.0;
    for (int i = 0; i < 40_000; i++) {
      double hi = i % 2 == 0 ? -random.nextDouble(0.0, 746.0) : -random.nextDouble(0.0, 2.0);
      double lo = random.nextDouble(-0.5, 0.5) * Math.ulp(hi);
      double e = Exp.exp(hi, lo);
      if (e >= Double.MIN_NORMAL) {
        worst = Math.max(worst, ulps(e, hi, lo));
      } else {
        worstSubnormal = Math.max(worstSubnormal, ulps(e, hi, lo));
      }
    }
    System.out.printf("Exp: worst error %.3f ulps on 40,000 random exponents, %.3f"
        + " Double.MIN_VALUE on the subnormal results%n", worst, worstSubnormal);
    assertTrue(worst <= MAX_ULPS, "worst error " + worst + " ulps");
    // A subnormal result is rounded twice (to 53 bits, then to the subnormal grid).
    assertTrue(worstSubnormal <= 0.75, "worst subnormal error " + worstSubnormal);
  }

  @Test
  void isWithinTheBoundAtTheEdgesOfTheReduction() {
    // n = round(hi / ln 2) changes at odd multiples of ln(2)/2, where |r| is largest.
    double worst = 0.0;
    for (int m = -2151; m <= 0; m += 2) {
      double edge = m * Math.log(2.0) / 2;
      for (double hi : new double[] {Math.nextDown(edge), edge, Math.nextUp(edge)}) {
        if (hi >= -708.0 && hi <= 0.0) {
          worst = Math.max(worst, ulps(Exp.exp(hi, 0.0), hi, 0.0));
        }
      }
    }
    assertTrue(worst <= MAX_ULPS, "worst error " + worst + " ulps");
  }

  @Test
  void handlesTheEndsOfTheRange() {
    assertEquals(1.0, Exp.exp(0.0, 0.0));
    assertEquals(1.0, Exp.exp(-0.0, 0.0));
    assertEquals(0.0, Exp.exp(Double.NEGATIVE_INFINITY, Double.NaN));
    assertEquals(0.0, Exp.exp(-746.0, 0.0));
    assertEquals(0.0, Exp.exp(-1e300, 0.0));
    assertEquals(Double.MIN_VALUE, Exp.exp(-744.44, 0.0));
    // The smallest normal double and the largest subnormal, each rounded once.
    assertEquals(0.0, ulps(Exp.exp(-708.3964185322641, 0.0), -708.3964185322641, 0.0), 0.6);
    assertEquals(0.0, ulps(Exp.exp(-720.5, 0.0), -720.5, 0.0), 0.6);
  }

  @Test
  void polynomialIsWithinItsFittingErrorOfTheExponential() {
    // 1 + r + r^2 q(r) in exact arithmetic on the coefficients' doubles, against big-math's
    // exp(r), relative to exp(r), over the reduced range |r| <= ln(2)/2 (and a little beyond).
    double[] coefficients = {Exp.C2, Exp.C3, Exp.C4, Exp.C5, Exp.C6, Exp.C7, Exp.C8, Exp.C9,
        Exp.C10, Exp.C11, Exp.C12};
    double end = Math.log(2.0) / 2 + 1e-9;
    double worst = 0.0;
    for (int k = -5000; k <= 5000; k++) {
      BigDecimal r = new BigDecimal(end * k / 5000);
      BigDecimal q = BigDecimal.ZERO;
      for (int j = coefficients.length - 1; j >= 0; j--) {
        q = q.multiply(r).add(new BigDecimal(coefficients[j]));
      }
      BigDecimal polynomial = BigDecimal.ONE.add(r).add(r.multiply(r).multiply(q));
      BigDecimal exact = BigDecimalMath.exp(r, ExactSoftmax.PRECISION);
      worst = Math.max(worst, polynomial.subtract(exact).abs()
          .divide(exact, ExactSoftmax.PRECISION).doubleValue());
    }
    assertTrue(worst <= 0x1p-60, "worst relative error 2^" + Math.log(worst) / Math.log(2.0));
  }

  /** The error of {@code actual} as {@code exp(hi + lo)}. */
  private static double ulps(double actual, double hi, double lo) {
    BigDecimal exact = BigDecimalMath.exp(new BigDecimal(hi).add(new BigDecimal(lo)),
        ExactSoftmax.PRECISION);
    return ExactSoftmax.ulps(actual, exact);
  }
}
