package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SIMD kernel against the high-precision reference (with the contract of
 * {@link SoftmaxKernelTest}) and against the scalar kernel. The test JVM
 * resolves {@code jdk.incubator.vector} (see the surefire argLine), so both kernels run here.
 */
class VectorSoftmaxTest {

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final double POS_INF = Double.POSITIVE_INFINITY;

  private final VectorSoftmax simd = new VectorSoftmax();

  @Test
  void simdKernelIsSelectedWhenTheModuleIsResolved() {
    assertTrue(Softmax.simdEnabled());
  }

  /**
   * The SIMD kernel's exponentials, as it writes them before normalising, have the bits of
   * {@link Exp#exp} on the same exponent {@code hi + lo}, across the range and at -Infinity: at
   * t = 1 (the kernel's own steps for it) {@code x + shift} with its rounding error as {@code lo},
   * and at another temperature the general steps, written out here in scalar form.
   */
  @Test
  void vectorExponentialsHaveTheScalarBits() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 2_000; round++) {
      int k = 8 + random.nextInt(60);
      double[] x = new double[k];
      for (int i = 0; i < k; i++) {
        x[i] = i % 7 == 3 ? Double.NEGATIVE_INFINITY
            : -random.nextDouble(0.0, i % 2 == 0 ? 760.0 : 3.0);
      }
      double shift = round % 2 == 0 ? 0.0 : -random.nextDouble(0.0, 1.0);
      double[] terms = new double[k];
      VectorSoftmax.sumOfExponentials(x, 1.0, shift, 1.0, terms, 0, 0.0);
      for (int i = 0; i < k; i++) {
        double hi = x[i] + shift;
        double lo = Softmax.twoSumError(x[i], shift, hi);
        assertEquals(Double.doubleToRawLongBits(Exp.exp(hi, lo)),
            Double.doubleToRawLongBits(terms[i]), "exp(" + hi + " + " + lo + ")");
      }
      double t = random.nextDouble(0.1, 0.9);
      VectorSoftmax.sumOfExponentials(x, 1.0, shift, t, terms, 0, 0.0);
      for (int i = 0; i < k; i++) {
        double gap = x[i] + shift;
        double hi = gap * (1.0 / t);
        double lo = (Math.fma(hi, -t, gap) + Softmax.twoSumError(x[i], shift, gap)) * (1.0 / t);
        assertEquals(Double.doubleToRawLongBits(Exp.exp(hi, lo)),
            Double.doubleToRawLongBits(terms[i]),
            "exp(" + hi + " + " + lo + ") at t " + t);
      }
    }
  }

  /**
   * Where the other classes add little to the normaliser, the top class's log-probability is
   * tiny, and both kernels keep it within 4 ulps of itself, not only of 1 (the SIMD kernel took
   * the log of the rounded sum and gave 0: found by the Spark fuzz suite).
   */
  @Test
  void theTopClassKeepsTheRelativeAccuracyOfItsLogProbability() {
    double[][] rows = {
        {11, 7, 1, 19, -9, -14, -7, 2, 9},
        {0, -40, -41.5, -45, -50, -60, -70, -80, -90, -100, -110, -120, -130},
        {3, 3 - 1e-3, -700, -700, -700, -700, -700, -700}};
    double[] temperatures = {0.1, 1, 1e-3};
    for (int r = 0; r < rows.length; r++) {
      double[] row = rows[r];
      ExactSoftmax exact = ExactSoftmax.of(row, temperatures[r]);
      int top = Softmax.argmax(row);
      double[] simdOut = filled(row.length, Double.NaN);
      assertTrue(simd.trySoftmax(row, temperatures[r], true, simdOut, 0));
      double[] scalarOut = filled(row.length, Double.NaN);
      Softmax.scalarSoftmax(row, temperatures[r], true, scalarOut, 0);
      for (double[] out : new double[][] {simdOut, scalarOut}) {
        double error = exact.logProbabilityRelativeUlps(top, out[top]);
        assertTrue(error <= 4, Arrays.toString(row) + ": log p " + out[top] + ", exact "
            + exact.logProbability(top) + ", off by " + error + " ulps of itself");
      }
    }
  }

  @Test
  void writesFromAnOffsetAndNothingElse() {
    Random random = new Random(5);
    for (int k : new int[] {8, 13, 64, 101}) {
      double[] row = random.doubles(k).map(v -> 20 * v - 10).toArray();
      for (boolean logSpace : new boolean[] {false, true}) {
        double[] expected = new double[k];
        assertTrue(simd.trySoftmax(row, 1.3, logSpace, expected, 0));
        double[] buffer = filled(k + 9, 42.0);
        assertTrue(simd.trySoftmax(row, 1.3, logSpace, buffer, 5));
        assertArrayEquals(expected, Arrays.copyOfRange(buffer, 5, 5 + k));
        assertArrayEquals(filled(5, 42.0), Arrays.copyOfRange(buffer, 0, 5));
        assertArrayEquals(filled(4, 42.0), Arrays.copyOfRange(buffer, 5 + k, k + 9));
      }
    }
  }

  /**
   * A row stored as bytes in the platform's byte order (as Spark's binary rows hold it), at
   * aligned and unaligned positions, gives the bits of the same row as doubles, through the SIMD
   * kernel and through the scalar path, with the special values that make the SIMD kernel decline.
   */
  @Test
  void aRowStoredAsBytesGivesTheBitsOfTheRowAsDoubles() {
    SplittableRandom random = new SplittableRandom(23);
    double[] special = {Double.NaN, POS_INF, NEG_INF, -0.0, Double.MIN_VALUE, -800.0};
    for (int round = 0; round < 600; round++) {
      int k = random.nextInt(41);
      double[] row = new double[k];
      for (int i = 0; i < k; i++) {
        row[i] = random.nextInt(12) == 0 ? special[random.nextInt(special.length)]
            : random.nextDouble(-40.0, 40.0);
      }
      int byteIndex = round % 3 == 0 ? 3 : 8 * random.nextInt(4);
      ByteBuffer bytes = ByteBuffer.allocate(byteIndex + 8 * k + 5).order(ByteOrder.nativeOrder());
      for (int i = 0; i < k; i++) {
        bytes.putDouble(byteIndex + 8 * i, row[i]);
      }
      double temperature = round % 4 == 0 ? 1.0 : random.nextDouble(0.05, 5.0);
      boolean logSpace = round % 2 == 1;
      for (DenseSoftmax kernel : new DenseSoftmax[] {simd, null}) {
        double[] expected = new double[k + 2];
        RowStatus status = kernel != null
            && kernel.trySoftmax(row, temperature, logSpace, expected, 2)
            ? RowStatus.VALID : Softmax.scalarSoftmax(row, temperature, logSpace, expected, 2);
        double[] copy = new double[k];
        double[] out = new double[k + 2];
        assertEquals(status, Softmax.softmaxOfBytes(kernel, bytes.array(), byteIndex, copy,
            temperature, logSpace, out, 2));
        String context = Arrays.toString(row) + " at byte " + byteIndex + ", t " + temperature
            + (kernel == null ? ", scalar" : ", SIMD");
        assertArrayEquals(row, copy, context);
        assertArrayEquals(expected, out, context);
      }
    }
  }

  @Test
  void aRowStoredAsBytesMustFitItsArray() {
    double[] copy = new double[10];
    double[] out = new double[10];
    assertThrows(IndexOutOfBoundsException.class,
        () -> Softmax.softmax(new byte[87], 8, copy, 1.0, false, out, 0));
    assertThrows(IndexOutOfBoundsException.class,
        () -> Softmax.softmax(new byte[88], -1, copy, 1.0, false, out, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Softmax.softmax(new byte[88], 8, copy, 1.0, false, copy, 0));
  }

  static Stream<Arguments> randomRows() {
    Random random = new Random(20240611L);
    int[] widths = {8, 9, 10, 15, 16, 17, 31, 33, 100, 1000};
    double[] spreads = {1.0, 40.0, 700.0};
    // 2.0 is halved to t = 1 with the logits scaled by 1/2.
    double[] temperatures = {1.0, 2.0, 0.3, 3.7};
    Stream.Builder<Arguments> rows = Stream.builder();
    for (int k : widths) {
      for (double spread : spreads) {
        double offset = random.nextBoolean() ? 0.0 : 1e5 * random.nextGaussian();
        double[] row = new double[k];
        for (int i = 0; i < k; i++) {
          row[i] = offset + spread * random.nextGaussian();
        }
        for (double t : temperatures) {
          rows.add(Arguments.of(k + " logits, spread " + spread + ", t=" + t, row, t));
        }
      }
    }
    return rows.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("randomRows")
  void simdAndScalarKernelsMeetTheContractOnRandomRows(String name, double[] row, double t) {
    assertBothKernelsWithinContract(row, t);
  }

  static Stream<Arguments> rowsTheSimdKernelComputes() {
    // The maximum stays below 2^1023 (about 8.99e307): the kernel declines larger ones at t <= 1.
    double[] spreadAtBothEnds =
        {-Double.MAX_VALUE, 3.0, 8e307, 2.0, -5.0, 1.0, 0.0, -1.0, 7.5, -2.0};
    double[] maximumInTheTopBinade = {-1e308, 3.0, 1e308, 2.0, -5.0, 1.0, 0.0, -1.0, 7.5, -2.0};
    return Stream.of(
        Arguments.of("-Infinity in the vector part and the tail",
            new double[] {NEG_INF, 1, 2, 3, NEG_INF, 5, 6, 7, 8, NEG_INF, 10}, 1.0),
        Arguments.of("-Infinity, temperature below 1",
            new double[] {NEG_INF, 1, 2, 3, NEG_INF, 5, 6, 7, 8, NEG_INF, 10}, 0.25),
        Arguments.of("underflow to zero and subnormal",
            new double[] {0, -700, -740, -744, -746, -800, -1, -2, -3, -1e4}, 1.0),
        Arguments.of("gap beyond the double range at t=1", spreadAtBothEnds, 1.0),
        Arguments.of("gap beyond the double range at t<1", spreadAtBothEnds, 0.5),
        Arguments.of("gap beyond the double range at t>1", spreadAtBothEnds, 2.0),
        Arguments.of("gap beyond the double range at t>>1", spreadAtBothEnds, 1e308),
        Arguments.of("maximum in the top binade at t>1", maximumInTheTopBinade, 2.0),
        Arguments.of("large logits that round when shifted", new double[] {1e15, 1e15 + 1, 1e15 - 3,
            1e15 + 0.5, 1e15 - 2, 1e15 + 2, 1e15, 1e15 - 1, 1e15 + 3}, 1.0),
        Arguments.of("huge temperature", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1e300),
        Arguments.of("tiny temperature",
            new double[] {1, 1 + 1e-12, 1 - 1e-12, 1, 1, 0, 0, 0, 2e-12}, 1e-12),
        Arguments.of("equal logits", new double[17], 1.0),
        // Log-probabilities within an ulp of -Double.MAX_VALUE, which the SIMD kernel gave as
        // -Infinity (found by the Spark fuzz suite): gap (1/t) overflowed where gap / t did not.
        Arguments.of("log-probability at the end of the range, t<1",
            withAt(9, 3, -1.7976931348623155E308), 0.9999999999999999),
        Arguments.of("log-probability at the end of the range, t>1", new double[] {
            -1.0000000000000078E300, Double.MAX_VALUE, 1.0000000000008152E300, -1.0002110893889724E300,
            1.0000000003645509E300, 1.7976931348623155E308, -1.7976931348623155E308,
            1.000000000000141E300, -1.000000000007615E300, 1.7976931348623155E308,
            -1.0000000000444914E300, 1.0000000000000047E300}, 1.9999999999999998));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rowsTheSimdKernelComputes")
  void edgeRowsMeetTheContract(String name, double[] row, double t) {
    assertBothKernelsWithinContract(row, t);
  }

  static Stream<Arguments> rowsTheSimdKernelDeclines() {
    return Stream.of(
        Arguments.of("empty", new double[0], 1.0),
        Arguments.of("shorter than a vector", new double[] {1, 2, 3}, 1.0),
        Arguments.of("NaN in the vector part", withAt(10, 2, Double.NaN), 1.0),
        Arguments.of("NaN in the tail", withAt(11, 10, Double.NaN), 1.0),
        Arguments.of("+Infinity", withAt(12, 3, POS_INF), 1.0),
        Arguments.of("+Infinity in the tail", withAt(9, 8, POS_INF), 2.0),
        Arguments.of("all -Infinity", filled(10, NEG_INF), 1.0),
        Arguments.of("maximum in the top binade at t=1",
            new double[] {-1e308, 3.0, 1e308, 2.0, -5.0, 1.0, 0.0, -1.0, 7.5}, 1.0),
        Arguments.of("maximum in the top binade at t<1", withAt(9, 4, 0x1p1023), 0.5),
        Arguments.of("subnormal temperature", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1e-310));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rowsTheSimdKernelDeclines")
  void declinedRowsAreLeftUntouchedAndComputedByTheScalarKernel(
      String name, double[] row, double t) {
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] untouched = filled(row.length, 42.0);
      assertFalse(simd.trySoftmax(row, t, logSpace, untouched, 0));
      assertArrayEquals(filled(row.length, 42.0), untouched);

      double[] viaDispatch = new double[row.length];
      RowStatus status = Softmax.softmax(row, t, logSpace, viaDispatch);
      double[] scalar = new double[row.length];
      assertEquals(Softmax.scalarSoftmax(row, t, logSpace, scalar, 0), status);
      assertArrayEquals(scalar, viaDispatch);
    }
  }

  @Test
  void computesInPlaceOnWholeVectorsAndDeclinesOtherInPlaceRows() {
    Random random = new Random(7);
    int lanes = VectorSoftmax.SPECIES.length();
    double[] whole = random.doubles(4 * lanes).map(v -> 30 * v).toArray();
    double[] expected = new double[whole.length];
    assertTrue(simd.trySoftmax(whole, 0.7, false, expected, 0));
    double[] inPlace = whole.clone();
    assertTrue(simd.trySoftmax(inPlace, 0.7, false, inPlace, 0));
    assertArrayEquals(expected, inPlace);

    double[] partial = random.doubles(4 * lanes + 3).map(v -> 30 * v).toArray();
    for (double[] row : new double[][] {whole, partial}) {
      for (boolean logSpace : new boolean[] {false, true}) {
        if (row == whole && !logSpace) {
          continue;
        }
        double[] untouched = row.clone();
        assertFalse(simd.trySoftmax(untouched, 0.7, logSpace, untouched, 0));
        assertArrayEquals(row, untouched);
        double[] scalar = new double[row.length];
        Softmax.scalarSoftmax(row, 0.7, logSpace, scalar, 0);
        double[] viaDispatch = row.clone();
        Softmax.softmax(viaDispatch, 0.7, logSpace, viaDispatch);
        assertArrayEquals(scalar, viaDispatch);
      }
    }
  }

  /**
   * Both spaces of both kernels on a row the SIMD kernel accepts, against the reference, each
   * kernel writing into outputs of NaN of its own.
   */
  private void assertBothKernelsWithinContract(double[] row, double t) {
    ExactSoftmax exact = ExactSoftmax.of(row, t);
    double[] p = filled(row.length, Double.NaN);
    double[] logP = filled(row.length, Double.NaN);
    assertTrue(simd.trySoftmax(row, t, false, p, 0));
    assertTrue(simd.trySoftmax(row, t, true, logP, 0));
    Contract.assertWithinContract(exact, p, logP, "SIMD kernel");
    double[] scalarP = filled(row.length, Double.NaN);
    double[] scalarLogP = filled(row.length, Double.NaN);
    assertEquals(RowStatus.VALID, Softmax.scalarSoftmax(row, t, false, scalarP, 0));
    assertEquals(RowStatus.VALID, Softmax.scalarSoftmax(row, t, true, scalarLogP, 0));
    Contract.assertWithinContract(exact, scalarP, scalarLogP, "scalar kernel");
  }

  private static double[] withAt(int length, int index, double value) {
    double[] row = new double[length];
    Arrays.setAll(row, i -> i * 0.5);
    row[index] = value;
    return row;
  }

  private static double[] filled(int length, double value) {
    double[] row = new double[length];
    Arrays.fill(row, value);
    return row;
  }
}
