package io.github.sparksoftmax.bench;

import java.util.List;
import java.util.Map;

/**
 * The timings of one DataFrame: median wall-clock and executor CPU seconds per contender, their
 * ratios to the first contender, and the mean size of a result row.
 */
final class Table {
  final String title;
  private final List<Contenders> contenders;
  private final Map<Contenders, List<Double>> seconds;
  private final Map<Contenders, List<Double>> cpuSeconds;
  private final Map<Contenders, Double> bytesPerRow;

  Table(String title, List<Contenders> contenders, Map<Contenders, List<Double>> seconds,
      Map<Contenders, List<Double>> cpuSeconds, Map<Contenders, Double> bytesPerRow) {
    this.title = title;
    this.contenders = contenders;
    this.seconds = seconds;
    this.cpuSeconds = cpuSeconds;
    this.bytesPerRow = bytesPerRow;
  }

  /** Whether {@code contender} ran on this DataFrame. */
  boolean includes(Contenders contender) {
    return contenders.contains(contender);
  }

  /** How many times longer (wall-clock, medians) {@code contender} takes than {@code baseline}. */
  double ratio(Contenders contender, Contenders baseline) {
    return median(seconds.get(contender)) / median(seconds.get(baseline));
  }

  /** The same ratio for executor CPU time. */
  double cpuRatio(Contenders contender, Contenders baseline) {
    return median(cpuSeconds.get(contender)) / median(cpuSeconds.get(baseline));
  }

  void print() {
    Contenders baseline = contenders.get(0);
    System.out.println("| " + title + " | wall s | x ours | CPU s | x ours | output bytes/row |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Contenders contender : contenders) {
      System.out.printf("| %s | %.3f | %.2f | %.3f | %.2f | %.0f |%n", contender.label,
          median(seconds.get(contender)), ratio(contender, baseline),
          median(cpuSeconds.get(contender)), cpuRatio(contender, baseline),
          bytesPerRow.get(contender));
    }
    System.out.println();
  }

  private static double median(List<Double> values) {
    if (values == null) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
