package io.github.sparksoftmax.bench;

import java.util.List;

/**
 * The performance goals of the softmax stage, each "ours takes at most {@code f} times as long as
 * another contender", checked on the benchmark's tables. Ours is SoftmaxTransformer, probabilities
 * (in group mode on long-format rows, where the goal is 1.2 times as fast as the hand-written
 * two-window route).
 */
final class Goals {

  private Goals() {}

  static void print(List<Table> tables) {
    System.out.println("Goals: time of ours / time of the other (medians)");
    for (Table table : tables) {
      if (table.title.startsWith("long format")) {
        check(table, Contenders.HAND_WINDOWS, 1 / 1.2, Contenders.GROUP_SOFTMAX);
        continue;
      }
      if (table.title.startsWith("sparse")) {
        check(table, Contenders.DENSIFY_THEN_SOFTMAX, 1.0 / 5);
        continue;
      }
      if (table.width == 10) {
        check(table, Contenders.IDENTITY_UDF, 1.2);
        check(table, Contenders.NORMALIZER, 0.6);
        check(table, Contenders.SQL, 1.0 / 10);
      } else {
        check(table, Contenders.SQL, Double.NaN);
      }
      if (table.width >= 1000) {
        check(table, Contenders.HAND_UDF, 0.6);
      }
    }
  }

  /**
   * Prints ours / other in each {@link Measure}, and unless {@code atMost} is NaN whether each is
   * at most {@code atMost}. Tables without {@code other} (such as the top-k one) are passed over.
   */
  private static void check(Table table, Contenders other, double atMost) {
    check(table, other, atMost, Contenders.SOFTMAX);
  }

  /** {@link #check(Table, Contenders, double)} with {@code ours} as this project's contender. */
  private static void check(Table table, Contenders other, double atMost, Contenders ours) {
    if (!table.includes(other)) {
      return;
    }
    StringBuilder line = new StringBuilder("  " + table.title + " vs " + other.label + ":");
    for (Measure measure : Measure.values()) {
      double fraction = 1.0 / table.ratio(measure, other, ours);
      line.append(String.format(" %s %.3f%s", measure.label, fraction,
          verdict(fraction, atMost)));
    }
    System.out.println(line);
  }

  private static String verdict(double fraction, double atMost) {
    if (Double.isNaN(atMost)) {
      return "";
    }
    return String.format(" (goal <= %.2f %s)", atMost, fraction <= atMost ? "MET" : "NOT MET");
  }
}
