package io.github.sparksoftmax.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import io.github.sparksoftmax.kernel.LogSumExp;
import io.github.sparksoftmax.kernel.Softmax;
import java.util.Arrays;

/**
 * What the long-format numerics must give for a group of scores, wherever they are reached (the
 * kernel's {@link LogSumExp}, the transformer's group mode, SQL's {@code softmax(score) OVER w}
 * and {@code logsumexp}):
 *
 * <ul>
 *   <li>the probabilities and log-probabilities of a valid group agree with the vector kernel on
 *       the same scores within twice the contract, meet its cheap consequences ({@link
 *       Invariants}: in [0, 1], summing to 1, logs at most 0 and consistent) and, when {@code
 *       reference}, the row contract against the 40-digit reference ({@link Contract});
 *   <li>the log-sum-exp is NaN with a NaN, {@code +Infinity} with a {@code +Infinity}, {@code
 *       -Infinity} without a finite score; otherwise within 4 ulps of {@code max(1, |exact|)}
 *       when {@code reference}, and on every group between {@code max / t} and {@code max / t +
 *       log n} (an infinite value taken as the largest finite one, as an exact value beyond the
 *       range may be).
 * </ul>
 */
public final class GroupOracle {

  private GroupOracle() {}

  /** The outputs {@code p} and {@code logP} of a valid group of {@code scores}. */
  public static void assertValidGroup(double[] scores, double temperature, double[] p,
      double[] logP, boolean reference, String what) {
    double[][] outputs = {p, logP};
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] out = outputs[logSpace ? 1 : 0];
      double[] kernel = new double[scores.length];
      Softmax.softmax(scores, temperature, logSpace, kernel);
      Invariants.assertAgree(kernel, out, logSpace, what + ": against the vector kernel");
      if (reference) {
        Contract.assertSoftmax(scores, temperature, logSpace, out, what);
      }
    }
    Invariants.assertDistribution(p, what);
    Invariants.assertLogDistribution(logP, p, what);
  }

  /** The log-sum-exp {@code value} of the non-null {@code scores}. */
  public static void assertLogSumExp(double[] scores, double temperature, double value,
      boolean reference, String what) {
    String where = what + ": logsumexp " + value;
    if (Arrays.stream(scores).anyMatch(Double::isNaN)) {
      assertTrue(Double.isNaN(value), where);
      return;
    }
    if (Arrays.stream(scores).anyMatch(x -> x == Double.POSITIVE_INFINITY)) {
      assertEquals(Double.POSITIVE_INFINITY, value, where);
      return;
    }
    double max = Arrays.stream(scores).max().orElse(Double.NEGATIVE_INFINITY);
    if (max == Double.NEGATIVE_INFINITY) {
      assertEquals(Double.NEGATIVE_INFINITY, value, where);
      return;
    }
    if (reference) {
      ExactSoftmax exact = ExactSoftmax.of(scores, temperature);
      double error = exact.logSumExpUlps(value);
      assertTrue(error <= Contract.LOG_PROBABILITY_ULPS,
          () -> where + ", exact " + exact.logSumExp() + ": " + error + " ulps");
    }
    double low = max / temperature;
    if (Double.isInfinite(low)) {
      assertEquals(low, value, where);
      return;
    }
    double high = low + Math.log(scores.length);
    double slack = 2 * Contract.LOG_PROBABILITY_ULPS
        * Math.ulp(Math.max(1, Math.max(Math.abs(low), Math.abs(high))));
    double finite = Math.min(value, Double.MAX_VALUE);
    assertTrue(finite >= low - slack && finite <= high + slack,
        () -> where + " outside [" + low + ", " + high + "]");
  }
}
