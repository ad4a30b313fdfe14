package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

class TemperatureSearchTest {

  @Test
  void agreesWithABruteForceGridSearch() {
    for (double scale : new double[] {0.3, 1.0, 4.0}) {
      Rows rows = Rows.drawn(400, 5, scale, new Random(5));
      double found = TemperatureSearch.minimise(rows::loss, 100, 1e-9);
      double gridBest = Double.NaN;
      double gridNll = Double.POSITIVE_INFINITY;
      for (double u = -5.0; u <= 5.0; u += 1e-3) {
        double nll = rows.loss(Math.exp(u)).meanNll();
        if (nll < gridNll) {
          gridNll = nll;
          gridBest = Math.exp(u);
        }
      }
      assertEquals(gridBest, found, 2e-3 * gridBest, "scale " + scale);
      assertTrue(rows.loss(found).meanNll() <= gridNll + 1e-9, "scale " + scale);
    }
  }

  @Test
  void convergesInAFewEvaluationsFromEitherSide() {
    for (double scale : new double[] {1e-3, 0.05, 1.0, 30.0, 2e3}) {
      Rows rows = Rows.drawn(300, 4, 1.0, new Random(9)).scaled(scale);
      int[] evaluations = {0};
      double found = TemperatureSearch.minimise(t -> {
        evaluations[0]++;
        return rows.loss(t);
      }, 100, 1e-8);
      TemperatureLoss at = rows.loss(found);
      double predictedDecrease = at.meanSlope() * at.meanSlope() / (2 * at.meanCurvature());
      assertTrue(predictedDecrease <= 1e-8, "scale " + scale + ": " + predictedDecrease);
      double exact = TemperatureSearch.minimise(rows::loss, 100, 0.0);
      assertEquals(exact, found, 1e-3 * exact, "scale " + scale);
      assertTrue(evaluations[0] <= 25, "scale " + scale + ": " + evaluations[0] + " evaluations");
    }
  }

  @Test
  void neverReturnsALossAboveTheStart() {
    Random random = new Random(21);
    for (int trial = 0; trial < 50; trial++) {
      Rows rows = Rows.drawn(20 + random.nextInt(50), 2 + random.nextInt(6),
          Math.exp(3 * random.nextGaussian()), random);
      for (int maxEvaluations : new int[] {1, 2, 3, 100}) {
        double found = TemperatureSearch.minimise(rows::loss, maxEvaluations, 1e-6);
        assertTrue(rows.loss(found).meanNll() <= rows.loss(1.0).meanNll());
      }
    }
  }

  @Test
  void separableDataEndsQuicklyAtANegligibleLoss() {
    Rows separable = new Rows();
    separable.add(new double[] {1.0, 0.0}, 0);
    separable.add(new double[] {0.0, 2.0}, 1);
    int[] evaluations = {0};
    double found = TemperatureSearch.minimise(t -> {
      evaluations[0]++;
      return separable.loss(t);
    }, 100, 1e-6);
    assertTrue(separable.loss(found).meanNll() < 1e-5, "T = " + found);
    assertTrue(evaluations[0] <= 20, evaluations[0] + " evaluations");
  }

  @Test
  void stopsAtTheUpperBoundWhenTheMinimumLiesBeyondIt() {
    Rows contradictory = new Rows();
    contradictory.add(new double[] {1.0, 0.0}, 1);
    contradictory.add(new double[] {0.0, 2.0}, 0);
    assertEquals(TemperatureSearch.MAX_TEMPERATURE,
        TemperatureSearch.minimise(contradictory::loss, 200, 1e-9), 1e-3);
  }

  /** In-memory labelled rows: the loss that a distributed pass would compute. */
  private static final class Rows {
    private final List<double[]> logits = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();

    /** Labels drawn from softmax(z) of Gaussian z, given as logits {@code scale * z}. */
    static Rows drawn(int count, int classes, double scale, Random random) {
      Rows rows = new Rows();
      for (int r = 0; r < count; r++) {
        double[] z = new double[classes];
        double[] p = new double[classes];
        for (int i = 0; i < classes; i++) {
          z[i] = 2.0 * random.nextGaussian();
        }
        Softmax.softmax(z, 1.0, false, p);
        double draw = random.nextDouble();
        int label = 0;
        while (label < classes - 1 && draw >= p[label]) {
          draw -= p[label];
          label++;
        }
        for (int i = 0; i < classes; i++) {
          z[i] *= scale;
        }
        rows.add(z, label);
      }
      return rows;
    }

    void add(double[] x, int label) {
      logits.add(x);
      labels.add(label);
    }

    Rows scaled(double factor) {
      Rows rows = new Rows();
      for (int r = 0; r < logits.size(); r++) {
        double[] x = logits.get(r).clone();
        for (int i = 0; i < x.length; i++) {
          x[i] *= factor;
        }
        rows.add(x, labels.get(r));
      }
      return rows;
    }

    TemperatureLoss loss(double temperature) {
      TemperatureLoss sum = new TemperatureLoss(temperature);
      for (int r = 0; r < logits.size(); r++) {
        sum.add(logits.get(r), labels.get(r), 1.0);
      }
      return sum;
    }
  }
}
