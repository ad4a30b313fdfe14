package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel against its accuracy contract, measured with {@link ExactSoftmax}: every probability
 * in the normal range within 4 ulps of the exact softmax of the given doubles, every subnormal one
 * within 2 {@link Double#MIN_VALUE} (one rounding of exp, one of its correction, one of the
 * division), every log-probability within 4 ulps of {@code max(1, |exact|)}, and the float path
 * within 1 float ulp (of {@code max(1, |exact|)} for log-probabilities, as for doubles). Then the
 * semantics of infinities, NaN, empty and sparse rows, aliasing, row checks, argmax and arguments.
 */
class SoftmaxKernelTest {


  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  private static final long SEED = 20_250_601L;
  /** About 120k exact exponentials (140k entries): some ten seconds of big-math on one core. */
  private static final int RANDOM_ROWS = 120;
  private static final int MAX_ROW_LENGTH = 10_000;
  private static final double MAX_SPREAD = 1_000;
  private static final double MAX_OFFSET = 1e4;
  private static final double MIN_TEMPERATURE = 0.01;
  private static final double MAX_TEMPERATURE = 1e6;

  /**
   * Random rows through the kernel as callers reach it (rows of 8 or more through the SIMD kernel
   * here) and through the scalar kernel on its own, as executors without the vector module run
   * it, into outputs filled with NaN beforehand so that no value is left over from another call.
   */
  @Test
  void randomRowsMeetTheAccuracyContract() {
    Random random = new Random(SEED);
    Errors kernel = new Errors();
    Errors scalar = new Errors();
    Errors naive = new Errors();
    Worst floats = new Worst();
    Worst floatLogs = new Worst();
    for (int row = 0; row < RANDOM_ROWS; row++) {
      // Every other row holds float values, so that one reference serves both paths.
      boolean floatRow = row % 2 == 1;
      double[] logits = randomRow(random, floatRow);
      double temperature = randomTemperature(random);
      ExactSoftmax exact = ExactSoftmax.of(logits, temperature);
      kernel.record(exact, softmax(logits, temperature, false), softmax(logits, temperature, true),
          row);
      scalar.record(exact, scalarSoftmax(logits, temperature, false),
          scalarSoftmax(logits, temperature, true), row);
      naive.record(exact, naiveSoftmax(logits, temperature, false),
          naiveSoftmax(logits, temperature, true), row);
      if (floatRow) {
        float[] floatLogits = toFloats(logits);
        float[] floatP = softmax(floatLogits, temperature, false);
        float[] floatLogP = softmax(floatLogits, temperature, true);
        for (int i = 0; i < logits.length; i++) {
          floats.record(exact.floatProbabilityUlps(i, floatP[i]), row, i);
          floatLogs.record(exact.floatLogProbabilityUlps(i, floatLogP[i]), row, i);
        }
      }
    }
    System.out.printf(Locale.ROOT,
        "Softmax kernel worst errors on %d random rows (scalar kernel alone, then naive softmax,"
            + " in brackets):%n"
            + "  probabilities: %.2f ulps [%.2f, %.1f]; subnormal ones: %.2f Double.MIN_VALUE"
            + " [%.2f, %.1f]%n"
            + "  log-probabilities: %.2f ulps of max(1, |exact|) [%.2f, %.1f]%n"
            + "  float path: probabilities %.2f float ulps, log-probabilities %.2f%n",
        RANDOM_ROWS, kernel.probabilities.error, scalar.probabilities.error,
        naive.probabilities.error, kernel.subnormals.error, scalar.subnormals.error,
        naive.subnormals.error, kernel.logProbabilities.error, scalar.logProbabilities.error,
        naive.logProbabilities.error, floats.error, floatLogs.error);
    assertAll(
        () -> kernel.assertWithinContract("kernel"),
        () -> scalar.assertWithinContract("scalar kernel"),
        () -> floats.assertAtMost(Contract.FLOAT_ULPS, "float probability ulps"),
        () -> floatLogs.assertAtMost(Contract.FLOAT_ULPS, "float log-probability ulps"));
  }

  @Test
  void logitsAtBothEndsOfTheDoubleRange() {
    // The gap overflows a double; a temperature above 1 brings the scaled gap back into range.
    for (double temperature : new double[] {1, 1.5, 2, 1e300, 1e308, Double.MAX_VALUE}) {
      assertMatchesReference(new double[] {1e308, -1e308}, temperature);
    }
    double max = Double.MAX_VALUE;
    assertMatchesReference(new double[] {max, -max, 0}, max);
  }

