package io.github.sparksoftmax.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link CalibrationExample#main} as spark-submit would, the master coming from the {@code
 * spark.master} system property and AWT headless, so that the example cannot rot; and checks the
 * numbers it prints (and the README publishes) against this test's own computation on the same
 * rows, in plain Java. The printed temperature must have a log loss on the calibration rows within
 * the calibrator's tolerance of the least one, which a grid search finds; the printed log loss and
 * expected calibration error (15 bins) of the test rows must be those at temperature 1 and at a
 * temperature that rounds to the printed one. (The error is a step function of the temperature:
 * one of the 10,000 rows crossing a bin's edge moves it by up to 2e-4.)
 */
class CalibrationExampleTest extends ExampleTestBase {
  private static final int BINS = 15;
  /** The example prints four decimals: a printed number is within half of 1e-4 of its value. */
  private static final double PRINTED = 0.6e-4;
  /**
   * How much more log loss the fitted temperature may have than the best one: the calibrator stops
   * once the Newton step would lower the mean loss by at most its tol (1e-6 nats), and that step's
   * prediction may fall short of the true gain.
   */
  private static final double FIT_TOLERANCE = 2e-6;

  @Test
  void printsTheFittedTemperatureAndTheMetricsAndDrawsTheDiagram(@TempDir Path dir)
      throws Exception {
    Path diagram = dir.resolve("reliability-diagram.png");
    String printed = printedBy(() -> CalibrationExample.main(new String[] {diagram.toString()}));
    BufferedImage image = ImageIO.read(diagram.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(700, image.getHeight());

    List<Row> rows = CalibrationExample.scores();
    Scores calibration = new Scores(rows, 0);
    Scores test = new Scores(rows, 1);
    double best = calibration.bestTemperature();
    double temperature = numbers(printed, "Fitted temperature: (\\S+)")[0];
    double[] logLoss = numbers(printed, "Log loss: (\\S+) before, (\\S+) after");
    double[] ece = numbers(printed, "ECE \\(15 bins\\): (\\S+) before, (\\S+) after");
    double excess = calibration.logLoss(temperature) - calibration.logLoss(best);
    System.out.printf("Calibration: printed T %.4f, least log loss at T %.6f, %.2g nats more%n",
        temperature, best, excess);
    assertTrue(excess <= FIT_TOLERANCE, "T " + temperature + " vs " + best + ": " + excess);
    assertEquals(test.logLoss(1.0), logLoss[0], PRINTED, printed);
    assertEquals(test.expectedCalibrationError(1.0), ece[0], PRINTED, printed);
    assertEquals(0.0, nearestAtPrinted(temperature, test::logLoss, logLoss[1]), PRINTED, printed);
    assertEquals(0.0, nearestAtPrinted(temperature, test::expectedCalibrationError, ece[1]),
        PRINTED, printed);
    assertTrue(printed.endsWith("Reliability diagram written to " + diagram + "\n"), printed);
  }

  /**
   * The least distance from {@code value} of the metric at 101 temperatures that round to the
   * printed {@code temperature} (four decimals).
   */
  private static double nearestAtPrinted(double temperature, DoubleUnaryOperator metric,
      double value) {
    double nearest = Double.POSITIVE_INFINITY;
    for (int i = -50; i <= 50; i++) {
      nearest = Math.min(nearest, Math.abs(metric.applyAsDouble(temperature + i * 1e-6) - value));
    }
    return nearest;
  }

  /** The numbers that the groups of {@code pattern} match in {@code printed}. */
  private static double[] numbers(String printed, String pattern) {
    Matcher match = Pattern.compile(pattern).matcher(printed);
    assertTrue(match.find(), pattern + " in\n" + printed);
    double[] numbers = new double[match.groupCount()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = Double.parseDouble(match.group(i + 1));
    }
    return numbers;
  }

  /** The logits and labels of the rows whose id has the given parity. */
  private static final class Scores {
    private final double[][] logits;
    private final int[] labels;

    Scores(List<Row> rows, int parity) {
      List<Row> mine = rows.stream().filter(row -> row.getLong(0) % 2 == parity)
          .collect(Collectors.toList());
      logits = new double[mine.size()][];
      labels = new int[mine.size()];
      for (int r = 0; r < logits.length; r++) {
        logits[r] = ((Vector) mine.get(r).get(1)).toArray();
        labels[r] = (int) mine.get(r).getDouble(2);
      }
    }

    /**
     * The temperature of least log loss: the best of a grid of step 0.01 from 0.5 to 6, then of a
     * grid of step 1e-4 around it, then of step 1e-6.
     */
    double bestTemperature() {
      double best = 0.5;
      double bestLoss = logLoss(best);
      double step = 0.01;
      double from = 0.5;
      double to = 6.0;
      for (int round = 0; round < 3; round++) {
        for (int i = 0; from + i * step <= to + step / 2; i++) {
          double loss = logLoss(from + i * step);
          if (loss < bestLoss) {
            best = from + i * step;
            bestLoss = loss;
          }
        }
        from = best - step;
        to = best + step;
        step /= 100;
      }
      return best;
    }

    /** The mean of -log(max(p_label, 1e-15)) at temperature t. */
    double logLoss(double t) {
      double sum = 0.0;
      for (int r = 0; r < logits.length; r++) {
        sum -= Math.log(Math.max(softmax(logits[r], t)[labels[r]], 1e-15));
      }
      return sum / logits.length;
    }

    /**
     * The expected calibration error at temperature t over the bins ((b-1)/B, b/B] of the top
     * probability (0 in the first): the mean over rows of |hit - confidence| summed per bin.
     */
    double expectedCalibrationError(double t) {
      double[] hits = new double[BINS];
      double[] confidence = new double[BINS];
      for (int r = 0; r < logits.length; r++) {
        double[] p = softmax(logits[r], t);
        int top = 0;
        for (int i = 1; i < p.length; i++) {
          top = p[i] > p[top] ? i : top;
        }
        int bin = 0;
        while (bin < BINS - 1 && p[top] > (bin + 1.0) / BINS) {
          bin++;
        }
        hits[bin] += top == labels[r] ? 1 : 0;
        confidence[bin] += p[top];
      }
      double sum = 0.0;
      for (int b = 0; b < BINS; b++) {
        sum += Math.abs(hits[b] - confidence[b]);
      }
      return sum / logits.length;
    }

    /** softmax(x / t), shifted by the maximum. */
    private static double[] softmax(double[] x, double t) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        max = Math.max(max, v / t);
      }
      double[] p = new double[x.length];
      double sum = 0.0;
      for (int i = 0; i < x.length; i++) {
        p[i] = Math.exp(x[i] / t - max);
        sum += p[i];
      }
      for (int i = 0; i < x.length; i++) {
        p[i] /= sum;
      }
      return p;
    }
  }
}
