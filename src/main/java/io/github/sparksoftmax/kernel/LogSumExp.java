package io.github.sparksoftmax.kernel;

/**
 * A mergeable log-sum-exp, {@code log sum_i exp(x_i / t)}, over values added one at a time or as
 * partial states merged in any order, and the softmax of each value within the whole: the numerics
 * of long-format data (one row per value, a group of rows in place of a vector).
 *
 * <p>The state is the largest value {@code max}, a reference {@code r} taken from the values, and
 * the compensated (TwoSum) sum {@code S = sum_i exp((x_i - r) / t)}. The reference is kept while
 * the maximum stays within {@value #RECENTRE_GAP} temperatures of it, so that most terms are
 * added without any rescaling, and moved up to the maximum only when it rises further; a merge
 * keeps the reference of one side and rescales the other. Each rescaling multiplies a sum by an
 * exponential with the rounding of the gap carried into it and the product's error kept, so a
 * term that matters to the result is rescaled a bounded number of times (at most once per
 * re-centring of the side that holds it, plus once per merge), whatever the order of the values.
 * (Re-centring at every new maximum would compound one rounding per rise, and an ascending
 * group of {@code n} values would lose {@code O(n)} ulps.) The result is {@code max / t + log(S
 * exp((r - max) / t))} with the quotient's rounding error carried and the logarithm refined to
 * about double-double precision, so that it stays accurate when {@code max / t} and the logarithm
 * nearly cancel.
 *
 * <p>Semantics, as SQL aggregates have them: nulls are ignored (but counted, for callers for which
 * a null invalidates the group); an empty state has no value; a NaN makes the result NaN; {@code
 * -Infinity} adds nothing, and all {@code -Infinity} gives {@code -Infinity}; a {@code +Infinity}
 * (without NaN) gives {@code +Infinity}.
 *
 * <p>Not thread-safe; {@link #restore} and the getters let a caller keep the state elsewhere (such
 * as in Spark's aggregation buffers) and work on it through one instance.
 */
public final class LogSumExp {

  /** How far, in temperatures, the maximum may rise above the reference before re-centring. */
  static final double RECENTRE_GAP = 512.0;

  private final double temperature;
  private long values;
  private long nulls;
  private long positiveInfinities;
  private boolean nan;
  private double reference = Double.NEGATIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double sum;
  private double compensation;

  /**
   * An empty state.
   *
   * @throws IllegalArgumentException unless {@code temperature} is finite and &gt; 0
   */
  public LogSumExp(double temperature) {
    Softmax.requireValidTemperature(temperature);
    this.temperature = temperature;
  }

  /** Adds a non-null value: finite, infinite or NaN. */
  public void add(double x) {
    values++;
    if (Math.abs(x) <= Double.MAX_VALUE) {
      addFinite(x);
    } else if (x == Double.POSITIVE_INFINITY) {
      positiveInfinities++;
    } else if (x != x) {
      nan = true;
    }
  }

  /** Counts a null, which adds nothing to the sum. */
  public void addNull() {
    nulls++;
  }

  /** Adds every value of {@code other}, a state of the same temperature; {@code other} is unchanged. */
  public void merge(LogSumExp other) {
    values += other.values;
    nulls += other.nulls;
    positiveInfinities += other.positiveInfinities;
    nan |= other.nan;
    if (other.reference == Double.NEGATIVE_INFINITY) {
      return;
    }
    if (reference == Double.NEGATIVE_INFINITY) {
      reference = other.reference;
      max = other.max;
      sum = other.sum;
      compensation = other.compensation;
      return;
    }
    double top = Math.max(max, other.max);
    if (!(Gap.quotient(top, reference, temperature) <= RECENTRE_GAP)) {
      rescale(top);
    }
    max = top;
    addScaled(other.sum, other.compensation, Gap.exp(other.reference, reference, temperature));
  }