  /**
   * A gap {@code x - max} near {@code -Double.MAX_VALUE}, whose TwoSum error term overflowed: the
   * log-probability was NaN (issue #22), rows short and long, at temperatures on both sides of 1.
   */
  @Test
  void logSoftmaxOfAGapNearTheEndOfTheDoubleRange() {
    double[] pair = {5.751019143863584E307, Double.MAX_VALUE};
    // Long enough for the SIMD kernel; one gap beyond the double range, the others just inside.
    double[] wide = new double[19];
    Arrays.setAll(wide, i -> i % 3 == 0 ? pair[0] : Double.MAX_VALUE - (i - 1) * 0x1p971);
    wide[7] = -0.5 * Double.MAX_VALUE;
    for (double temperature : new double[] {1, 0.75, 2, 1e10}) {
      assertMatchesReference(pair, temperature);
      assertMatchesReference(wide, temperature);
    }
  }

  @Test
  void largeLogitsDoNotOverflow() {
    assertMatchesReference(new double[] {1000, 1001, 1002}, 1);
    assertMatchesReference(new double[] {-1000, -1001, -1002}, 1);
  }

  @Test
  void hugeGapWithHugeTemperature() {
    double[] logits = {1e308, -1e308};
    double[] p = softmax(logits, 1e308, false);
    double[] logP = softmax(logits, 1e308, true);
    // d = [0, -2]: p = [1, e^-2] / (1 + e^-2), log p = d - log(1 + e^-2), rounded from 40 digits.
    assertEquals(0.8807970779778824, p[0], 4 * Math.ulp(0.88));
    assertEquals(0.11920292202211756, p[1], 4 * Math.ulp(0.119));
    assertEquals(-0.1269280110429725, logP[0], 4 * Math.ulp(1.0));
    assertEquals(-2.1269280110429727, logP[1], 4 * Math.ulp(2.12));
    assertMatchesReference(logits, 1e308);
  }

  @Test
  void logSoftmaxKeepsFarEntriesFinite() {
    double[] logP = softmax(new double[] {0, -1000}, 1, true);
    assertEquals(0.0, logP[0], 4 * Math.ulp(1.0));
    assertEquals(-1000.0, logP[1], 4 * Math.ulp(1000.0));
    assertMatchesReference(new double[] {0, -1000}, 1);
  }

  @Test
  void negativeInfinityGetsExactlyZero() {
    double[] logits = {NEG_INF, 0, 1.5, NEG_INF};
    for (double temperature : new double[] {1, 0.3, 7}) {
      double[] p = softmax(logits, temperature, false);
      double[] logP = softmax(logits, temperature, true);
      assertEquals(0.0, p[0], 0.0);
      assertEquals(0.0, p[3], 0.0);
      assertEquals(NEG_INF, logP[0]);
      assertEquals(NEG_INF, logP[3]);
      assertMatchesReference(logits, temperature);
    }
  }

  @Test
  void onePositiveInfinityTakesAllTheMass() {
    double[] logits = {1, INF, NEG_INF, 1e308};
    assertArrayEquals(new double[] {0, 1, 0, 0}, softmax(logits, 1, false), 0.0);
    assertArrayEquals(new double[] {NEG_INF, 0, NEG_INF, NEG_INF}, softmax(logits, 1, true), 0.0);
  }

  @Test
  void positiveInfinitiesShareTheMassEqually() {
    double[] two = {INF, 3, INF, NEG_INF};
    assertArrayEquals(new double[] {0.5, 0, 0.5, 0}, softmax(two, 2, false), 0.0);
    Contract.assertSoftmax(two, 2, true, softmax(two, 2, true), "two infinities, log");
    double[] three = {INF, INF, 0, INF};
    for (boolean logSpace : new boolean[] {false, true}) {
      Contract.assertSoftmax(three, 1, logSpace, softmax(three, 1, logSpace), "three infinities");
    }
  }

  @Test
  void nanEntryMakesTheRowInvalid() {
    assertInvalid(RowStatus.NAN_ENTRY, new double[] {1, Double.NaN, INF});
    assertInvalid(RowStatus.NAN_ENTRY, new double[] {Double.NaN, NEG_INF});
  }

