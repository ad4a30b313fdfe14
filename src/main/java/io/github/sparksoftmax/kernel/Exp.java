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
 * kept; {@code exp(r)} on {@code |r| <= ln(2)/2} is {@code 1 + r + r^2 q(r)}, where {@code q} is
 * a polynomial of degree 10 fitted to {@code (exp(r) - 1 - r) / r^2} for the least maximum error
 * (see the coefficients), evaluated in Estrin's scheme (pairs, then powers r^2 and r^4, for a
 * short dependency chain), with the leading {@code 1 + r} added in double-double; the result
 * is scaled by {@code 2^(n + 60)}, exactly, and then by {@code 2^-60}, rounded once, so that a
 * subnormal result is rounded only there. (One product by {@code 2^n} could not be built from
 * bits for {@code n < -1022}.)
 * Measured against a high-precision reference, a normal result is within 0.6 ulp (the tests
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
  /** {@code n >= -1076} above the cutoff, so {@code 2^(n + RAISE)} and its product are normal. */
  static final int RAISE = 60;
  static final double LOWERING = 0x1p-60;
  /**
   * Added to the bits of {@code shifted}, which are {@code SHIFT_BITS + n}, it gives the biased
   * exponent of {@code 2^(n + RAISE)}, to be moved into the exponent field.
   */
  static final long RAISED_EXPONENT_BITS = RAISE + EXPONENT_BIAS - SHIFT_BITS;
  /**
   * The coefficients of {@code q(r) = C2 + C3 r + ... + C12 r^10}, the polynomial of least
   * maximum error {@code |q(r) - (exp(r) - 1 - r) / r^2| e^-r} on {@code |r| <= ln(2)/2 + 1e-9},
   * found by the Remez exchange algorithm in 60-digit arithmetic ({@code src/test/python/
   * remez_exp.py}) and rounded to double. With these doubles, {@code r^2 q(r)} is within 2^-60
   * of {@code exp(r) - 1 - r}, relative to {@code exp(r)} ({@code ExpTest} checks it against
   * big-math): below the Taylor polynomial of degree 13 that this one replaced, with one step
   * less.
   */
  static final double C2 = 1.0 / 2;
  static final double C3 = 0x1.5555555555557p-3;
  static final double C4 = 0x1.555555555553cp-5;
  static final double C5 = 0x1.111111111015cp-7;
  static final double C6 = 0x1.6c16c16c23b81p-10;
  static final double C7 = 0x1.a01a01abab8a3p-13;
  static final double C8 = 0x1.a01a0157a9443p-16;
  static final double C9 = 0x1.71de02da4b736p-19;
  static final double C10 = 0x1.27e598383dae1p-22;
  static final double C11 = 0x1.af4cafb7b4981p-26;
  static final double C12 = 0x1.1e37fc780a364p-29;

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
    double q = Math.fma(Math.fma(Math.fma(C12, r2, Math.fma(C11, r, C10)), r4,
            Math.fma(Math.fma(C9, r, C8), r2, Math.fma(C7, r, C6))), r4,
        Math.fma(Math.fma(C5, r, C4), r2, Math.fma(C3, r, C2)));
    double tail = Math.fma(r2, q, Math.fma(r, rError, rError));
    double one = 1.0 + r;
    double e = one + (((1.0 - one) + r) + tail);
    return e * Double.longBitsToDouble(
        (Double.doubleToRawLongBits(shifted) + RAISED_EXPONENT_BITS) << MANTISSA_BITS) * LOWERING;
  }

}
