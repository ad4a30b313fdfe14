package io.github.sparksoftmax.kernel;

/**
 * The exponential that both dense kernels use: {@code exp(hi + lo)} for a non-positive exponent
 * carried as an unevaluated sum, built only from additions, multiplications, fused multiply-adds
 * and bit moves. Java specifies each of those exactly, and the Vector API specifies its lanewise
 * forms to match, so {@link VectorSoftmax}'s copy of these steps gives the same bits as this one,
 * whether the JIT has compiled it or not. (The JDK's own {@code Math.exp} and the Vector API's
 * {@code EXP} make no such promise: the intrinsic and the Java fallback may round differently.)
 *
 * <p>The method (Tang's, without a table): {@code n = round(hi / ln 2)}; {@code r = hi - n ln2_hi}
 * exactly (Cody and Waite: {@code ln2_hi} has 42 significant bits and {@code |n| < 2^11}); the
 * rest of the exponent, {@code lo - n ln2_lo}, is added to {@code r} with its rounding error
 * kept; {@code exp(r)} on {@code |r| <= ln(2)/2} is the Taylor polynomial of degree 13 (the
 * remainder is below 2^-57), evaluated in Estrin's scheme (pairs, then powers r^2 and r^4, for a
 * short dependency chain), with the leading {@code 1 + r} added in double-double; the result
 * is scaled by {@code 2^n} in two exact steps, so that a subnormal result is rounded once.
 * Measured against a high-precision reference, a normal result is within 0.61 ulp (the tests
 * allow 0.65); a subnormal one is rounded twice, within 0.75 of {@link Double#MIN_VALUE}.
 */
final class Exp {

  /** Below this exponent the result rounds to 0; it keeps {@code n} within 11 bits. */
  static final double CUTOFF = -746.0;
  static final double INV_LN2 = 0x1.71547652b82fep0;
  /** Adding 1.5 * 2^52 rounds to an integer, which then sits in the low bits of the sum. */
  static final double SHIFT = 0x1.8p52;
  static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
  /** ln 2 in 42 significant bits, so that {@code n * LN2_HI} is exact. */
  static final double LN2_HI = 0x1.62e42fefa38p-1;
  /** ln 2 - LN2_HI, rounded. */
  static final double LN2_LO = 0x1.ef35793c7673p-45;
  static final long EXPONENT_BIAS = 1023;
  static final int MANTISSA_BITS = 52;
  /** 1/k!, the Taylor coefficients after {@code 1 + r}; each is rounded once. */
  static final double C2 = 1.0 / 2;
  static final double C3 = 1.0 / 6;
  static final double C4 = 1.0 / 24;
  static final double C5 = 1.0 / 120;
  static final double C6 = 1.0 / 720;
  static final double C7 = 1.0 / 5040;
  static final double C8 = 1.0 / 40320;
  static final double C9 = 1.0 / 362880;
  static final double C10 = 1.0 / 3628800;
  static final double C11 = 1.0 / 39916800;
  static final double C12 = 1.0 / 479001600;
  static final double C13 = 1.0 / 6227020800L;

  private Exp() {}

  /**
   * {@code exp(hi + lo)}, where {@code lo} is far below one ulp of {@code hi}.
   *
   * @param hi at most about 0 (softmax exponents are {@code <= 0}); {@code -Infinity} gives 0
   * @param lo the correction; ignored when the result is 0
   */
  static double exp(double hi, double lo) {
    if (!(hi >= CUTOFF)) {
      return 0.0;
    }
    double shifted = Math.fma(hi, INV_LN2, SHIFT);
    double n = shifted - SHIFT;
    double r0 = Math.fma(n, -LN2_HI, hi);
    double rest = Math.fma(n, -LN2_LO, lo);
    double r = r0 + rest;
    // Fast2Sum: exact when |r0| >= |rest|; otherwise r0 is below 1e-10 and the error negligible.
    double rError = rest - (r - r0);
    double r2 = r * r;
    double r4 = r2 * r2;
    double q = Math.fma(Math.fma(Math.fma(Math.fma(C13, r, C12), r2, Math.fma(C11, r, C10)), r4,
            Math.fma(Math.fma(C9, r, C8), r2, Math.fma(C7, r, C6))), r4,
        Math.fma(Math.fma(C5, r, C4), r2, Math.fma(C3, r, C2)));
    double tail = Math.fma(r2, q, Math.fma(r, rError, rError));
    double one = 1.0 + r;
    double e = one + (((1.0 - one) + r) + tail);
    long exponent = Double.doubleToRawLongBits(shifted) - SHIFT_BITS;
    long half = exponent >> 1;
    return e * powerOfTwo(half) * powerOfTwo(exponent - half);
  }

  /** {@code 2^k} for {@code -1022 <= k <= 1023}. */
  private static double powerOfTwo(long k) {
    return Double.longBitsToDouble((k + EXPONENT_BIAS) << MANTISSA_BITS);
  }

}