  @Test
  void allNegativeInfinityMakesTheRowInvalid() {
    assertInvalid(RowStatus.ALL_NEGATIVE_INFINITY, new double[] {NEG_INF});
    assertInvalid(RowStatus.ALL_NEGATIVE_INFINITY, new double[] {NEG_INF, NEG_INF});
  }

  @Test
  void emptyRowIsValidAndEmpty() {
    for (boolean logSpace : new boolean[] {false, true}) {
      assertEquals(RowStatus.VALID, Softmax.softmax(new double[0], 1, logSpace, new double[0]));
      assertEquals(RowStatus.VALID, Softmax.softmax(new float[0], 1, logSpace, new float[0]));
      assertEquals(
          RowStatus.VALID,
          Softmax.softmaxSparse(0, new int[0], new double[0], 1, logSpace, new double[0]));
    }
  }

  @Test
  void singleEntryHasProbabilityOne() {
    for (double x : new double[] {0, 42.5, -1e308, Double.MAX_VALUE, Double.MIN_VALUE}) {
      for (double temperature : new double[] {1, 1e-300, 1e300}) {
        assertEquals(1.0, softmax(new double[] {x}, temperature, false)[0], 0.0, "x = " + x);
        assertEquals(0.0, softmax(new double[] {x}, temperature, true)[0], 0.0, "x = " + x);
      }
    }
  }

  @Test
  void tinyTemperatureScalesTheGapsNotTheLogits() {
    // x / t overflows, (x - max) / t does not for the entries next to the maximum.
    double[] logits = {1, 2, 3};
    assertArrayEquals(new double[] {0, 0, 1}, softmax(logits, 1e-308, false), 0.0);
    assertMatchesReference(logits, 1e-308);
    assertMatchesReference(new double[] {0, 1e-300, 2e-300}, 1e-300);
    double min = Double.MIN_VALUE;
    assertMatchesReference(new double[] {0, min, 2 * min}, min);
  }

  @Test
  void sparseRowsEqualTheDenseRowWithZerosFilledIn() {
    assertSparseMatchesReference(10, new int[] {1, 4, 7}, new double[] {2.5, -3, 0}, 1);
    assertSparseMatchesReference(10, new int[] {0, 9}, new double[] {-700, -750}, 0.5);
    assertSparseMatchesReference(6, new int[] {2, 3}, new double[] {1e4, 1e4 - 0.5}, 3);
    assertSparseMatchesReference(5, new int[] {}, new double[] {}, 1);
    assertSparseMatchesReference(1000, new int[] {999}, new double[] {5}, 0.1);
    Random random = new Random(SEED);
    for (int row = 0; row < 40; row++) {
      int size = 1 + random.nextInt(300);
      int nnz = random.nextInt(size + 1);
      int[] indices = random.ints(0, size).limit(nnz).sorted().distinct().toArray();
      double spread = Math.exp(random.nextDouble() * Math.log(MAX_SPREAD));
      double[] values = random.doubles(indices.length, -spread, spread).toArray();
      assertSparseMatchesReference(size, indices, values, randomTemperature(random));
    }
  }

  @Test
  void sparseRowsWithEveryEntryExplicit() {
    int[] all = {0, 1, 2};
    assertSparseMatchesReference(3, all, new double[] {1, 2, 3}, 1);
    // No implicit zero and every entry far below 0: exp(-max / t) must not be taken.
    assertSparseMatchesReference(3, all, new double[] {-1000, -1001, -1002.5}, 1);
    assertSparseMatchesReference(3, all, new double[] {-5, -6, -5.5}, 0.001);
    // The same with rows long enough for the SIMD kernel to sum the explicit terms.
    int[] twenty = new int[20];
    Arrays.setAll(twenty, i -> i);
    double[] farBelowZero = new double[20];
    Arrays.setAll(farBelowZero, i -> -1000 - 0.37 * i);
    assertSparseMatchesReference(20, twenty, farBelowZero, 1);
    assertSparseMatchesReference(20, twenty, farBelowZero, 7.5);
    double[] withInfinities = farBelowZero.clone();
    withInfinities[3] = NEG_INF;
    withInfinities[17] = NEG_INF;
    assertSparseMatchesReference(20, twenty, withInfinities, 0.5);
    int[] spread = new int[12];
    Arrays.setAll(spread, i -> 3 * i + 1);
    assertSparseMatchesReference(40, spread, Arrays.copyOf(withInfinities, 12), 1);
  }

