package io.github.sparksoftmax.kernel;

import ch.obermuhlner.math.big.BigDecimalMath;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The softmax of one row computed in 40-digit decimal arithmetic: the reference that the kernel,
 * and every test of a caller of the kernel, is measured against. It shares no code with the
 * kernel: each {@code d_i = (x_i - max) / t} is formed from the given doubles exactly ({@code new
 * BigDecimal(double)} and the subtraction are exact, the division rounds to 40 digits), and {@code
 * exp} and {@code log} come from big-math.
 *
 * <p>It also gives the row's log-sum-exp, {@code log sum_i exp(x_i / t)}, the normaliser of the
 * long-format numerics, to the same precision as a log-probability.
 *
 * <p>It takes rows of finite and {@code -Infinity} logits with at least one finite entry. NaN and
 * {@code +Infinity} are matters of semantics, not of precision, and are tested case by case.
 *
 * <p>The error measures follow the kernel's accuracy contract. A probability's error is counted in
 * ulps of the exact value rounded to double; for a subnormal value that unit is {@link
 * Double#MIN_VALUE}. A log-probability's error is counted in ulps of {@code max(1, |exact|)}. The
 * float measures do the same in float ulps. An infinite or NaN output is infinitely wrong unless
 * the exact value rounds to that same infinity; an exact value beyond the range is measured in
 * ulps of the largest finite value.
 */
public final class ExactSoftmax {

  /** 40 significant digits: the reference's own error is far below a double's 17. */
  static final MathContext PRECISION = new MathContext(40);

  /**
   * The normaliser is at least 1 (the maximum contributes exp(0)), so a term exp(d) with d below
   * -1000 is under 1e-434 of it: it cannot move a 40-digit sum and its probability rounds to 0 even
   * among subnormal doubles. Such terms are taken as 0 instead of being computed.
   */
  private static final BigDecimal NEGLIGIBLE_EXPONENT = BigDecimal.valueOf(-1000);

  /** Below this, {@link #log1p} sums its series; above it, the log of 1 + x loses few digits. */
  private static final BigDecimal SERIES_LIMIT = new BigDecimal("1e-5");

  private final BigDecimal[] probabilities;

  /**
   * Log-probabilities; null marks a {@code -Infinity} logit, whose log-probability is
   * {@code -Infinity}. They are exact to about 40 digits of {@code max(1, |value|)}, and the top
   * class's to about 40 digits of itself (see {@link #log1p}).
   */
  private final BigDecimal[] logProbabilities;

  /** {@code log sum_i exp(x_i / t)}, as {@code max / t + log(sum_i exp(d_i))}. */
  private final BigDecimal logSumExp;

  private ExactSoftmax(
      BigDecimal[] probabilities, BigDecimal[] logProbabilities, BigDecimal logSumExp) {
    this.probabilities = probabilities;
    this.logProbabilities = logProbabilities;
    this.logSumExp = logSumExp;
  }

  /**
   * Computes the reference for one row.
   *
   * @param logits finite or {@code -Infinity} entries, at least one of them finite
   * @param temperature finite and &gt; 0
   * @throws IllegalArgumentException for any other row or temperature
   */
  public static ExactSoftmax of(double[] logits, double temperature) {
    if (!(temperature > 0.0 && temperature <= Double.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "the reference needs a finite temperature > 0, not " + temperature);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double x : logits) {
      if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "the reference takes finite and -Infinity logits only, not " + x);
      }
      max = Math.max(max, x);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("the reference needs at least one finite logit");
    }
    int n = logits.length;
    BigDecimal exactMax = new BigDecimal(max);
    BigDecimal exactTemperature = new BigDecimal(temperature);
    BigDecimal[] shifted = new BigDecimal[n];
    BigDecimal[] terms = new BigDecimal[n];
    // Equal logits (such as the implicit zeros of a sparse row) share one exponential.
    Map<Double, BigDecimal> termByLogit = new HashMap<>();
    BigDecimal sum = BigDecimal.ZERO;
    // The normaliser is the maximum's term, 1, plus the others' excess, kept to 40 digits of
    // itself: its log is log1p(excess), so that a log-probability near 0 (the top class's, when
    // the others add little) is exact to 40 digits of its own value too.
    BigDecimal excess = BigDecimal.ZERO;
    boolean topSeen = false;
    for (int i = 0; i < n; i++) {
      terms[i] = BigDecimal.ZERO;
      if (logits[i] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      BigDecimal gap = new BigDecimal(logits[i]).subtract(exactMax);
      BigDecimal d = gap.divide(exactTemperature, PRECISION);
      shifted[i] = d;
      if (d.compareTo(NEGLIGIBLE_EXPONENT) >= 0) {
        terms[i] = termByLogit.computeIfAbsent(logits[i], x -> BigDecimalMath.exp(d, PRECISION));
        sum = sum.add(terms[i], PRECISION);
        if (logits[i] == max && !topSeen) {
          topSeen = true;
        } else {
          excess = excess.add(terms[i], PRECISION);
        }
      }
    }
    BigDecimal logSum = log1p(excess);
    BigDecimal[] probabilities = new BigDecimal[n];
    BigDecimal[] logProbabilities = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      probabilities[i] = terms[i].divide(sum, PRECISION);
      logProbabilities[i] = shifted[i] == null ? null : shifted[i].subtract(logSum, PRECISION);
    }
    BigDecimal logSumExp = exactMax.divide(exactTemperature, PRECISION).add(logSum, PRECISION);
    return new ExactSoftmax(probabilities, logProbabilities, logSumExp);
  }

  /** {@code log(1 + x)} to 40 digits of itself, for {@code x >= 0}. */
  private static BigDecimal log1p(BigDecimal x) {
    if (x.compareTo(SERIES_LIMIT) > 0) {
      return BigDecimalMath.log(BigDecimal.ONE.add(x), PRECISION);
    }
    // x - x^2/2 + x^3/3 - ...: below 1e-5, each term is 1e-5 of the one before at most.
    BigDecimal result = BigDecimal.ZERO;
    BigDecimal power = x;
    for (int k = 1; k <= 10; k++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(k), PRECISION);
      result = k % 2 == 1 ? result.add(term, PRECISION) : result.subtract(term, PRECISION);
      power = power.multiply(x, PRECISION);
    }
    return result;
  }

  public int size() {
    return probabilities.length;
  }

  /** The exact probability of entry {@code i} rounded to the nearest double. */
  public double probability(int i) {
    return probabilities[i].doubleValue();
  }

  /** The exact log-probability of entry {@code i} rounded to the nearest double. */
  public double logProbability(int i) {
    return logProbabilities[i] == null
        ? Double.NEGATIVE_INFINITY
        : logProbabilities[i].doubleValue();
  }

  /** The exact {@code log sum_i exp(x_i / t)} of the row rounded to the nearest double. */
  public double logSumExp() {
    return logSumExp.doubleValue();
  }

  /** The error of {@code actual} as the row's log-sum-exp, in ulps of max(1, |exact|). */
  public double logSumExpUlps(double actual) {
    return logUlps(actual, logSumExp);
  }

  /** The error of {@code actual} as probability {@code i}, in ulps of the exact value. */
  public double probabilityUlps(int i, double actual) {
    return ulps(actual, probabilities[i]);
  }

  /** The error of {@code actual} as log-probability {@code i}, in ulps of max(1, |exact|). */
  public double logProbabilityUlps(int i, double actual) {
    return logProbabilities[i] == null
        ? exactlyNegativeInfinity(actual)
        : logUlps(actual, logProbabilities[i]);
  }

  /**
   * The error of {@code actual} as log-probability {@code i}, in ulps of the exact value itself:
   * the measure for the top class, whose log-probability keeps its relative accuracy when the
   * other classes add little to the normaliser.
   */
  public double logProbabilityRelativeUlps(int i, double actual) {
    return logProbabilities[i] == null
        ? exactlyNegativeInfinity(actual)
        : ulps(actual, logProbabilities[i]);
  }

  /**
   * The error of a float {@code actual} as probability {@code i}, in float ulps of the exact
   * value.
   */
  public double floatProbabilityUlps(int i, float actual) {
    return floatUlps(actual, probabilities[i]);
  }

  /**
   * The error of a float {@code actual} as log-probability {@code i}, in float ulps of
   * max(1, |exact|).
   */
  public double floatLogProbabilityUlps(int i, float actual) {
    return logProbabilities[i] == null
        ? exactlyNegativeInfinity(actual)
        : floatLogUlps(actual, logProbabilities[i]);
  }

  /** {@code |actual - exact|} in ulps of {@code exact} rounded to double. */
  static double ulps(double actual, BigDecimal exact) {
    double rounded = exact.doubleValue();
    return distance(actual, exact, rounded, Math.ulp(finite(rounded)));
  }

  /** {@code |actual - exact|} in ulps of {@code max(1, |exact|)}, exact rounded to double. */
  static double logUlps(double actual, BigDecimal exact) {
    double rounded = exact.doubleValue();
    return distance(actual, exact, rounded,
        Math.ulp(Math.max(1.0, Math.abs(finite(rounded)))));
  }

  /** {@code |actual - exact|} in float ulps of {@code exact} rounded to float. */
  static double floatUlps(float actual, BigDecimal exact) {
    float rounded = exact.floatValue();
    return distance(actual, exact, rounded, Math.ulp(finite(rounded)));
  }

  /** {@code |actual - exact|} in float ulps of {@code max(1, |exact|)}, exact rounded to float. */
  static double floatLogUlps(float actual, BigDecimal exact) {
    float rounded = exact.floatValue();
    return distance(actual, exact, rounded, Math.ulp(Math.max(1f, Math.abs(finite(rounded)))));
  }

  /**
   * The largest finite double of the sign of an infinite {@code rounded}, else {@code rounded}:
   * an exact value beyond the range is measured in ulps of the range's end, so that the largest
   * finite value, within the contract's ulps of it, passes as well as the infinity it rounds to.
   */
  private static double finite(double rounded) {
    return Double.isInfinite(rounded) ? Math.copySign(Double.MAX_VALUE, rounded) : rounded;
  }

  /** {@link #finite(double)} for floats. */
  private static float finite(float rounded) {
    return Float.isInfinite(rounded) ? Math.copySign(Float.MAX_VALUE, rounded) : rounded;
  }

  private static double distance(double actual, BigDecimal exact, double rounded, double unit) {
    if (Double.isNaN(actual) || Double.isInfinite(actual)) {
      return actual == rounded ? 0.0 : Double.POSITIVE_INFINITY;
    }
    return new BigDecimal(actual)
        .subtract(exact)
        .abs()
        .divide(new BigDecimal(unit), MathContext.DECIMAL64)
        .doubleValue();
  }

  private static double exactlyNegativeInfinity(double actual) {
    return actual == Double.NEGATIVE_INFINITY ? 0.0 : Double.POSITIVE_INFINITY;
  }
}
