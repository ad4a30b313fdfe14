package io.github.sparksoftmax.kernel;

import java.util.function.DoubleFunction;

/**
 * Finds the temperature that minimises a mean negative log-likelihood, by a safeguarded Newton
 * method on {@code u = log T}. Each evaluation of the loss (value, slope and curvature at once)
 * is one call of the given function, typically one pass over distributed data.
 *
 * <p>Why this is safe: the mean NLL is convex in {@code 1 / T} (a log-sum-exp of linear functions
 * minus a linear one), hence unimodal in {@code u}; the sign of its slope tells on which side of
 * any point the minimum lies. The search keeps a bracket {@code [lo, hi]} known to hold the
 * minimum, starting from {@code [log MIN_TEMPERATURE, log MAX_TEMPERATURE]}, and narrows it at
 * every evaluation. It takes the Newton step when the curvature is positive and the step lands
 * inside the bracket; otherwise it bisects the bracket, or, while the bracket is still open on the
 * downhill side, steps downhill by 1, 2, 4, ... in {@code u}. It stops when the next step would
 * move {@code u}, or lower the mean loss by the Newton model's prediction {@code slope^2 / (2
 * curvature)}, by at most the tolerance; the second test ends the search quickly when the minimum
 * lies at a vanishing temperature (separable data), where Newton steps shrink while the loss keeps
 * falling towards 0. It returns the evaluated temperature with the lowest loss, so the result is
 * never worse than the starting temperature 1.
 */
public final class TemperatureSearch {
  /** The smallest temperature the search returns: the minimum may lie at or below it. */
  public static final double MIN_TEMPERATURE = 1e-6;
  /** The largest temperature the search returns: the minimum may lie at or above it. */
  public static final double MAX_TEMPERATURE = 1e6;

  private static final double MIN_U = Math.log(MIN_TEMPERATURE);
  private static final double MAX_U = Math.log(MAX_TEMPERATURE);

  private TemperatureSearch() {}

  /**
   * Minimises the loss over {@code [MIN_TEMPERATURE, MAX_TEMPERATURE]}, starting at 1.
   *
   * @param loss the loss at a temperature; its totalWeight must be &gt; 0
   * @param maxEvaluations at most this many calls of {@code loss}, &gt;= 1
   * @param tolerance stop once the next step would move {@code log T} (about the relative change
   *     of T), or lower the mean NLL (in nats), by at most this; &gt;= 0
   * @return the evaluated temperature with the lowest mean loss
   * @throws IllegalStateException if the loss is not finite at an evaluated temperature
   */
  public static double minimise(
      DoubleFunction<TemperatureLoss> loss, int maxEvaluations, double tolerance) {
    double lo = MIN_U;
    double hi = MAX_U;
    boolean loEvaluated = false;
    boolean hiEvaluated = false;
    double u = 0.0;
    double reach = 1.0;
    double bestU = u;
    double bestNll = Double.POSITIVE_INFINITY;
    for (int evaluation = 0; evaluation < maxEvaluations; evaluation++) {
      TemperatureLoss at = loss.apply(Math.exp(u));
      double nll = at.meanNll();
      double slope = at.meanSlope();
      double curvature = at.meanCurvature();
      if (!(Double.isFinite(nll) && Double.isFinite(slope) && Double.isFinite(curvature))) {
        throw new IllegalStateException("the loss at temperature " + at.temperature()
            + " is not finite (mean NLL " + nll + ", slope " + slope + ")");
      }
      if (nll < bestNll) {
        bestNll = nll;
        bestU = u;
      }
      if (slope == 0.0) {
        break;
      }
      if (slope > 0.0) {
        hi = u;
        hiEvaluated = true;
      } else {
        lo = u;
        loEvaluated = true;
      }
      double next = newtonPoint(u, slope, curvature, lo, hi);
      if (Double.isNaN(next)) {
        double downhillEnd = slope < 0.0 ? hi : lo;
        if (!(slope < 0.0 ? hiEvaluated : loEvaluated)) {
          next = Math.abs(downhillEnd - u) > reach ? u + Math.copySign(reach, -slope) : downhillEnd;
          reach *= 2.0;
        } else {
          next = 0.5 * (lo + hi);
        }
      } else if (0.5 * slope * (u - next) <= tolerance) {
        break;
      }
      if (hi - lo <= tolerance || Math.abs(next - u) <= tolerance) {
        break;
      }
      u = next;
    }
    return Math.exp(bestU);
  }

  /** The Newton point if the curvature is positive and the point inside the bracket, else NaN. */
  private static double newtonPoint(
      double u, double slope, double curvature, double lo, double hi) {
    double newton = u - slope / curvature;
    return curvature > 0.0 && newton > lo && newton < hi ? newton : Double.NaN;
  }
}
