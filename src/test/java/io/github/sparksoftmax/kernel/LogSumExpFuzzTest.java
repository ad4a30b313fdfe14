package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.obermuhlner.math.big.BigDecimalMath;
import io.github.sparksoftmax.fuzz.FuzzRows;
import io.github.sparksoftmax.fuzz.FuzzTries;
import io.github.sparksoftmax.fuzz.GroupOracle;
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
 * |exact|)} of the 40-digit reference ({@link ExactSoftmax}); every group lies between {@code
 * max / t} and {@code max / t + log n}. Each score's probability and log-probability within a
 * valid group meet the row contract on the same groups, its cheap consequences on all, and agree
 * with the vector kernel on the same scores ({@link GroupOracle}).
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
    GroupOracle.assertLogSumExp(scores, temperature, state.value(), reference, group);
    if (status != RowStatus.VALID) {
      return;
    }
    double[][] outputs = new double[2][scores.length];
    for (int i = 0; i < scores.length; i++) {
      for (int space = 0; space < 2; space++) {
        outputs[space][i] = LogSumExp.softmax(scores[i], temperature, space == 1, state.max(),
            state.sum() + state.compensation(), state.logOfSum(), state.positiveInfinities());
      }
    }
    GroupOracle.assertValidGroup(scores, temperature, outputs[0], outputs[1], reference, group);
  }

  /**
   * The scaled gap between two scores of a generated row (each against the row's maximum and the
   * maximum against each, so gaps of either sign): {@code hi + lo} within 2^-100 of the exact
   * {@code (x - r) / t} plus 2^-70, far below an ulp of the exponential or of a log-probability
   * computed from it (the residual of a gap between tiny scores at a tiny temperature underflows:
   * {@code (0 - MIN_NORMAL) / 1e-295} misses by 2^-96), {@code hi} infinite
   * only when the exact quotient rounds to that infinity; the exponential of a gap up to 660
   * within 0.65 ulp (0.75 {@code MIN_VALUE} when subnormal) of the exact one.
   */
  @Property(tries = 200)
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
    BigDecimal bound = exact.abs().multiply(new BigDecimal(0x1p-100)).add(new BigDecimal(0x1p-70));
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
