package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mergeable log-sum-exp against {@link ExactSoftmax}: the value within 4 ulps of {@code max(1,
 * |exact|)} whatever the order of the values and however they are split into partial states and
 * merged; the softmax of each value within its group to the vector kernel's contract (4 ulps, 2
 * {@code MIN_VALUE} for a subnormal probability, 4 ulps of {@code max(1, |exact|)} for a
 * log-probability); then the semantics of NaN, infinities, nulls and empty states.
 */
class LogSumExpTest {

  private static final double ULPS = 4;
  private static final double SUBNORMAL_MIN_VALUES = 2;
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final long SEED = 20_250_707L;
  private static final int RANDOM_GROUPS = 90;
  private static final int MAX_GROUP_SIZE = 3_000;

  @Test
  void randomGroupsInEveryOrderAndSplitMeetTheContract() {
    Random random = new Random(SEED);
    double worstValue = 0;
    double worstProbability = 0;
    double worstLogProbability = 0;
    for (int group = 0; group < RANDOM_GROUPS; group++) {
      double temperature = randomTemperature(random);
      double[] values = randomGroup(random, temperature, group % 4);
      ExactSoftmax exact = ExactSoftmax.of(values, temperature);
      String where = "group " + group + " (" + values.length + " values, t = " + temperature + ")";
      for (LogSumExp state : arrangements(values, temperature, random)) {
        double error = exact.logSumExpUlps(state.value());
        assertTrue(error <= ULPS, where + ": " + state.value() + " vs exact "
            + exact.logSumExp() + ", " + error + " ulps");
        worstValue = Math.max(worstValue, error);
      }
      LogSumExp merged = split(values, temperature, 1 + random.nextInt(64), random);
      merged.normalise();
      for (int i = 0; i < values.length; i++) {
        double p = softmax(merged, values[i], false);
        double logP = softmax(merged, values[i], true);
        double pError = exact.probabilityUlps(i, p);
        boolean subnormal = Math.abs(exact.probability(i)) < Double.MIN_NORMAL;
        double pBound = subnormal ? SUBNORMAL_MIN_VALUES : ULPS;
        assertTrue(pError <= pBound, where + " value " + i + ": p = " + p + " vs exact "
            + exact.probability(i));
        double logError = exact.logProbabilityUlps(i, logP);
        assertTrue(logError <= ULPS, where + " value " + i + ": log p = " + logP + " vs exact "
            + exact.logProbability(i));
        if (!subnormal) {
          worstProbability = Math.max(worstProbability, pError);
        }
        worstLogProbability = Math.max(worstLogProbability, logError);
      }
    }
    System.out.printf(Locale.ROOT, "LogSumExp worst errors: value %.2f ulps of max(1, |exact|),"
        + " probability %.2f ulps, log-probability %.2f ulps of max(1, |exact|)%n",
        worstValue, worstProbability, worstLogProbability);
  }

  @Test
  void aLongAscendingGroupIsNotRescaledAtEveryNewMaximum() {
    // Each value a hair above the last: a state re-centred on every new maximum would multiply
    // the sum by one rounded exponential per value, and lose an ulp of the result per few values.
    double[] values = new double[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 3.0 + i * 1e-9;
    }
    for (double temperature : new double[] {1.0, 1e-7, 0.37}) {
      ExactSoftmax exact = ExactSoftmax.of(values, temperature);
      LogSumExp state = new LogSumExp(temperature);
      for (double x : values) {
        state.add(x);
      }
      assertTrue(exact.logSumExpUlps(state.value()) <= ULPS, "t = " + temperature + ": "
          + state.value() + " vs " + exact.logSumExp());
    }
  }