  @Test
  void sparseRowsWithInfiniteOrNanEntries() {
    assertSparseMatchesReference(4, new int[] {0, 2}, new double[] {NEG_INF, 1}, 1);
    int[] all = {0, 1, 2, 3};
    assertSparseMatchesReference(4, all, new double[] {NEG_INF, 1, NEG_INF, -2}, 2);

    int[] oneInfinity = {1, 3};
    double[] oneInfinityValues = {INF, 2};
    assertArrayEquals(
        new double[] {0, 1, 0, 0, 0}, sparse(5, oneInfinity, oneInfinityValues, false), 0.0);
    assertArrayEquals(
        new double[] {NEG_INF, 0, NEG_INF, NEG_INF, NEG_INF},
        sparse(5, oneInfinity, oneInfinityValues, true),
        0.0);

    int[] twoInfinities = {0, 2, 3};
    double[] twoInfinitiesValues = {INF, NEG_INF, INF};
    assertArrayEquals(
        new double[] {0.5, 0, 0, 0.5}, sparse(4, twoInfinities, twoInfinitiesValues, false), 0.0);
    Contract.assertSoftmax(new double[] {INF, 0, NEG_INF, INF}, 1, true,
        sparse(4, twoInfinities, twoInfinitiesValues, true), "sparse, two infinities, log");

    for (boolean logSpace : new boolean[] {false, true}) {
      double[] out = new double[4];
      RowStatus status =
          Softmax.softmaxSparse(4, new int[] {1}, new double[] {Double.NaN}, 1, logSpace, out);
      assertEquals(RowStatus.NAN_ENTRY, status);
      Contract.assertAllNaN(out, "invalid row");
      out = new double[2];
      status = Softmax.softmaxSparse(2, new int[] {0, 1}, new double[] {NEG_INF, NEG_INF}, 1,
          logSpace, out);
      assertEquals(RowStatus.ALL_NEGATIVE_INFINITY, status);
      Contract.assertAllNaN(out, "invalid row");
    }
  }

  @Test
  void malformedSparseRowsAreRejectedBeforeAnythingIsWritten() {
    Object[][] rows = {
        {3, new int[] {-1, 1}, 2, "index -1 (at position 0) is negative"},
        {3, new int[] {0, 5}, 2, "index 5 (at position 1) is not below the size 3"},
        {3, new int[] {3}, 1, "index 3 (at position 0) is not below the size 3"},
        {-2, new int[0], 0, "its size -2 is negative"},
        {4, new int[] {2, 1}, 2, "index 1 (at position 1) does not exceed the index before it, 2"},
        {4, new int[] {1, 1}, 2, "index 1 (at position 1) does not exceed the index before it, 1"},
        {4, new int[] {0, 1}, 1, "it has 2 indices but 1 values"},
    };
    for (Object[] row : rows) {
      int size = (int) row[0];
      int[] indices = (int[]) row[1];
      double[] values = new double[(int) row[2]];
      String problem = (String) row[3];
      assertEquals(problem, Softmax.sparseRowProblem(size, indices, values.length));
      double[] out = new double[8];
      Arrays.fill(out, 42.0);
      MalformedSparseRowException e = assertThrows(MalformedSparseRowException.class,
          () -> Softmax.softmaxSparse(size, indices, values, 1, false, out, 2));
      assertEquals(problem, e.problem());
      assertEquals("malformed sparse row: " + problem, e.getMessage());
      assertTrue(Arrays.stream(out).allMatch(v -> v == 42.0), problem);
    }
    assertNull(Softmax.sparseRowProblem(3, new int[] {0, 2}, 2));
    assertNull(Softmax.sparseRowProblem(0, new int[0], 0));
  }

