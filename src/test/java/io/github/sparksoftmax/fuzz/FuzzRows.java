package io.github.sparksoftmax.fuzz;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of rows of logits for the fuzz suites: widths from 0 to {@value #MAX_WIDTH} (most of
 * them narrow), and values from every part of the double range, in row shapes that stress
 * different parts of the kernel: clustered values at any offset and spread (the rounding of
 * {@code x - max}), doubles from anywhere in the range (huge gaps), subnormals, magnitudes near
 * {@code Double.MAX_VALUE} (the top binades, and the value itself, where {@code x - max} nears
 * the end of the range), equal values, small integers (ties); any of them with infinities, NaN,
 * signed zeros and extreme values sprinkled in, or every entry {@code -Infinity}. Temperatures run
 * from 1e-300 to 1e300. Everything is built from jqwik arbitraries, so a failing row shrinks.
 */
public final class FuzzRows {
  /** The widest row generated. */
  public static final int MAX_WIDTH = 5000;

  private static final double[] SPECIALS = {
    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.0, -0.0,
    Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
    1.0, -1.0};

  private FuzzRows() {}

  /** Row widths: empty and one-entry rows, then mostly narrow rows, some up to the maximum. */
  public static Arbitrary<Integer> widths() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(5, Arbitraries.just(1)),
        Tuple.of(42, Arbitraries.integers().between(2, 16)),
        Tuple.of(35, Arbitraries.integers().between(17, 300)),
        Tuple.of(15, Arbitraries.integers().between(301, MAX_WIDTH)));
  }

  /** Rows of logits, of every shape (see the class comment). */
  public static Arbitrary<double[]> logits() {
    return logits(widths());
  }

  /** Rows of logits of every shape, of the given widths (the groups of long-format scores). */
  public static Arbitrary<double[]> logits(Arbitrary<Integer> widths) {
    return widths.flatMap(n -> Combinators.combine(shaped(n), sprinkles(n))
        .as(FuzzRows::sprinkled));
  }

  /** Temperatures: log-uniform over [1e-300, 1e300], or exactly 1, or near 1. */
  public static Arbitrary<Double> temperatures() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.integers().between(-300, 300).flatMap(
            exponent -> unit().map(u -> Math.pow(10, exponent + u)))),
        Tuple.of(3, Arbitraries.just(1.0)),
        Tuple.of(2, unit().map(u -> 0.5 + 1.5 * u)));
  }

  /** Uniform doubles in [0, 1), on 53 bits. */
  static Arbitrary<Double> unit() {
    return Arbitraries.longs().between(0, (1L << 53) - 1).map(bits -> bits * 0x1p-53);
  }

  /** A row of {@code n} entries of one of the shapes. */
  private static Arbitrary<double[]> shaped(int n) {
    return Arbitraries.frequencyOf(
        Tuple.of(40, clustered(n)),
        Tuple.of(12, entries(n, anywhere())),
        Tuple.of(8, entries(n, signed(between(0.0, 0x0.fffffffffffffp-1022)))),
        Tuple.of(6, entries(n, signed(between(1e300, Double.MAX_VALUE)))),
        Tuple.of(6, entries(n, Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(Double.MAX_VALUE)),
            Tuple.of(3, signed(between(0x1p1020, Double.MAX_VALUE)))))),
        Tuple.of(6, anywhere().map(v -> filled(n, v))),
        Tuple.of(6, entries(n, Arbitraries.integers().between(-20, 20).map(i -> (double) i))),
        Tuple.of(3, Arbitraries.just(n).map(width -> filled(width, Double.NEGATIVE_INFINITY))));
  }

  /**
   * Values within a spread (log-uniform over 1e-12 to 1e3, or 0) of an offset anywhere from 0 to
   * near the end of the double range, so that {@code x - max} rounds.
   */
  private static Arbitrary<double[]> clustered(int n) {
    Arbitrary<Double> offsets = Arbitraries.of(0.0, 1e3, -1e3, 1e15, -1e15, 1e300, -1e300, 1e308);
    Arbitrary<Double> spreads = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(0.0)),
        Tuple.of(9, unit().map(u -> Math.pow(10, -12 + 15 * u))));
    return Combinators.combine(offsets, spreads).flatAs(
        (offset, spread) -> entries(n, unit().map(u -> offset + spread * (2 * u - 1))));
  }

  /** Positive doubles from {@code low} to {@code high}, uniform over their bit patterns. */
  private static Arbitrary<Double> between(double low, double high) {
    return Arbitraries.longs()
        .between(Double.doubleToLongBits(low), Double.doubleToLongBits(high))
        .map(Double::longBitsToDouble);
  }

  /** Any double: uniform over the bit patterns, so over the exponents (NaN and infinities too). */
  private static Arbitrary<Double> anywhere() {
    return Arbitraries.longs().map(Double::longBitsToDouble);
  }

  private static Arbitrary<Double> signed(Arbitrary<Double> magnitudes) {
    return Combinators.combine(magnitudes, Arbitraries.of(1.0, -1.0)).as((m, s) -> s * m);
  }

  private static Arbitrary<double[]> entries(int n, Arbitrary<Double> values) {
    return values.list().ofSize(n)
        .map(list -> list.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Up to three (position, special value) pairs; none in most rows. */
  private static Arbitrary<List<int[]>> sprinkles(int n) {
    if (n == 0) {
      return Arbitraries.just(List.of());
    }
    Arbitrary<int[]> one = Combinators.combine(
        Arbitraries.integers().between(0, n - 1),
        Arbitraries.integers().between(0, SPECIALS.length - 1))
        .as((position, special) -> new int[] {position, special});
    return Arbitraries.frequencyOf(
        Tuple.of(7, Arbitraries.just(List.of())),
        Tuple.of(3, one.list().ofMinSize(1).ofMaxSize(3)));
  }

  private static double[] sprinkled(double[] row, List<int[]> sprinkles) {
    double[] result = row.clone();
    for (int[] sprinkle : sprinkles) {
      result[sprinkle[0]] = SPECIALS[sprinkle[1]];
    }
    return result;
  }

  private static double[] filled(int n, double value) {
    double[] row = new double[n];
    java.util.Arrays.fill(row, value);
    return row;
  }
}
