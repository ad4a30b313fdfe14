package io.github.sparksoftmax.kernel;

/**
 * A fast path for dense rows. It declines, writing nothing, every row it does not handle, so the
 * scalar kernel stays the single place where special rows (NaN, infinite maximum, too short) are
 * decided.
 */
interface DenseSoftmax {

  /**
   * Computes the softmax (or log-softmax) of {@code logits} into {@code out} as
   * {@link Softmax#softmax(double[], double, boolean, double[], int)} does, or declines.
   *
   * @param temperature already checked finite and &gt; 0
   * @param out already checked to hold {@code logits.length} values from {@code offset}; may be
   *     {@code logits} when {@code offset} is 0
   * @return true when {@code out} holds the result; false when the row was declined and neither
   *     array was written
   */
  boolean trySoftmax(double[] logits, double temperature, boolean logSpace, double[] out,
      int offset);

  /**
   * Copies the {@code copy.length} doubles stored in {@code source} from {@code byteIndex} (8
   * bytes each, in the platform's byte order) into {@code copy}, and computes their softmax into
   * {@code out} exactly as {@link #trySoftmax} would on {@code copy}; or declines.
   *
   * @param source already checked to hold the row from {@code byteIndex}
   * @param copy not {@code out}
   * @return true when {@code copy} holds the row and {@code out} the result; false when the row was
   *     declined, and then {@code copy} may or may not hold it
   */
  boolean trySoftmaxOfBytes(byte[] source, int byteIndex, double[] copy, double temperature,
      boolean logSpace, double[] out, int offset);

  /**
   * The sum of {@code exp((x_i - max) / temperature)} over {@code logits}, each term also written
   * to {@code out[offset + i]}, computed as the dense kernel computes it; or NaN when declined
   * (then nothing was written).
   *
   * @param max finite, at least every logit
   * @param temperature already checked finite and &gt; 0
   * @param out does not overlap {@code logits}
   */
  double trySumOfExponentials(
      double[] logits, double max, double temperature, double[] out, int offset);
}
