package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.obermuhlner.math.big.BigDecimalMath;
import io.github.sparksoftmax.fuzz.FuzzRows;
import io.github.sparksoftmax.fuzz.FuzzTries;
import io.github.sparksoftmax.fuzz.Invariants;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The long-format numerics on generated groups of scores ({@link FuzzRows}, 0 to 5,000 of them,
 * some null): {@link LogSumExp} built from the scores in a generated order and split into up to
 * 64 partial states merged at random, as Spark's aggregation builds it. Its value keeps the
 * semantics of NaN, infinities, nulls and empty groups and, on groups up to {@value
 * #REFERENCE_WIDTH} scores and one wider group in ten, is within 4 ulps of {@code max(1,
 * |exact|)} of the 40-digit reference ({@link ExactSoftmax}); every wider group lies between
 * {@code max / t} and {@code max / t + log n}. Each score's probability and log-probability
 * within a valid group meet the row contract on the same groups ({@link Contract}), its cheap
 * consequences on all ({@link Invariants}), and agree with the vector kernel on the same scores.
 * Beneath them, {@link Gap}: the scaled gap and its rounding error against the exact quotient,
 * and its exponential against the exact one.
 */
@AddLifecycleHook(FuzzTries.class)
class LogSumExpFuzzTest {
  /** Groups up to this size are always checked against the reference. */
  private static final int REFERENCE_WIDTH = 64;

  /** How the scores reach the states. */
  enum Arrangement { GIVEN, ASCENDING, DESCENDING }

  @Provide
  Arbitrary<double[]> scores() {
    return FuzzRows.logits();
  }

  @Provide
  Arbitrary<Double> temperatures() {
    return FuzzRows.temperatures();
  }

