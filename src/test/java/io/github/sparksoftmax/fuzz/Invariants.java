package io.github.sparksoftmax.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Consequences of the row contract ({@link Contract}) that need no high-precision reference, cheap
 * enough to check on every generated row, however wide:
 *
 * <ul>
 *   <li>probabilities lie in [0, 1] and sum to 1 within the slack the contract allows: each is
 *       within 4 ulps (at most 4 × 2^-52 of itself) or 2 {@code MIN_VALUE} of an exact value, and
 *       the exact values sum to 1, so {@code |sum - 1| <= 2^-50 + 2n MIN_VALUE};
 *   <li>log-probabilities are at most 0, and agree with the probabilities of the same row: {@code
 *       exp(log p)} is {@code p} within the two bounds (with a factor 2 for a value just below a
 *       power of two, whose ulp is half that of an exact value just above it); {@code -Infinity}
 *       only where the probability is 0;
 *   <li>two outputs of the same row from different entry points agree within twice the contract
 *       (and {@code -Infinity} with {@code -Double.MAX_VALUE}, the two ends of a log-probability
 *       just beyond the range).
 * </ul>
 */
public final class Invariants {
  private static final double EPSILON = 0x1p-52;

  private Invariants() {}

  /** The probabilities of a valid row. */
  public static void assertDistribution(double[] p, String what) {
    assertSumsToOne(p, 4 * EPSILON + 2 * p.length * Double.MIN_VALUE, what);
  }

  /**
   * The float probabilities of a valid row, each within a float ulp of an exact value (2^-23 of
   * itself, a factor 2 allowed as above, or {@code Float.MIN_VALUE}).
   */
  public static void assertFloatDistribution(float[] p, String what) {
    double[] wide = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      wide[i] = p[i];
    }
    assertSumsToOne(wide, 0x1p-22 + p.length * (double) Float.MIN_VALUE, what);
  }

  private static void assertSumsToOne(double[] p, double slack, String what) {
    for (int i = 0; i < p.length; i++) {
      int at = i;
      assertTrue(p[i] >= 0 && p[i] <= 1, () -> what + " [" + at + "]: p " + p[at]);
    }
    if (p.length > 0) {
      BigDecimal excess = Arrays.stream(p).mapToObj(BigDecimal::new)
          .reduce(BigDecimal.ZERO, BigDecimal::add).subtract(BigDecimal.ONE);
      assertTrue(excess.abs().compareTo(new BigDecimal(slack)) <= 0,
          () -> what + ": probabilities sum to 1 + " + excess);
    }
  }

  /** The log-probabilities {@code logP} of a valid row whose probabilities are {@code p}. */
  public static void assertLogDistribution(double[] logP, double[] p, String what) {
    assertEquals(p.length, logP.length, what);
    for (int i = 0; i < p.length; i++) {
      int at = i;
      double l = logP[i];
      assertTrue(l <= 0, () -> what + " [" + at + "]: log p " + l);
      if (l == Double.NEGATIVE_INFINITY) {
        assertEquals(0.0, p[i], () -> what + " [" + at + "]: log p is -Infinity, p " + p[at]);
        continue;
      }
      double fromLog = Math.exp(l);
      if (p[i] >= Double.MIN_NORMAL && fromLog >= Double.MIN_NORMAL) {
        double relative = (2 * Contract.LOG_PROBABILITY_ULPS * Math.max(1, -l)
            + 2 * Contract.PROBABILITY_ULPS + 2) * EPSILON;
        assertTrue(Math.abs(fromLog - p[i]) <= relative * p[i],
            () -> what + " [" + at + "]: exp(log p) " + fromLog + " but p " + p[at]);
      }
    }
  }

  /**
   * A log-probability within ulps of {@code -Double.MAX_VALUE}: one entry point may round it to
   * {@code -Infinity} and another to {@code -Double.MAX_VALUE}, both within the contract.
   */
  private static boolean atTheEndOfTheRange(double x, double y) {
    return x == Double.NEGATIVE_INFINITY && y == -Double.MAX_VALUE;
  }

  /** Two outputs of one valid row, in the same space, within twice the contract. */
  public static void assertAgree(double[] a, double[] b, boolean logSpace, String what) {
    assertEquals(a.length, b.length, what);
    for (int i = 0; i < a.length; i++) {
      int at = i;
      double x = a[i];
      double y = b[i];
      if (atTheEndOfTheRange(x, y) || atTheEndOfTheRange(y, x)) {
        continue;
      }
      if (x == y || !Double.isFinite(x) || !Double.isFinite(y)) {
        assertEquals(x, y, () -> what + " [" + at + "]");
        continue;
      }
      double larger = Math.max(Math.abs(x), Math.abs(y));
      double bound = logSpace
          ? 2 * 2 * Contract.LOG_PROBABILITY_ULPS * Math.ulp(Math.max(1, larger))
          : Math.max(2 * 2 * Contract.PROBABILITY_ULPS * Math.ulp(larger),
              2 * Contract.SUBNORMAL_MIN_VALUES * Double.MIN_VALUE);
      assertTrue(Math.abs(x - y) <= bound, () -> what + " [" + at + "]: " + x + " vs " + y);
    }
  }
}
