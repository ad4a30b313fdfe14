package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.obermuhlner.math.big.BigDecimalMath;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The documented row contract (docs/accuracy.md, "The contract" and "Semantics of special rows")
 * as assertions, so that every entry point is held to the same statement of it, against {@link
 * ExactSoftmax}:
 *
 * <ul>
 *   <li>a probability in the normal range within 4 ulps of the exact softmax of the given doubles,
 *       a subnormal one within 2 {@link Double#MIN_VALUE}, a log-probability within 4 ulps of
 *       {@code max(1, |exact|)}, and the float path within 1 float ulp (of {@code max(1,
 *       |exact|)} for log-probabilities); an infinite output must be the infinity the exact value
 *       rounds to, and an exact value beyond the range is met by that infinity or by the largest
 *       finite value within the same ulps;
 *   <li>a {@code -Infinity} entry gets exactly 0 (log: {@code -Infinity});
 *   <li>{@code +Infinity} entries share the mass: {@code 1/count} each within the contract (log:
 *       {@code -log(count)}), every other entry exactly 0 (log: {@code -Infinity});
 *   <li>an invalid row (a NaN entry, or every entry {@code -Infinity}) is NaN in every entry;
 *       an empty row is empty.
 * </ul>
 *
 * A null entry of an array row is given as NaN: it makes the row invalid in the same way.
 */
public final class Contract {
  public static final double PROBABILITY_ULPS = 4;
  public static final double SUBNORMAL_MIN_VALUES = 2;
  public static final double LOG_PROBABILITY_ULPS = 4;
  public static final double FLOAT_ULPS = 1;

  private Contract() {}

  /** Whether softmax is undefined on the row: a NaN entry, or every entry -Infinity. */
  public static boolean invalid(double[] logits) {
    return Arrays.stream(logits).anyMatch(Double::isNaN)
        || (logits.length > 0
            && Arrays.stream(logits).allMatch(v -> v == Double.NEGATIVE_INFINITY));
  }

  /** {@code actual} is the softmax of {@code logits} at {@code temperature}, within the contract. */
  public static void assertProbabilities(
      double[] logits, double temperature, double[] actual, String what) {
    assertSoftmax(logits, temperature, false, actual, what);
  }

  /**
   * {@code actual} is the softmax (or, with {@code logSpace}, the log-softmax) of {@code logits}
   * at {@code temperature}, within the contract, for any row: valid, with infinities, invalid, or
   * empty.
   */
  public static void assertSoftmax(
      double[] logits, double temperature, boolean logSpace, double[] actual, String what) {
    assertEquals(logits.length, actual.length, () -> what + ": length");
    if (invalid(logits)) {
      assertAllNaN(actual, what);
      return;
    }
    long infinities = Arrays.stream(logits).filter(v -> v == Double.POSITIVE_INFINITY).count();
    if (infinities == 0) {
      if (logits.length > 0) {
        assertWithinContract(ExactSoftmax.of(logits, temperature), logSpace, actual, what);
      }
      return;
    }
    BigDecimal share = shareOf(infinities, logSpace);
    for (int i = 0; i < logits.length; i++) {
      int at = i;
      double error = logits[i] != Double.POSITIVE_INFINITY ? exactlyNothing(actual[i], logSpace)
          : logSpace ? ExactSoftmax.logUlps(actual[i], share) : ExactSoftmax.ulps(actual[i], share);
      assertWithin(logSpace ? LOG_PROBABILITY_ULPS : PROBABILITY_ULPS, error,
          () -> what + " [" + at + "]: " + actual[at] + " with " + infinities + " infinities");
    }
  }

  /**
   * The float path: {@code actual} is the softmax (or log-softmax) of the float row {@code logits}
   * at {@code temperature}, computed in double and rounded once, within 1 float ulp, for any row.
   */
  public static void assertFloatSoftmax(
      float[] logits, double temperature, boolean logSpace, float[] actual, String what) {
    double[] wide = widen(logits);
    assertEquals(logits.length, actual.length, () -> what + ": length");
    if (invalid(wide)) {
      assertAllNaN(widen(actual), what);
      return;
    }
    long infinities = Arrays.stream(wide).filter(v -> v == Double.POSITIVE_INFINITY).count();
    ExactSoftmax exact =
        infinities == 0 && wide.length > 0 ? ExactSoftmax.of(wide, temperature) : null;
    BigDecimal share = infinities > 0 ? shareOf(infinities, logSpace) : null;
    for (int i = 0; i < wide.length; i++) {
      int at = i;
      double error;
      if (exact != null) {
        error = logSpace ? exact.floatLogProbabilityUlps(i, actual[i])
            : exact.floatProbabilityUlps(i, actual[i]);
      } else if (wide[i] == Double.POSITIVE_INFINITY) {
        error = logSpace ? ExactSoftmax.floatLogUlps(actual[i], share)
            : ExactSoftmax.floatUlps(actual[i], share);
      } else {
        error = exactlyNothing(actual[i], logSpace);
      }
      assertWithin(FLOAT_ULPS, error, () -> what + " [" + at + "]: " + (logSpace ? "log p " : "p ")
          + actual[at] + (exact == null ? "" : ", exact " + (logSpace
              ? exact.logProbability(at) : exact.probability(at))));
    }
  }

  /** Both spaces of one row against its reference. */
  public static void assertWithinContract(ExactSoftmax exact, double[] p, double[] logP,
      String what) {
    assertWithinContract(exact, false, p, what);
    assertWithinContract(exact, true, logP, what);
  }

  /** One space of one row against its reference. */
  public static void assertWithinContract(
      ExactSoftmax exact, boolean logSpace, double[] actual, String what) {
    assertEquals(exact.size(), actual.length, () -> what + ": length");
    for (int i = 0; i < exact.size(); i++) {
      assertEntryWithinContract(exact, logSpace, i, actual[i], what);
    }
  }

  /** Entry {@code i} of one space of a row, {@code actual}, against its reference. */
  public static void assertEntryWithinContract(
      ExactSoftmax exact, boolean logSpace, int i, double actual, String what) {
    double bound;
    double error;
    if (logSpace) {
      bound = LOG_PROBABILITY_ULPS;
      error = exact.logProbabilityUlps(i, actual);
    } else {
      bound = isSubnormal(exact.probability(i)) ? SUBNORMAL_MIN_VALUES : PROBABILITY_ULPS;
      error = exact.probabilityUlps(i, actual);
    }
    assertWithin(bound, error, () -> what + " [" + i + "]: " + (logSpace ? "log p " : "p ")
        + actual + ", exact " + (logSpace ? exact.logProbability(i) : exact.probability(i)));
  }

  /** A log-probability against an exact value, within the contract. */
  public static void assertLogWithinContract(BigDecimal exact, double actual, String what) {
    assertWithin(LOG_PROBABILITY_ULPS, ExactSoftmax.logUlps(actual, exact),
        () -> what + ": log p " + actual + ", exact " + exact);
  }

  /** Every entry is NaN: an invalid row under {@code keep}, or a SQL function's invalid row. */
  public static void assertAllNaN(double[] actual, String what) {
    assertTrue(Arrays.stream(actual).allMatch(Double::isNaN),
        () -> what + ": " + Arrays.toString(actual) + " should be all NaN");
  }

  /** {@code -log(count)}, or {@code 1/count}, to 40 digits: the share of each +Infinity entry. */
  public static BigDecimal shareOf(long count, boolean logSpace) {
    BigDecimal n = BigDecimal.valueOf(count);
    return logSpace ? BigDecimalMath.log(n, ExactSoftmax.PRECISION).negate()
        : BigDecimal.ONE.divide(n, ExactSoftmax.PRECISION);
  }

  /** Whether an exact probability, rounded to double, is below the normal range. */
  public static boolean isSubnormal(double exactProbability) {
    return exactProbability < Double.MIN_NORMAL;
  }

  /** 0 when {@code actual} is exactly no mass (0, or -Infinity in log space), else infinite. */
  private static double exactlyNothing(double actual, boolean logSpace) {
    return actual == (logSpace ? Double.NEGATIVE_INFINITY : 0.0) ? 0.0 : Double.POSITIVE_INFINITY;
  }

  private static double[] widen(float[] values) {
    double[] wide = new double[values.length];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }

  private static void assertWithin(double bound, double error, Supplier<String> what) {
    assertTrue(error <= bound, () -> what.get() + ": off by " + error + " (bound " + bound + ")");
  }
}