  @Test
  void floatPathNearTheFloatExtremes() {
    float max = Float.MAX_VALUE;
    float min = Float.MIN_VALUE;
    assertFloatMatchesReference(new float[] {max, -max}, 1);
    assertFloatMatchesReference(new float[] {max, -max, 0}, 1e38);
    assertFloatMatchesReference(new float[] {max, max}, 1);
    assertFloatMatchesReference(new float[] {min, 0, -min}, min);
    // Probabilities in the float subnormals (e^-92, e^-100) and below them (e^-110).
    assertFloatMatchesReference(new float[] {0, -92, -100, -110}, 1);
    assertFloatMatchesReference(new float[] {3.5f, -1e30f, 1e30f, 1e30f - 1e24f}, 1e23);
    assertArrayEquals(new float[] {1, 0}, softmax(new float[] {max, -max}, 1, false), 0f);
    // log p of -max is -2 max: below the float range, so -Infinity as a float.
    assertArrayEquals(
        new float[] {0, Float.NEGATIVE_INFINITY}, softmax(new float[] {max, -max}, 1, true), 0f);
  }

  @Test
  void outputMayBeTheInputArray() {
    double[] original = {-3, NEG_INF, 7.25, 7, -1e5};
    double[] p = original.clone();
    double[] logP = original.clone();
    assertEquals(RowStatus.VALID, Softmax.softmax(p, 0.7, false, p));
    assertEquals(RowStatus.VALID, Softmax.softmax(logP, 0.7, true, logP));
    Contract.assertWithinContract(ExactSoftmax.of(original, 0.7), p, logP, "in place");

    double[] infinities = {INF, 1, INF};
    assertEquals(RowStatus.VALID, Softmax.softmax(infinities, 1, false, infinities));
    assertArrayEquals(new double[] {0.5, 0, 0.5}, infinities, 0.0);

    float[] floatOriginal = {-3, Float.NEGATIVE_INFINITY, 7.25f, 7, -1e5f};
    float[] floatP = floatOriginal.clone();
    float[] floatLogP = floatOriginal.clone();
    assertEquals(RowStatus.VALID, Softmax.softmax(floatP, 0.7, false, floatP));
    assertEquals(RowStatus.VALID, Softmax.softmax(floatLogP, 0.7, true, floatLogP));
    Contract.assertFloatSoftmax(floatOriginal, 0.7, false, floatP, "float in place");
    Contract.assertFloatSoftmax(floatOriginal, 0.7, true, floatLogP, "float in place, log");

    float[] invalid = {1, Float.NaN};
    assertEquals(RowStatus.NAN_ENTRY, Softmax.softmax(invalid, 1, false, invalid));
    Contract.assertAllNaN(toDoubles(invalid), "invalid row");
  }

  @Test
  void checkAgreesWithSoftmax() {
    double nan = Double.NaN;
    Object[][] rows = {
      {new double[] {}, RowStatus.VALID},
      {new double[] {1, 2}, RowStatus.VALID},
      {new double[] {NEG_INF, 0}, RowStatus.VALID},
      {new double[] {INF, NEG_INF}, RowStatus.VALID},
      {new double[] {nan}, RowStatus.NAN_ENTRY},
      {new double[] {INF, nan}, RowStatus.NAN_ENTRY},
      {new double[] {NEG_INF, nan}, RowStatus.NAN_ENTRY},
      {new double[] {NEG_INF}, RowStatus.ALL_NEGATIVE_INFINITY},
      {new double[] {NEG_INF, NEG_INF}, RowStatus.ALL_NEGATIVE_INFINITY},
    };
    for (Object[] row : rows) {
      double[] logits = (double[]) row[0];
      RowStatus expected = (RowStatus) row[1];
      int n = logits.length;
      String name = Arrays.toString(logits);
      assertEquals(expected, Softmax.check(logits), name);
      assertEquals(expected, Softmax.softmax(logits, 1, false, new double[n]), name);
      float[] floats = toFloats(logits);
      assertEquals(expected, Softmax.check(floats), "float " + name);
      assertEquals(expected, Softmax.softmax(floats, 1, false, new float[n]), "float " + name);
      // The same values as the explicit entries of a sparse row, then with one implicit zero.
      int[] indices = new int[n];
      Arrays.setAll(indices, i -> i);
      assertEquals(expected, Softmax.checkSparse(n, logits), "sparse " + name);
      assertEquals(
          expected,
          Softmax.softmaxSparse(n, indices, logits, 1, false, new double[n]),
          "sparse " + name);
      RowStatus withZero = expected == RowStatus.NAN_ENTRY ? expected : RowStatus.VALID;
      assertEquals(withZero, Softmax.checkSparse(n + 1, logits), "sparse with a zero " + name);
      assertEquals(
          withZero,
          Softmax.softmaxSparse(n + 1, indices, logits, 1, false, new double[n + 1]),
          "sparse with a zero " + name);
    }
  }

