package io.github.sparksoftmax.fuzz;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * One generated group of long-format scores for the group-mode fuzz suite: 1 to {@value
 * #MAX_SIZE} scores of every shape {@link FuzzRows} gives a row (NaN and infinities included),
 * one score in ten groups null.
 *
 * @param scores the group's scores
 * @param nullEntry the position of its null score, or -1
 */
public record FuzzGroup(double[] scores, int nullEntry) {
  /** The largest group generated. */
  public static final int MAX_SIZE = 50;

  /** Groups: one in ten of a single score, one in ten with a null score. */
  public static Arbitrary<FuzzGroup> groups() {
    Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(1)),
        Tuple.of(9, Arbitraries.integers().between(2, MAX_SIZE)));
    return Combinators.combine(FuzzRows.logits(sizes),
            Arbitraries.frequencyOf(Tuple.of(1, FuzzRows.unit()),
                Tuple.of(9, Arbitraries.just(-1.0))))
        .as((scores, entry) -> new FuzzGroup(scores,
            entry < 0 ? -1 : (int) (entry * scores.length)));
  }

  /** Score {@code i} as a column holds it: null at the null entry. */
  public Double score(int i) {
    return i == nullEntry ? null : scores[i];
  }

  /** The scores as the transformer sees them: the null as NaN (both make the group invalid). */
  public double[] strict() {
    double[] seen = scores.clone();
    if (nullEntry >= 0) {
      seen[nullEntry] = Double.NaN;
    }
    return seen;
  }

  /** The non-null scores, as SQL aggregates see the group. */
  public double[] nonNull() {
    double[] kept = new double[scores.length - (nullEntry >= 0 ? 1 : 0)];
    for (int i = 0, k = 0; i < scores.length; i++) {
      if (i != nullEntry) {
        kept[k++] = scores[i];
      }
    }
    return kept;
  }

  @Override
  public String toString() {
    String entries = scores.length <= 12 ? Arrays.toString(scores)
        : Arrays.toString(Arrays.copyOf(scores, 12)) + " ... (" + scores.length + " scores)";
    return entries + (nullEntry >= 0 ? " null at " + nullEntry : "");
  }
}
