package io.github.sparksoftmax;

import io.github.sparksoftmax.kernel.Softmax;
import java.io.Serializable;

/**
 * The sums behind the calibration metrics of predicted distributions against labels, built row by
 * row on executors and merged, so that every metric comes from one pass. Definitions, over {@code
 * N} rows of probabilities {@code p} and label {@code y}, with confidence {@code c = max_i p_i} and
 * prediction the index of that maximum (the lowest among ties):
 *
 * <ul>
 *   <li>log loss: {@code (1/N) sum -log(max(p_y, 1e-15))} (clipped like Spark's {@code
 *       MulticlassClassificationEvaluator}, so that a zero probability costs 34.5 nats, not
 *       infinity);
 *   <li>Brier score: {@code (1/N) sum sum_i (p_i - 1[i = y])^2}, from 0 to 2;
 *   <li>expected calibration error: with {@code B} equal-width bins {@code ((b-1)/B, b/B]} of the
 *       confidence, {@code sum_b (N_b / N) |accuracy_b - mean confidence_b|};
 *   <li>accuracy: the fraction of rows whose prediction is {@code y}.
 * </ul>
 */
final class CalibrationSums implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The smallest probability that log loss takes, as Spark's evaluator clips it. */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private long rows;
  private long correct;
  private double logLoss;
  private double brier;
  private final long[] binCorrect;
  private final double[] binConfidence;

  /**
   * Empty sums with {@code numBins} confidence bins for the calibration error.
   *
   * @throws IllegalArgumentException if {@code numBins < 1}
   */
  public CalibrationSums(int numBins) {
    if (numBins < 1) {
      throw new IllegalArgumentException("numBins must be >= 1 but was " + numBins);
    }
    binCorrect = new long[numBins];
    binConfidence = new double[numBins];
  }

  /**
   * Adds a row.
   *
   * @param probabilities a distribution with no NaN entry, at least one entry
   * @param label an index in {@code [0, probabilities.length)}
   * @return this
   */
  public CalibrationSums add(double[] probabilities, int label) {
    int predicted = Softmax.argmax(probabilities);
    double confidence = probabilities[predicted];
    boolean hit = predicted == label;
    double squares = 0.0;
    for (int i = 0; i < probabilities.length; i++) {
      double miss = probabilities[i] - (i == label ? 1.0 : 0.0);
      squares += miss * miss;
    }
    int numBins = binCorrect.length;
    int bin = Math.min(numBins - 1, Math.max(0, (int) Math.ceil(confidence * numBins) - 1));
    rows++;
    correct += hit ? 1 : 0;
    logLoss -= Math.log(Math.max(probabilities[label], LOG_LOSS_EPSILON));
    brier += squares;
    binCorrect[bin] += hit ? 1 : 0;
    binConfidence[bin] += confidence;
    return this;
  }

  /** Adds other sums (with the same number of bins) into these; returns this. */
  public CalibrationSums merge(CalibrationSums other) {
    rows += other.rows;
    correct += other.correct;
    logLoss += other.logLoss;
    brier += other.brier;
    for (int b = 0; b < binCorrect.length; b++) {
      binCorrect[b] += other.binCorrect[b];
      binConfidence[b] += other.binConfidence[b];
    }
    return this;
  }

  /** How many rows were added. */
  public long rows() {
    return rows;
  }

  /** The mean clipped negative log-probability of the label. */
  public double logLoss() {
    return logLoss / rows;
  }

  /** The mean multiclass Brier score. */
  public double brier() {
    return brier / rows;
  }

  /**
   * The expected calibration error over the equal-width confidence bins: {@code sum_b (N_b / N)
   * |accuracy_b - mean confidence_b|}, summed as {@code (1/N) sum_b |hits_b - confidences_b|}.
   */
  public double expectedCalibrationError() {
    double sum = 0.0;
    for (int b = 0; b < binCorrect.length; b++) {
      sum += Math.abs(binCorrect[b] - binConfidence[b]);
    }
    return sum / rows;
  }

  /** The fraction of rows whose most probable class is the label. */
  public double accuracy() {
    return (double) correct / rows;
  }
}
