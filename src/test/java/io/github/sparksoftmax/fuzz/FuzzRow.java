package io.github.sparksoftmax.fuzz;

import java.util.Arrays;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * One generated row of a DataFrame for the Spark fuzz suite: logits from {@link FuzzRows}, held
 * in a vector column (dense, or sparse with the row's zeros implicit), an {@code array<double>}
 * column and an {@code array<float>} column; possibly a null row, possibly one null entry in the
 * arrays (NaN in the vector, which has no null entries), and the row's own temperature for the
 * SQL functions and UDFs that take one per row.
 *
 * @param logits the row's values
 * @param nullRow whether every column holds null
 * @param nullEntry the position of the arrays' null entry, or -1
 * @param sparse whether the vector is stored sparse
 * @param temperature the row's temperature
 */
public record FuzzRow(
    double[] logits, boolean nullRow, int nullEntry, boolean sparse, double temperature) {

  /** The column kinds, each seeing the row as it holds it. */
  public enum Kind { VECTOR, DOUBLES, FLOATS }

  /** Rows: one in twenty null, one in ten with a null entry, three in ten sparse. */
  public static Arbitrary<FuzzRow> rows() {
    Arbitrary<double[]> logits = FuzzRows.logits();
    return Combinators.combine(logits,
            Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(true)),
                Tuple.of(19, Arbitraries.just(false))),
            Arbitraries.frequencyOf(Tuple.of(1, FuzzRows.unit()), Tuple.of(9, Arbitraries.just(-1.0))),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(true)),
                Tuple.of(7, Arbitraries.just(false))),
            FuzzRows.temperatures())
        .as((values, nullRow, entry, sparse, temperature) -> new FuzzRow(values, nullRow,
            entry < 0 || values.length == 0 ? -1 : (int) (entry * values.length), sparse,
            temperature));
  }

  /**
   * The logits as column {@code kind} holds them, as doubles: the float column's rounded to
   * float, and a null entry as NaN (both make the row invalid).
   */
  public double[] seenBy(Kind kind) {
    double[] seen = logits.clone();
    if (kind == Kind.FLOATS) {
      for (int i = 0; i < seen.length; i++) {
        seen[i] = (float) seen[i];
      }
    }
    if (nullEntry >= 0) {
      seen[nullEntry] = Double.NaN;
    }
    return seen;
  }

  /** The vector column's value. */
  public Vector vector() {
    if (nullRow) {
      return null;
    }
    double[] values = seenBy(Kind.VECTOR);
    if (!sparse) {
      return Vectors.dense(values);
    }
    int[] indices = IntStream.range(0, values.length).filter(i -> values[i] != 0).toArray();
    return Vectors.sparse(values.length, indices,
        Arrays.stream(indices).mapToDouble(i -> values[i]).toArray());
  }

  /** The {@code array<double>} column's value. */
  public Double[] doubles() {
    if (nullRow) {
      return null;
    }
    Double[] boxed = Arrays.stream(logits).boxed().toArray(Double[]::new);
    if (nullEntry >= 0) {
      boxed[nullEntry] = null;
    }
    return boxed;
  }

  /** The {@code array<float>} column's value. */
  public Float[] floats() {
    if (nullRow) {
      return null;
    }
    Float[] boxed = new Float[logits.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i == nullEntry ? null : (float) logits[i];
    }
    return boxed;
  }

  @Override
  public String toString() {
    String entries = logits.length <= 12 ? Arrays.toString(logits)
        : Arrays.toString(Arrays.copyOf(logits, 12)) + " ... (" + logits.length + " entries)";
    return entries + (nullRow ? " null row" : "") + (nullEntry >= 0 ? " null at " + nullEntry : "")
        + (sparse ? " sparse" : "") + " t " + temperature;
  }
}