  @Test
  void argmaxBreaksTiesTowardTheLowestIndex() {
    assertEquals(1, Softmax.argmax(new double[] {1, 3, 3, 2}));
    assertEquals(0, Softmax.argmax(new double[] {-0.0, 0.0}));
    assertEquals(0, Softmax.argmax(new double[] {NEG_INF, NEG_INF}));
    assertEquals(2, Softmax.argmax(new double[] {NEG_INF, 1, INF}));
    assertEquals(-1, Softmax.argmax(new double[] {}));
    assertEquals(-1, Softmax.argmax(new double[] {1, Double.NaN, 2}));
    assertEquals(1, Softmax.argmax(new float[] {1, 3, 3, 2}));
    assertEquals(0, Softmax.argmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    assertEquals(-1, Softmax.argmax(new float[] {}));
    assertEquals(-1, Softmax.argmax(new float[] {Float.NaN}));
    assertEquals(1, Softmax.argmax(softmax(new double[] {2, 7, 7}, 1, false)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN, INF, NEG_INF})
  void invalidTemperatureIsRejected(double t) {
    assertTemperatureRejected(() -> Softmax.softmax(new double[] {1, 2}, t, false, new double[2]));
    assertTemperatureRejected(() -> Softmax.softmax(new float[] {1, 2}, t, true, new float[2]));
    assertTemperatureRejected(
        () -> Softmax.softmaxSparse(3, new int[] {1}, new double[] {2}, t, false, new double[3]));
    assertTemperatureRejected(() -> Softmax.requireValidTemperature(t));
  }

  @Test
  void shortOutputIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Softmax.softmax(new double[] {1, 2}, 1, false, new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> Softmax.softmax(new float[] {1, 2}, 1, false, new float[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> Softmax.softmaxSparse(3, new int[] {1}, new double[] {2}, 1, false, new double[2]));
  }

  private static void assertTemperatureRejected(Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains("temperature"), e.getMessage());
  }

  /** Both spaces of the dense kernel on a valid row, against the reference. */
  private static void assertMatchesReference(double[] logits, double temperature) {
    ExactSoftmax exact = ExactSoftmax.of(logits, temperature);
    double[] p = softmax(logits, temperature, false);
    double[] logP = softmax(logits, temperature, true);
    Contract.assertWithinContract(exact, p, logP, Arrays.toString(logits) + " / " + temperature);
  }

  /** Both spaces of the sparse kernel, against the reference for the dense row. */
  private static void assertSparseMatchesReference(
      int size, int[] indices, double[] values, double temperature) {
    double[] dense = new double[size];
    for (int j = 0; j < indices.length; j++) {
      dense[indices[j]] = values[j];
    }
    String row = "sparse " + Arrays.toString(dense) + " / " + temperature;
    double[] p = new double[size];
    double[] logP = new double[size];
    RowStatus status = Softmax.softmaxSparse(size, indices, values, temperature, false, p);
    assertEquals(RowStatus.VALID, status, row);
    status = Softmax.softmaxSparse(size, indices, values, temperature, true, logP);
    assertEquals(RowStatus.VALID, status, row);
    Contract.assertWithinContract(ExactSoftmax.of(dense, temperature), p, logP, row);
  }

  /** Both spaces of the float kernel, against the reference for the widened row. */
  private static void assertFloatMatchesReference(float[] logits, double temperature) {
    String row = Arrays.toString(logits) + " / " + temperature;
    for (boolean logSpace : new boolean[] {false, true}) {
      Contract.assertFloatSoftmax(logits, temperature, logSpace,
          softmax(logits, temperature, logSpace), row);
    }
  }

  /** The row is rejected with {@code status} and every output is NaN, in every path and space. */
  private static void assertInvalid(RowStatus status, double[] logits) {
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] out = new double[logits.length];
      assertEquals(status, Softmax.softmax(logits, 1, logSpace, out));
      Contract.assertAllNaN(out, "invalid row");
      float[] floatOut = new float[logits.length];
      assertEquals(status, Softmax.softmax(toFloats(logits), 1, logSpace, floatOut));
      Contract.assertAllNaN(toDoubles(floatOut), "invalid row");
    }
  }

  private static double[] softmax(double[] logits, double temperature, boolean logSpace) {
    double[] out = new double[logits.length];
    assertEquals(RowStatus.VALID, Softmax.softmax(logits, temperature, logSpace, out));
    return out;
  }