  @Property(tries = 600)
  void groupsKeepTheContract(@ForAll("scores") double[] scores,
      @ForAll("temperatures") double temperature, @ForAll Arrangement arrangement,
      @ForAll @IntRange(min = 1, max = 64) int parts, @ForAll @IntRange(max = 2) int nulls,
      @ForAll long seed, @ForAll @IntRange(max = 9) int sample) {
    String group = KernelFuzzTest.describe(scores, temperature) + ", " + arrangement + " in "
        + parts + " parts, " + nulls + " nulls";
    LogSumExp state = split(arranged(scores, arrangement), nulls, temperature, parts,
        new Random(seed));
    assertEquals(scores.length, state.values(), group);
    assertEquals(nulls, state.nulls(), group);
    RowStatus status = status(scores);
    assertEquals(status, state.status(false), group);
    assertEquals(nulls > 0 && status != RowStatus.NAN_ENTRY ? RowStatus.NULL_ENTRY : status,
        state.status(true), group);
    boolean reference = scores.length <= REFERENCE_WIDTH || sample == 0;
    assertLogSumExp(scores, temperature, state.value(), reference, group);
    if (status != RowStatus.VALID) {
      return;
    }
    double[][] outputs = new double[2][];
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] out = new double[scores.length];
      for (int i = 0; i < scores.length; i++) {
        out[i] = LogSumExp.softmax(scores[i], temperature, logSpace, state.max(),
            state.sum() + state.compensation(), state.logOfSum(), state.positiveInfinities());
      }
      double[] kernel = new double[scores.length];
      Softmax.softmax(scores, temperature, logSpace, kernel);
      Invariants.assertAgree(kernel, out, logSpace, group + ": against the vector kernel");
      if (reference) {
        Contract.assertSoftmax(scores, temperature, logSpace, out, group);
      }
      outputs[logSpace ? 1 : 0] = out;
    }
    Invariants.assertDistribution(outputs[0], group);
    Invariants.assertLogDistribution(outputs[1], outputs[0], group);
  }

  /**
   * The scaled gap between two scores of a generated row (each against the row's maximum and the
   * maximum against each, so gaps of either sign): {@code hi + lo} within 2^-100 of {@code max(1,
   * |exact|)} of the exact {@code (x - r) / t}, which is what an exponential or a log-probability
   * computed from it needs (the residual of a tiny gap may underflow), {@code hi} infinite
   * only when the exact quotient rounds to that infinity; the exponential of a gap up to 660
   * within 0.65 ulp (0.75 {@code MIN_VALUE} when subnormal) of the exact one.
   */
  @Property(tries = 300)
  void gapsCarryTheirRounding(@ForAll("scores") double[] scores,
      @ForAll("temperatures") double temperature) {
    double[] finite = Arrays.stream(scores).filter(Double::isFinite).limit(8).toArray();
    double max = Arrays.stream(finite).max().orElse(0.0);
    for (double x : finite) {
      assertGap(x, max, temperature);
      assertGap(max, x, temperature);
    }
  }

  private static void assertGap(double x, double r, double t) {
    String gap = "(" + x + " - " + r + ") / " + t;
    BigDecimal exact = new BigDecimal(x).subtract(new BigDecimal(r))
        .divide(new BigDecimal(t), ExactSoftmax.PRECISION);
    double hi = Gap.quotient(x, r, t);
    if (Double.isInfinite(hi)) {
      assertEquals(exact.doubleValue(), hi, gap);
      return;
    }
    double lo = Gap.error(x, r, t, hi);
    BigDecimal miss = new BigDecimal(hi).add(new BigDecimal(lo)).subtract(exact).abs();
    BigDecimal bound = exact.abs().max(BigDecimal.ONE).multiply(new BigDecimal(0x1p-100));
    assertTrue(miss.compareTo(bound) <= 0, () -> gap + ": " + hi + " + " + lo + " misses by "
        + miss.round(MathContext.DECIMAL64));
    if (hi > 660 || hi < -800) {
      return;
    }
    double exp = Gap.exp(x, r, t);
    BigDecimal exactExp = BigDecimalMath.exp(exact, ExactSoftmax.PRECISION);
    double expBound = Contract.isSubnormal(exactExp.doubleValue()) ? 0.75 : 0.65;
    double error = ExactSoftmax.ulps(exp, exactExp);
    assertTrue(error <= expBound, () -> "exp " + gap + ": " + exp + ", exact " + exactExp
        + ", " + error + " ulps");
  }

  /**
   * The value of a group: NaN with a NaN; {@code +Infinity} with a {@code +Infinity};
   * {@code -Infinity} without a finite score; else the exact value within 4 ulps of {@code max(1,
   * |exact|)} when {@code reference}, and between {@code max / t} and {@code max / t + log n}
   * (an infinite value taken as the largest finite one, as the exact value beyond the range may be).
   */
  private static void assertLogSumExp(double[] scores, double temperature, double value,
      boolean reference, String group) {
    String what = group + ": logsumexp " + value;
    if (Arrays.stream(scores).anyMatch(Double::isNaN)) {
      assertTrue(Double.isNaN(value), what);
      return;
    }
    if (Arrays.stream(scores).anyMatch(x -> x == Double.POSITIVE_INFINITY)) {
      assertEquals(Double.POSITIVE_INFINITY, value, what);
      return;
    }
    double max = Arrays.stream(scores).max().orElse(Double.NEGATIVE_INFINITY);
    if (max == Double.NEGATIVE_INFINITY) {
      assertEquals(Double.NEGATIVE_INFINITY, value, what);
      return;
    }
    if (reference) {
      ExactSoftmax exact = ExactSoftmax.of(scores, temperature);
      double error = exact.logSumExpUlps(value);
      assertTrue(error <= Contract.LOG_PROBABILITY_ULPS,
          () -> what + ", exact " + exact.logSumExp() + ": " + error + " ulps");
    }
    double low = max / temperature;
    if (Double.isInfinite(low)) {
      assertEquals(low, value, what);
      return;
    }
    double high = low + Math.log(scores.length);
    double slack = 2 * Contract.LOG_PROBABILITY_ULPS
        * Math.ulp(Math.max(1, Math.max(Math.abs(low), Math.abs(high))));
    double finite = Math.min(value, Double.MAX_VALUE);
    assertTrue(finite >= low - slack && finite <= high + slack,
        () -> what + " outside [" + low + ", " + high + "]");
  }

  /** The status of a group of these (non-null) scores, as the vector kernel rules a row. */
  private static RowStatus status(double[] scores) {
    if (Arrays.stream(scores).anyMatch(Double::isNaN)) {
      return RowStatus.NAN_ENTRY;
    }
    return Arrays.stream(scores).allMatch(x -> x == Double.NEGATIVE_INFINITY)
        ? RowStatus.ALL_NEGATIVE_INFINITY : RowStatus.VALID;
  }

  private static double[] arranged(double[] scores, Arrangement arrangement) {
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    switch (arrangement) {
      case ASCENDING:
        return sorted;
      case DESCENDING:
        for (int i = 0; i < sorted.length / 2; i++) {
          double swap = sorted[i];
          sorted[i] = sorted[sorted.length - 1 - i];
          sorted[sorted.length - 1 - i] = swap;
        }
        return sorted;
      default:
        return scores;
    }
  }

  /** The scores and nulls dealt at random to {@code parts} states, merged in random order. */
  private static LogSumExp split(double[] scores, int nulls, double temperature, int parts,
      Random random) {
    List<LogSumExp> partial = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      partial.add(new LogSumExp(temperature));
    }
    for (double x : scores) {
      partial.get(random.nextInt(parts)).add(x);
    }
    for (int n = 0; n < nulls; n++) {
      partial.get(random.nextInt(parts)).addNull();
    }
    Collections.shuffle(partial, random);
    LogSumExp total = new LogSumExp(temperature);
    for (LogSumExp state : partial) {
      total.merge(state);
    }
    return total;
  }
}
