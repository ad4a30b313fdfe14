package io.github.sparksoftmax.kernel;

/**
 * Run by {@link KernelSelectionTest} in a fresh JVM: prints whether the SIMD kernel was selected,
 * then the softmax and log-softmax of {@link #ROW} at {@link #TEMPERATURE}, one value per line as
 * raw bits.
 */
public final class KernelSelectionProbe {

  static final double[] ROW = {3.5, -1.25, 0.0, 7.0, Double.NEGATIVE_INFINITY, 2.0, -40.0, 6.5,
      1e-3, 5.0, -2.5, 0.125, 4.0};
  static final double TEMPERATURE = 0.8;

  private KernelSelectionProbe() {}

  public static void main(String[] args) {
    System.out.println("simd=" + Softmax.simdEnabled());
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] out = new double[ROW.length];
      Softmax.softmax(ROW, TEMPERATURE, logSpace, out);
      for (double v : out) {
        System.out.println(Double.doubleToRawLongBits(v));
      }
    }
  }
}
