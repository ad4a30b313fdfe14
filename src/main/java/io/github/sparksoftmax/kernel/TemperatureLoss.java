package io.github.sparksoftmax.kernel;

import java.io.Serializable;

/**
 * The loss of temperature scaling at one temperature, summed over labelled rows: the weighted
 * negative log-likelihood {@code f = -log p_y(x / T)} of each row's label {@code y}, and its first
 * two derivatives with respect to {@code u = log T}. A mutable accumulator, shipped to executors
 * as the zero value of an aggregation and merged back.
 *
 * <p>With {@code l = log-softmax(x / T)}, {@code p = exp(l)} and {@code E}, {@code Var} taken
 * under {@code p}: {@code f = -l_y}; {@code df/du = (x_y - E[x]) / T = l_y - E[l]}; and
 * {@code d2f/du2 = Var[x] / T^2 - df/du = Var[l] - df/du}. The shift from {@code x / T} to
 * {@code l} leaves differences and variances unchanged, so everything is computed from the
 * kernel's log-softmax, whose entries are bounded by the row's spread: no exponential overflows
 * and the variance is summed as squares of deviations, never as {@code E[l^2] - E[l]^2}.
 */
public final class TemperatureLoss implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double temperature;
  private long rows;
  private double weight;
  private double nll;
  private double slope;
  private double curvature;
  private transient double[] logProbabilities;

  /**
   * An empty sum at {@code temperature}.
   *
   * @throws IllegalArgumentException unless the temperature is finite and &gt; 0
   */
  public TemperatureLoss(double temperature) {
    Softmax.requireValidTemperature(temperature);
    this.temperature = temperature;
  }

  /**
   * True when the label's probability is above 0 at every temperature: its logit is not
   * {@code -Infinity}, and no {@code +Infinity} entry takes all the mass away from it. Rows
   * failing this have an infinite loss at every temperature and must be left out of a fit.
   *
   * @param logits a row on which softmax is defined (see {@link Softmax#check(double[])})
   * @param label an index in {@code [0, logits.length)}
   */
  public static boolean labelIsReachable(double[] logits, int label) {
    double labelLogit = logits[label];
    if (labelLogit == Double.POSITIVE_INFINITY) {
      return true;
    }
    if (labelLogit == Double.NEGATIVE_INFINITY) {
      return false;
    }
    for (double v : logits) {
      if (v == Double.POSITIVE_INFINITY) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds one row's loss and derivatives, times {@code weight}.
   *
   * @param logits a row on which softmax is defined and whose label is reachable (see {@link
   *     #labelIsReachable}); read only
   * @param label the index of the row's class
   * @param weight finite and &gt;= 0
   * @return this
   * @throws IllegalArgumentException if softmax is undefined on the row
   */
  public TemperatureLoss add(double[] logits, int label, double weight) {
    if (logProbabilities == null || logProbabilities.length < logits.length) {
      logProbabilities = new double[logits.length];
    }
    double[] l = logProbabilities;
    RowStatus status = Softmax.softmax(logits, temperature, true, l);
    if (!status.isValid()) {
      throw new IllegalArgumentException("temperature loss of an invalid row: " + status.problem());
    }
    double mean = 0.0;
    for (int i = 0; i < logits.length; i++) {
      double p = Math.exp(l[i]);
      if (p > 0.0) {
        mean += p * l[i];
      }
    }
    double variance = 0.0;
    for (int i = 0; i < logits.length; i++) {
      double p = Math.exp(l[i]);
      if (p > 0.0) {
        double deviation = l[i] - mean;
        variance += p * deviation * deviation;
      }
    }
    double rowSlope = l[label] - mean;
    rows++;
    this.weight += weight;
    nll -= weight * l[label];
    slope += weight * rowSlope;
    curvature += weight * (variance - rowSlope);
    return this;
  }

  /** Adds another sum taken at the same temperature into this one; returns this. */
  public TemperatureLoss merge(TemperatureLoss other) {
    if (other.temperature != temperature) {
      throw new IllegalArgumentException("cannot merge losses at temperatures " + temperature
          + " and " + other.temperature);
    }
    rows += other.rows;
    weight += other.weight;
    nll += other.nll;
    slope += other.slope;
    curvature += other.curvature;
    return this;
  }

  /** The temperature at which the rows were evaluated. */
  public double temperature() {
    return temperature;
  }

  /** How many rows were added. */
  public long rows() {
    return rows;
  }

  /** The sum of the rows' weights. */
  public double totalWeight() {
    return weight;
  }

  /** The weighted mean negative log-likelihood; NaN when the total weight is 0. */
  public double meanNll() {
    return nll / weight;
  }

  /** The weighted mean of {@code d NLL / d log T}. */
  public double meanSlope() {
    return slope / weight;
  }

  /** The weighted mean of {@code d^2 NLL / d (log T)^2}. */
  public double meanCurvature() {
    return curvature / weight;
  }
}