  /**
   * Re-centres the state on its maximum, so that {@link #sum()} and {@link #compensation()} are
   * relative to {@link #max()}: {@code S = sum_i exp((x_i - max) / t)}, at least 1. The values the
   * state represents do not change; the sum is rounded once more. The maximum's own term is
   * exactly 1 and no term is negative, so a rescaled sum that rounds below 1 is raised to 1, the
   * nearer value: otherwise the maximum's probability could exceed 1 by an ulp, and its
   * log-probability 0.
   */
  public void normalise() {
    if (reference != max) {
      rescale(max);
      if (sum < 1.0 || (sum == 1.0 && compensation < 0.0)) {
        sum = 1.0;
        compensation = 0.0;
      }
    }
  }

  /**
   * {@code log sum_i exp(x_i / t)}: within 4 ulps of {@code max(1, |exact|)} (see the class
   * comment for NaN and infinities); {@code -Infinity} when empty. Re-centres the state (see
   * {@link #normalise()}).
   */
  public double value() {
    if (nan) {
      return Double.NaN;
    }
    if (positiveInfinities > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (reference == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    normalise();
    double q = max / temperature;
    if (!(Math.abs(q) <= Double.MAX_VALUE)) {
      return q;
    }
    double qError = Math.fma(-q, temperature, max) / temperature;
    double log = logHead(sum, compensation);
    double head = q + log;
    return head + (Softmax.twoSumError(q, log, head)
        + (logTail(sum, compensation, log) + qError));
  }

  /**
   * {@code log S}, the logarithm of the sum relative to the reference (to the maximum once {@link
   * #normalise() normalised}, where {@code S} is at least 1): by {@code log1p} of the excess over
   * 1 below 2, so that it keeps its relative accuracy near 0.
   */
  public double logOfSum() {
    return logHead(sum, compensation);
  }

  /**
   * The probability (or log-probability) of value {@code x} within a group whose state, {@link
   * #normalise() normalised}, has maximum {@code max}, sum {@code sum} ({@code sum() +
   * compensation()}, rounded), {@code logSum} ({@link #logOfSum()}) and {@code
   * positiveInfinities} infinite values: {@code exp((x - max) / t) / sum} or {@code (x - max) / t
   * - logSum}, with the same accuracy as the vector kernel's (4 ulps; of {@code max(1, |exact|)}
   * for a log-probability, which needs no more than the rounded logarithm, since {@code (x - max)
   * / t <= 0 <= logSum} do not cancel). {@code +Infinity} values share the mass equally and every
   * other value gets 0. The group must be valid (see {@link #status(boolean)}) and hold {@code x}.
   */
  public static double softmax(double x, double temperature, boolean logSpace, double max,
      double sum, double logSum, long positiveInfinities) {
    if (positiveInfinities > 0) {
      boolean share = x == Double.POSITIVE_INFINITY;
      if (logSpace) {
        return share ? 0.0 - Math.log(positiveInfinities) : Double.NEGATIVE_INFINITY;
      }
      return share ? 1.0 / positiveInfinities : 0.0;
    }
    if (!logSpace) {
      return Gap.exp(x, max, temperature) / sum;
    }
    if (x == Double.NEGATIVE_INFINITY) {
      return x;
    }
    double d = Gap.quotient(x, max, temperature);
    if (d == Double.NEGATIVE_INFINITY) {
      return d;
    }
    double head = d - logSum;
    return head + (Softmax.twoSumError(d, -logSum, head) + Gap.error(x, max, temperature, d));
  }

  /**
   * Whether softmax is defined on the group: {@link RowStatus#NAN_ENTRY} for a NaN, {@link
   * RowStatus#NULL_ENTRY} for a null when {@code nullsInvalid}, {@link
   * RowStatus#ALL_NEGATIVE_INFINITY} when no value is above {@code -Infinity} (an empty group
   * too), {@link RowStatus#VALID} otherwise.
   */
  public RowStatus status(boolean nullsInvalid) {
    if (nan) {
      return RowStatus.NAN_ENTRY;
    }
    if (nullsInvalid && nulls > 0) {
      return RowStatus.NULL_ENTRY;
    }
    if (reference == Double.NEGATIVE_INFINITY && positiveInfinities == 0) {
      return RowStatus.ALL_NEGATIVE_INFINITY;
    }
    return RowStatus.VALID;
  }

  /** The temperature. */
  public double temperature() {
    return temperature;
  }

  /** How many non-null values were added. */
  public long values() {
    return values;
  }

  /** How many nulls were counted. */
  public long nulls() {
    return nulls;
  }

  /** How many values were {@code +Infinity}. */
  public long positiveInfinities() {
    return positiveInfinities;
  }

  /** Whether a value was NaN. */
  public boolean hasNaN() {
    return nan;
  }

  /** The value the sum is relative to; {@code -Infinity} until a finite value is added. */
  public double reference() {
    return reference;
  }

  /** The largest finite value; {@code -Infinity} until one is added. */
  public double max() {
    return max;
  }

  /** The sum of {@code exp((x_i - reference) / t)} over the finite values, without its error. */
  public double sum() {
    return sum;
  }

  /** The rounding error of {@link #sum()}, kept apart. */
  public double compensation() {
    return compensation;
  }

  /** Sets the whole state to values read from the getters of a state of this temperature. */
  public void restore(long values, long nulls, long positiveInfinities, boolean nan,
      double reference, double max, double sum, double compensation) {
    this.values = values;
    this.nulls = nulls;
    this.positiveInfinities = positiveInfinities;
    this.nan = nan;
    this.reference = reference;
    this.max = max;
    this.sum = sum;
    this.compensation = compensation;
  }

  private void addFinite(double x) {
    if (reference == Double.NEGATIVE_INFINITY) {
      reference = x;
      max = x;
      sum = 1.0;
      compensation = 0.0;
      return;
    }
    if (x > max) {
      max = x;
      if (!(Gap.quotient(x, reference, temperature) <= RECENTRE_GAP)) {
        rescale(x);
        addTerm(1.0);
        return;
      }
    }
    addTerm(Gap.exp(x, reference, temperature));
  }

  /** Moves the reference to {@code target} (finite, at least the reference), rescaling the sum. */
  private void rescale(double target) {
    double factor = Gap.exp(reference, target, temperature);
    double scaled = sum * factor;
    compensation = Math.fma(sum, factor, -scaled) + compensation * factor;
    sum = scaled;
    reference = target;
  }

  private void addTerm(double term) {
    double s = sum + term;
    compensation += Softmax.twoSumError(sum, term, s);
    sum = s;
  }

  /** Adds {@code (otherSum + otherError) * factor}, keeping the product's rounding error. */
  private void addScaled(double otherSum, double otherError, double factor) {
    double scaled = otherSum * factor;
    double productError = Math.fma(otherSum, factor, -scaled) + otherError * factor;
    double s = sum + scaled;
    compensation += Softmax.twoSumError(sum, scaled, s) + productError;
    sum = s;
  }

  /**
   * {@code log(sum + error)} for a sum of at least 1, rounded: by {@code log1p} of the excess over
   * 1 below 2, so that it keeps its relative accuracy near 0.
   */
  private static double logHead(double sum, double error) {
    return sum < 2.0 ? Math.log1p((sum - 1.0) + error) : Math.log(sum + error);
  }

  /**
   * What {@code head = logHead(sum, error)} misses of {@code log(sum + error)}: from 2 up, one
   * Newton step, {@code (sum + error) exp(-head) - 1}, whose only rounding that matters is that of
   * the exponential (0.6 ulp of 1, absolute); below 2, {@code log1p} has no such error to correct.
   */
  private static double logTail(double sum, double error, double head) {
    if (sum < 2.0) {
      return 0.0;
    }
    double inverse = Exp.exp(-head, 0.0);
    return Math.fma(sum, inverse, -1.0) + error * inverse;
  }
}