  @Test
  void aResultThatNearlyCancelsKeepsItsAbsoluteAccuracy() {
    // max / t close to -log(n): the result is near 0 while log S is near log(n), 8 to 11, where
    // one rounding of the logarithm alone can cost 4 ulps of 1. Three distinct values repeated
    // keep the reference cheap.
    Random random = new Random(3);
    for (int trial = 0; trial < 60; trial++) {
      int n = 3_000 + random.nextInt(60_000);
      double t = random.nextBoolean() ? 1.0 : 0.01 + random.nextDouble();
      double base = t * (-Math.log(n) + 1e-3 * random.nextGaussian());
      double[] distinct = {base, base - 1e-3 * t, base - 0.7 * t};
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = distinct[i % 3];
      }
      ExactSoftmax exact = ExactSoftmax.of(values, t);
      LogSumExp state = split(values, t, 1 + random.nextInt(8), random);
      assertTrue(Math.abs(exact.logSumExp()) < 1.0);
      assertTrue(exact.logSumExpUlps(state.value()) <= ULPS, "trial " + trial + ": "
          + state.value() + " vs exact " + exact.logSumExp());
    }
  }

  @Test
  void hugeMagnitudesNeitherOverflowNorLoseTheErrorTerm() {
    double max = Double.MAX_VALUE;
    double[][] groups = {
        {5.751019143863584E307, max},
        {-max, max},
        {-max, -max, -1.5e308},
        {max, max, max},
        {1e308, -1e308, 0.0},
    };
    for (double[] values : groups) {
      for (double temperature : new double[] {1.0, 0.75, 3.0, 1e300, max}) {
        ExactSoftmax exact = ExactSoftmax.of(values, temperature);
        LogSumExp state = split(values, temperature, values.length, new Random(1));
        String where = Arrays.toString(values) + " at t = " + temperature;
        assertTrue(exact.logSumExpUlps(state.value()) <= ULPS,
            where + ": " + state.value() + " vs " + exact.logSumExp());
        state.normalise();
        for (int i = 0; i < values.length; i++) {
          assertTrue(exact.probabilityUlps(i, softmax(state, values[i], false)) <= ULPS,
              where + " p" + i);
          assertTrue(exact.logProbabilityUlps(i, softmax(state, values[i], true)) <= ULPS,
              where + " log p" + i + " = " + softmax(state, values[i], true) + " vs "
                  + exact.logProbability(i));
        }
      }
    }
  }

  /**
   * Found by {@code LogSumExpFuzzTest}: the maximum arrives within 512 temperatures above the
   * reference, so the sum is rescaled to it only at the end, and the rescaling's rounding left the
   * sum an ulp below 1: the maximum's probability came out as 1.0000000000000002.
   */
  @Test
  void theMaximumsProbabilityIsAtMostOneAfterARescaledSum() {
    double[] values = new double[22];
    Arrays.fill(values, -513.0);
    values[1] = -1.0;
    LogSumExp state = of(1.0, values);
    state.normalise();
    assertTrue(state.sum() + state.compensation() >= 1.0, "sum " + state.sum());
    double p = softmax(state, -1.0, false);
    double log = softmax(state, -1.0, true);
    assertTrue(p <= 1.0, "p " + p);
    assertTrue(log <= 0.0, "log " + log);
    ExactSoftmax exact = ExactSoftmax.of(values, 1.0);
    assertTrue(exact.probabilityUlps(1, p) <= ULPS, "p " + p);
    assertTrue(exact.logProbabilityUlps(1, log) <= ULPS, "log " + log);
  }

  @Test
  void negativeInfinitiesAddNothingAndAllOfThemGiveNegativeInfinity() {
    double[] values = {NEG_INF, 2.5, NEG_INF, -1.0};
    ExactSoftmax exact = ExactSoftmax.of(values, 0.5);
    LogSumExp state = split(values, 0.5, 3, new Random(2));
    assertTrue(exact.logSumExpUlps(state.value()) <= ULPS);
    state.normalise();
    assertEquals(0.0, softmax(state, NEG_INF, false));
    assertEquals(NEG_INF, softmax(state, NEG_INF, true));

    LogSumExp none = of(1.0, NEG_INF, NEG_INF);
    assertEquals(NEG_INF, none.value());
    assertEquals(RowStatus.ALL_NEGATIVE_INFINITY, none.status(true));
    assertEquals(2, none.values());
  }

  @Test
  void nanWinsOverInfinityAndPositiveInfinitiesShareTheMass() {
    assertTrue(Double.isNaN(of(1.0, 1.0, Double.NaN, INF).value()));
    assertEquals(RowStatus.NAN_ENTRY, of(1.0, 1.0, Double.NaN).status(false));
    LogSumExp infinite = of(2.0, INF, 3.0, INF, NEG_INF);
    assertEquals(INF, infinite.value());
    assertEquals(RowStatus.VALID, infinite.status(true));
    infinite.normalise();
    assertEquals(0.5, softmax(infinite, INF, false));
    assertEquals(0.0, softmax(infinite, 3.0, false));
    assertEquals(-Math.log(2), softmax(infinite, INF, true));
    assertEquals(NEG_INF, softmax(infinite, 3.0, true));
  }

  @Test
  void nullsAreCountedApartAndInvalidateTheGroupOnlyWhenAskedTo() {
    LogSumExp state = of(1.0, 0.0, 0.0);
    state.addNull();
    assertEquals(Math.log(2), state.value(), 0.0);
    assertEquals(1, state.nulls());
    assertEquals(2, state.values());
    assertEquals(RowStatus.VALID, state.status(false));
    assertEquals(RowStatus.NULL_ENTRY, state.status(true));

    LogSumExp empty = new LogSumExp(1.0);
    assertEquals(0, empty.values());
    assertEquals(RowStatus.ALL_NEGATIVE_INFINITY, empty.status(false));
    LogSumExp merged = of(1.0, 4.0);
    merged.merge(empty);
    assertEquals(4.0 + 0.0, merged.value());
  }

  @Test
  void restoreGivesBackAStateFromItsGetters() {
    LogSumExp state = of(0.3, 1.0, 400.0, -2.0, INF);
    state.addNull();
    LogSumExp copy = new LogSumExp(0.3);
    copy.restore(state.values(), state.nulls(), state.positiveInfinities(), state.hasNaN(),
        state.reference(), state.max(), state.sum(), state.compensation());
    copy.add(7.0);
    state.add(7.0);
    assertEquals(state.value(), copy.value());
    assertEquals(state.nulls(), copy.nulls());
    assertEquals(state.values(), copy.values());
  }

  @Test
  void temperatureMustBeFiniteAndPositive() {
    for (double bad : new double[] {0.0, -1.0, Double.NaN, INF}) {
      assertThrows(IllegalArgumentException.class, () -> new LogSumExp(bad));
    }
  }

  private static double softmax(LogSumExp normalised, double x, boolean logSpace) {
    return LogSumExp.softmax(x, normalised.temperature(), logSpace, normalised.max(),
        normalised.sum() + normalised.compensation(), normalised.logOfSum(),
        normalised.positiveInfinities());
  }

  private static LogSumExp of(double temperature, double... values) {
    LogSumExp state = new LogSumExp(temperature);
    for (double x : values) {
      state.add(x);
    }
    return state;
  }

  /**
   * The same values as states built in several ways: in the given order, ascending, descending,
   * split into 2 and into many partial states merged in random order, and merged as a tree.
   */
  private static List<LogSumExp> arrangements(double[] values, double t, Random random) {
    double[] ascending = values.clone();
    Arrays.sort(ascending);
    double[] descending = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      descending[i] = ascending[values.length - 1 - i];
    }
    List<LogSumExp> states = new ArrayList<>();
    states.add(of(t, values));
    states.add(of(t, ascending));
    states.add(of(t, descending));
    states.add(split(values, t, 2, random));
    states.add(split(ascending, t, 1 + random.nextInt(200), random));
    states.add(tree(ascending, t, random));
    return states;
  }

  /** The values dealt at random to {@code parts} partial states, merged in a random order. */
  private static LogSumExp split(double[] values, double t, int parts, Random random) {
    List<LogSumExp> partial = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      partial.add(new LogSumExp(t));
    }
    for (double x : values) {
      partial.get(random.nextInt(parts)).add(x);
    }
    Collections.shuffle(partial, random);
    LogSumExp total = new LogSumExp(t);
    for (LogSumExp state : partial) {
      total.merge(state);
    }
    return total;
  }

  /** Runs of consecutive values merged pairwise, as a tree aggregation does. */
  private static LogSumExp tree(double[] values, double t, Random random) {
    List<LogSumExp> level = new ArrayList<>();
    for (int start = 0; start < values.length; ) {
      int end = Math.min(values.length, start + 1 + random.nextInt(50));
      level.add(of(t, Arrays.copyOfRange(values, start, end)));
      start = end;
    }
    while (level.size() > 1) {
      List<LogSumExp> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        LogSumExp state = level.get(i);
        if (i + 1 < level.size()) {
          state.merge(level.get(i + 1));
        }
        next.add(state);
      }
      level = next;
    }
    return level.get(0);
  }

  /**
   * Four kinds in turn: spread at random (as the vector kernel's tests), clustered so that the
   * result nearly cancels, spread over thousands of temperatures (so that states re-centre), and
   * huge magnitudes.
   */
  private static double[] randomGroup(Random random, double t, int kind) {
    int n = (int) Math.round(Math.exp(random.nextDouble() * Math.log(MAX_GROUP_SIZE)));
    double[] values = new double[n];
    double offset = (2 * random.nextDouble() - 1) * 1e4;
    double spread = Math.exp(random.nextDouble() * Math.log(1000));
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      switch (kind) {
        case 0:
          values[i] = offset - spread * u;
          break;
        case 1:
          values[i] = t * (-Math.log(n) + 1e-3 * u);
          break;
        case 2:
          values[i] = t * (offset / 10 - 5_000 * u);
          break;
        default:
          values[i] = (random.nextBoolean() ? 1.7e308 : -1.7e308) * (1 - 1e-3 * u);
          break;
      }
    }
    if (random.nextInt(4) == 0) {
      values[random.nextInt(n)] = NEG_INF;
      values[random.nextInt(n)] = offset;
    }
    return values;
  }

  /** 1 a third of the time, else log-uniform in [0.01, 10^6]. */
  private static double randomTemperature(Random random) {
    if (random.nextInt(3) == 0) {
      return 1;
    }
    return 0.01 * Math.exp(random.nextDouble() * Math.log(1e8));
  }
}
