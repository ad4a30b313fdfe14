package io.github.sparksoftmax.kernel;

/**
 * The scaled gap {@code d = (x - r) / t} between two finite doubles, carried as an unevaluated sum
 * {@code hi + lo} so that the roundings of the subtraction and of the division do not reach what
 * is computed from it, and {@code exp(d)} from that sum. The scalar kernel's gaps ({@code x - max})
 * are never positive; the long-format numerics take gaps of either sign: a term above its
 * reference and a reference below the maximum.
 *
 * <p>Gaps wider than 2^1000 are formed from the halves of {@code x}, {@code r} and {@code t},
 * which is exact and keeps every intermediate of the error terms finite: without it, TwoSum of
 * two values near {@code Double.MAX_VALUE} overflows to NaN.
 */
final class Gap {

  /** Above this width the gap is formed from halves. */
  private static final double WIDE = 0x1p1000;

  private Gap() {}

  /** {@code (x - r) / t} rounded once: {@code hi}, possibly infinite when the gap overflows. */
  static double quotient(double x, double r, double t) {
    double d = x - r;
    if (Math.abs(d) <= WIDE) {
      return t == 1.0 ? d : d / t;
    }
    return (0.5 * x - 0.5 * r) / (0.5 * t);
  }

  /**
   * The rounding error {@code lo} of {@code q = quotient(x, r, t)}, so that {@code q + lo} is
   * {@code (x - r) / t} to about twice the precision of a double; 0 when {@code q} is infinite.
   */
  static double error(double x, double r, double t, double q) {
    if (!(Math.abs(q) <= Double.MAX_VALUE)) {
      return 0.0;
    }
    double a = x;
    double b = r;
    double s = t;
    double d = a - b;
    if (!(Math.abs(d) <= WIDE)) {
      a = 0.5 * x;
      b = 0.5 * r;
      s = 0.5 * t;
      d = a - b;
    }
    double subtraction = Softmax.twoSumError(a, -b, d);
    return s == 1.0 ? subtraction : (subtraction + Math.fma(-q, s, d)) / s;
  }

  /**
   * {@code exp((x - r) / t)} within 0.6 ulp (see {@link Exp}): 0 below about -745, and for gaps
   * up to about 660 (the scaling {@link Exp} applies has room for no more).
   */
  static double exp(double x, double r, double t) {
    if (x == r) {
      return 1.0;
    }
    double q = quotient(x, r, t);
    return Exp.exp(q, error(x, r, t, q));
  }
}
