package io.github.sparksoftmax.bench;

import java.util.List;
import java.util.Map;

/** The timings of one DataFrame: median seconds per contender, and ratios to the first one. */
final class Table {
  final String title;
  private final List<Contenders> contenders;
  private final Map<Contenders, List<Double>> seconds;

  Table(String title, List<Contenders> contenders, Map<Contenders, List<Double>> seconds) {
    this.title = title;
    this.contenders = contenders;
    this.seconds = seconds;
  }

  /** The median time of {@code contender}, NaN if it was not run. */
  double median(Contenders contender) {
    List<Double> times = seconds.get(contender);
    if (times == null) {
      return Double.NaN;
    }
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** How many times longer {@code contender} takes than {@code baseline}. */
  double ratio(Contenders contender, Contenders baseline) {
    return median(contender) / median(baseline);
  }

  void print() {
    Contenders baseline = contenders.get(0);
    System.out.println("| " + title + " | median s | x " + baseline.label + " |");
    System.out.println("|---|---:|---:|");
    for (Contenders contender : contenders) {
      System.out.printf("| %s | %.3f | %.2f |%n", contender.label, median(contender),
          ratio(contender, baseline));
    }
    System.out.println();
  }
}