  /** The scalar kernel alone, into an output of NaN. */
  private static double[] scalarSoftmax(double[] logits, double temperature, boolean logSpace) {
    double[] out = new double[logits.length];
    Arrays.fill(out, Double.NaN);
    assertEquals(RowStatus.VALID, Softmax.scalarSoftmax(logits, temperature, logSpace, out, 0));
    return out;
  }

  private static float[] softmax(float[] logits, double temperature, boolean logSpace) {
    float[] out = new float[logits.length];
    assertEquals(RowStatus.VALID, Softmax.softmax(logits, temperature, logSpace, out));
    return out;
  }

  private static double[] sparse(int size, int[] indices, double[] values, boolean logSpace) {
    double[] out = new double[size];
    assertEquals(RowStatus.VALID, Softmax.softmaxSparse(size, indices, values, 1, logSpace, out));
    return out;
  }

  /**
   * The textbook softmax, as NumPy users write it: subtract the max, divide by t, exp, plain sum,
   * divide. Measured only to show what the kernel's error compensation buys.
   */
  private static double[] naiveSoftmax(double[] logits, double temperature, boolean logSpace) {
    double max = Arrays.stream(logits).max().orElseThrow();
    double[] shifted = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      shifted[i] = (logits[i] - max) / temperature;
      sum += Math.exp(shifted[i]);
    }
    double logSum = Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logSpace ? shifted[i] - logSum : Math.exp(shifted[i]) / sum;
    }
    return out;
  }

  /**
   * A row of log-uniform length in [1, 10^4] whose entries lie uniformly within a log-uniform
   * spread in [1, 10^3] below a maximum offset by up to 10^4, so that {@code x - max} rounds.
   */
  private static double[] randomRow(Random random, boolean floatValues) {
    int length = (int) Math.round(Math.exp(random.nextDouble() * Math.log(MAX_ROW_LENGTH)));
    double spread = Math.exp(random.nextDouble() * Math.log(MAX_SPREAD));
    double offset = (2 * random.nextDouble() - 1) * MAX_OFFSET;
    double[] row = new double[length];
    for (int i = 0; i < length; i++) {
      double x = offset - spread * random.nextDouble();
      row[i] = floatValues ? (float) x : x;
    }
    return row;
  }

  /** 1 a third of the time, else log-uniform in [0.01, 10^6]. */
  private static double randomTemperature(Random random) {
    if (random.nextInt(3) == 0) {
      return 1;
    }
    double range = Math.log(MAX_TEMPERATURE / MIN_TEMPERATURE);
    return MIN_TEMPERATURE * Math.exp(random.nextDouble() * range);
  }

  private static float[] toFloats(double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }

  /** The largest errors of one way of computing softmax, by the contract's categories. */
  private static final class Errors {
    private final Worst probabilities = new Worst();
    private final Worst subnormals = new Worst();
    private final Worst logProbabilities = new Worst();

    void record(ExactSoftmax exact, double[] p, double[] logP, int row) {
      for (int i = 0; i < exact.size(); i++) {
        Worst category = Contract.isSubnormal(exact.probability(i)) ? subnormals : probabilities;
        category.record(exact.probabilityUlps(i, p[i]), row, i);
        logProbabilities.record(exact.logProbabilityUlps(i, logP[i]), row, i);
      }
    }

    void assertWithinContract(String what) {
      assertAll(
          () -> probabilities.assertAtMost(Contract.PROBABILITY_ULPS, what + " probability ulps"),
          () -> subnormals.assertAtMost(Contract.SUBNORMAL_MIN_VALUES,
              what + " subnormal probability error"),
          () -> logProbabilities.assertAtMost(Contract.LOG_PROBABILITY_ULPS,
              what + " log-probability ulps"));
    }
  }

  /** The largest error seen in one category, and where; a NaN error counts as the largest. */
  private static final class Worst {
    private double error;
    private String where = "nowhere";

    void record(double error, int row, int index) {
      if (Double.isNaN(error) || error > this.error) {
        this.error = error;
        this.where = "random row " + row + ", entry " + index;
      }
    }

    void assertAtMost(double bound, String what) {
      assertTrue(error <= bound,
          () -> "worst " + what + " is " + error + " at " + where + " (bound " + bound + ")");
    }
  }
}
