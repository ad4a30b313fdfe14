package io.github.sparksoftmax.bench;

import java.util.List;
import java.util.Map;

/**
 * The timings of one DataFrame: the median of each {@link Measure} per contender, their ratios to
 * the first contender, and the mean size of a result row.
 */
final class Table {
  final String title;
  /** The row width k of a vector DataFrame, 0 for long-format rows. */
  final int width;
  private final List<Contenders> contenders;
  private final Map<Measure, Map<Contenders, List<Double>>> measured;
  private final Map<Contenders, Double> bytesPerRow;

  Table(String title, int width, List<Contenders> contenders,
      Map<Measure, Map<Contenders, List<Double>>> measured, Map<Contenders, Double> bytesPerRow) {
    this.title = title;
    this.width = width;
    this.contenders = contenders;
    this.measured = measured;
    this.bytesPerRow = bytesPerRow;
  }

  /** Whether {@code contender} ran on this DataFrame. */
  boolean includes(Contenders contender) {
    return contenders.contains(contender);
  }

  /** How many times as much of {@code measure} {@code contender} takes as {@code baseline}. */
  double ratio(Measure measure, Contenders contender, Contenders baseline) {
    return median(measure, contender) / median(measure, baseline);
  }

  void print() {
    Contenders baseline = contenders.get(0);
    StringBuilder heading = new StringBuilder("| " + title + " |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Measure measure : Measure.values()) {
      heading.append(' ').append(measure.heading).append(" | x ours |");
      rule.append("---:|---:|");
    }
    System.out.println(heading.append(" output bytes/row |"));
    System.out.println(rule.append("---:|"));
    for (Contenders contender : contenders) {
      StringBuilder line = new StringBuilder("| " + contender.label + " |");
      for (Measure measure : Measure.values()) {
        line.append(String.format(" %.3f | %.2f |", median(measure, contender),
            ratio(measure, contender, baseline)));
      }
      System.out.println(line.append(String.format(" %.0f |", bytesPerRow.get(contender))));
    }
    System.out.println();
  }

  private double median(Measure measure, Contenders contender) {
    List<Double> values = measured.get(measure).get(contender);
    if (values == null) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
