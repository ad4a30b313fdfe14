package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TemperatureLossTest {
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final double POS_INF = Double.POSITIVE_INFINITY;

  @Test
  void slopeAndCurvatureMatchCentralFiniteDifferencesInLogTemperature() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + random.nextInt(20);
      double scale = Math.pow(10.0, random.nextInt(5) - 2);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = scale * random.nextGaussian() + 1e3 * (trial % 3);
      }
      int label = random.nextInt(n);
      double u = 2.0 * random.nextDouble() - 1.0 + Math.log(scale);
      double h = 1e-4;
      TemperatureLoss at = one(x, label, Math.exp(u));
      double slopeByDifference =
          (one(x, label, Math.exp(u + h)).meanNll() - one(x, label, Math.exp(u - h)).meanNll())
              / (2 * h);
      double curvatureByDifference = (one(x, label, Math.exp(u + h)).meanSlope()
          - one(x, label, Math.exp(u - h)).meanSlope()) / (2 * h);
      assertEquals(slopeByDifference, at.meanSlope(), 1e-6 * (1 + Math.abs(at.meanSlope())),
          "trial " + trial);
      assertEquals(curvatureByDifference, at.meanCurvature(),
          1e-6 * (1 + Math.abs(at.meanCurvature())), "trial " + trial);
    }
  }

  @Test
  void derivativesEqualTheClosedFormsInTheLogits() {
    double[] x = {2.0, -1.0, 0.5, 3.25};
    double t = 1.7;
    int y = 2;
    double[] p = new double[x.length];
    double normaliser = 0.0;
    for (int i = 0; i < x.length; i++) {
      p[i] = Math.exp(x[i] / t);
      normaliser += p[i];
    }
    double mean = 0.0;
    for (int i = 0; i < x.length; i++) {
      p[i] /= normaliser;
      mean += p[i] * x[i];
    }
    double variance = 0.0;
    for (int i = 0; i < x.length; i++) {
      variance += p[i] * (x[i] - mean) * (x[i] - mean);
    }
    double slope = (x[y] - mean) / t;
    TemperatureLoss loss = one(x, y, t);
    assertEquals(-Math.log(p[y]), loss.meanNll(), 1e-14);
    assertEquals(slope, loss.meanSlope(), 1e-14);
    assertEquals(variance / (t * t) - slope, loss.meanCurvature(), 1e-14);
  }

  /**
   * Logits near the double range, at a temperature that brings their gaps to about 10: the loss
   * and both derivatives against the closed forms in the 40-digit reference's probabilities
   * ({@code df/du = l_y - E[l]}, {@code d2f/du2 = Var[l] - df/du}), where naive sums of {@code x /
   * T} would overflow.
   */
  @Test
  void largeLogitsDoNotOverflow() {
    double[] x = {1e300, 1e300 - 1e285, -1e300};
    double t = 1e284;
    int label = 1;
    ExactSoftmax exact = ExactSoftmax.of(x, t);
    double mean = 0.0;
    for (int i = 0; i < x.length; i++) {
      mean += exact.probability(i) * exact.logProbability(i);
    }
    double variance = 0.0;
    for (int i = 0; i < x.length; i++) {
      double deviation = exact.logProbability(i) - mean;
      variance += exact.probability(i) * deviation * deviation;
    }
    double slope = exact.logProbability(label) - mean;
    TemperatureLoss loss = one(x, label, t);
    assertEquals(-exact.logProbability(label), loss.meanNll(), 1e-12);
    assertEquals(slope, loss.meanSlope(), 1e-12 * Math.abs(slope));
    assertEquals(variance - slope, loss.meanCurvature(), 1e-12 * Math.abs(variance - slope));
  }

  @Test
  void weightedMeansAndMergeAddUp() {
    double[] a = {1.0, 2.0, 0.0};
    double[] b = {-3.0, 0.5, 4.0};
    TemperatureLoss left = new TemperatureLoss(0.8).add(a, 0, 3.0);
    TemperatureLoss right = new TemperatureLoss(0.8).add(b, 2, 1.0).add(a, 1, 0.0);
    TemperatureLoss merged = left.merge(right);
    assertEquals(3, merged.rows());
    assertEquals(4.0, merged.totalWeight());
    double expected = (3.0 * one(a, 0, 0.8).meanNll() + one(b, 2, 0.8).meanNll()) / 4.0;
    assertEquals(expected, merged.meanNll(), 1e-15);
    assertThrows(IllegalArgumentException.class,
        () -> merged.merge(new TemperatureLoss(1.0)));
  }

  @Test
  void infiniteEntriesAwayFromTheLabelAreHandledAndUnreachableLabelsAreDetected() {
    double[] masked = {NEG_INF, 1.0, 2.0};
    assertTrue(TemperatureLoss.labelIsReachable(masked, 1));
    assertFalse(TemperatureLoss.labelIsReachable(masked, 0));
    TemperatureLoss loss = one(masked, 2, 2.0);
    assertEquals(one(new double[] {1.0, 2.0}, 1, 2.0).meanNll(), loss.meanNll(), 1e-15);
    double[] infinite = {POS_INF, 1.0, POS_INF};
    assertTrue(TemperatureLoss.labelIsReachable(infinite, 2));
    assertFalse(TemperatureLoss.labelIsReachable(infinite, 1));
    TemperatureLoss shared = one(infinite, 2, 0.5);
    assertEquals(Math.log(2.0), shared.meanNll(), 1e-15);
    assertEquals(0.0, shared.meanSlope());
    assertEquals(0.0, shared.meanCurvature());
  }

  @Test
  void invalidRowsAndTemperaturesAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new TemperatureLoss(0.5).add(new double[] {Double.NaN, 1.0}, 1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new TemperatureLoss(0.0));
  }

  private static TemperatureLoss one(double[] x, int label, double temperature) {
    return new TemperatureLoss(temperature).add(x, label, 1.0);
  }
}
