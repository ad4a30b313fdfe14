package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.fuzz.FuzzRows;
import io.github.sparksoftmax.fuzz.FuzzTries;
import io.github.sparksoftmax.fuzz.Invariants;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The kernel's entry points on generated rows ({@link FuzzRows}): the dense kernel as callers
 * reach it (SIMD for rows of 8 or more here), the scalar kernel alone, in place, from bytes; the
 * float path; the sparse kernel; top-k selection. Every row is checked against the contract's
 * cheap consequences ({@link Invariants}), the semantics of invalid rows, and agreement between
 * the entry points; rows up to {@value #REFERENCE_WIDTH} entries, and one wider row in ten, also
 * against the 40-digit reference ({@link Contract}). Outputs start as NaN, so that nothing an
 * entry point leaves unwritten can pass.
 */
@AddLifecycleHook(FuzzTries.class)
class KernelFuzzTest {
  /** Rows up to this width are always checked against the reference, whose cost grows with it. */
  private static final int REFERENCE_WIDTH = 64;

  @Provide
  Arbitrary<double[]> logits() {
    return FuzzRows.logits();
  }

  @Provide
  Arbitrary<Double> temperatures() {
    return FuzzRows.temperatures();
  }

  @Property(tries = 1000)
  void denseEntryPointsKeepTheContract(@ForAll("logits") double[] logits,
      @ForAll("temperatures") double temperature, @ForAll @IntRange(max = 9) int sample) {
    String row = describe(logits, temperature);
    double[][] kernel = new double[2][];
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] viaDispatch = nans(logits.length);
      RowStatus status = Softmax.softmax(logits, temperature, logSpace, viaDispatch);
      double[] scalar = nans(logits.length);
      assertEquals(status, Softmax.scalarSoftmax(logits, temperature, logSpace, scalar, 0), row);
      double[] inPlace = logits.clone();
      assertEquals(status, Softmax.softmax(inPlace, temperature, logSpace, inPlace), row);
      double[] fromBytes = nans(logits.length);
      assertEquals(status, Softmax.softmax(bytes(logits), 3, new double[logits.length],
          temperature, logSpace, fromBytes, 0), row);
      assertArrayEquals(viaDispatch, fromBytes, row + ": from bytes");
      assertEquals(Contract.invalid(logits), !status.isValid(), row);
      if (!status.isValid()) {
        for (double[] out : new double[][] {viaDispatch, scalar, inPlace}) {
          Contract.assertAllNaN(out, row);
        }
        return;
      }
      Invariants.assertAgree(viaDispatch, scalar, logSpace, row + ": kernel and scalar kernel");
      Invariants.assertAgree(viaDispatch, inPlace, logSpace, row + ": in place");
      kernel[logSpace ? 1 : 0] = viaDispatch;
      if (referenceChecked(logits, sample)) {
        for (double[] out : new double[][] {viaDispatch, scalar, inPlace}) {
          Contract.assertSoftmax(logits, temperature, logSpace, out, row);
        }
      }
    }
    Invariants.assertDistribution(kernel[0], row);
    Invariants.assertLogDistribution(kernel[1], kernel[0], row);
  }

  @Property(tries = 300)
  void floatRowsKeepTheContract(@ForAll("logits") double[] wide,
      @ForAll("temperatures") double temperature, @ForAll @IntRange(max = 9) int sample) {
    float[] logits = new float[wide.length];
    for (int i = 0; i < wide.length; i++) {
      logits[i] = (float) wide[i];
    }
    String row = "float " + describe(wide, temperature);
    for (boolean logSpace : new boolean[] {false, true}) {
      float[] out = new float[logits.length];
      Arrays.fill(out, Float.NaN);
      RowStatus status = Softmax.softmax(logits, temperature, logSpace, out);
      assertEquals(status, Softmax.check(logits), row);
      if (status.isValid() && !logSpace) {
        Invariants.assertFloatDistribution(out, row);
      }
      if (!status.isValid() || referenceChecked(wide, sample)) {
        Contract.assertFloatSoftmax(logits, temperature, logSpace, out, row);
      }
    }
  }

  /**
   * A sparse row: the generated row's entries as the explicit values, at increasing positions
   * spread over a size up to {@code zeros} larger; against the dense row with the zeros filled in.
   */
  @Property(tries = 300)
  void sparseRowsKeepTheContract(@ForAll("logits") double[] explicit,
      @ForAll @IntRange(max = 200) int zeros, @ForAll long seed,
      @ForAll("temperatures") double temperature, @ForAll @IntRange(max = 9) int sample) {
    int size = explicit.length + zeros;
    int[] indices = size == 0 ? new int[0]
        : new Random(seed).ints(0, size).distinct().limit(explicit.length).sorted().toArray();
    double[] dense = new double[size];
    for (int j = 0; j < indices.length; j++) {
      dense[indices[j]] = explicit[j];
    }
    String row = "sparse " + describe(dense, temperature);
    assertEquals(Softmax.check(dense), Softmax.checkSparse(size, explicit), row);
    double[][] outputs = new double[2][];
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] sparse = nans(size);
      RowStatus status =
          Softmax.softmaxSparse(size, indices, explicit, temperature, logSpace, sparse);
      double[] ofDense = nans(size);
      assertEquals(Softmax.softmax(dense, temperature, logSpace, ofDense), status, row);
      if (!status.isValid()) {
        Contract.assertAllNaN(sparse, row);
        return;
      }
      Invariants.assertAgree(ofDense, sparse, logSpace, row + ": sparse and dense");
      if (referenceChecked(dense, sample)) {
        Contract.assertSoftmax(dense, temperature, logSpace, sparse, row);
      }
      outputs[logSpace ? 1 : 0] = sparse;
    }
    Invariants.assertDistribution(outputs[0], row);
    Invariants.assertLogDistribution(outputs[1], outputs[0], row);
  }

  /**
   * Top-k selection against a sort of the whole row: larger values first, NaN last, ties to the
   * lower index, positions returned in increasing order.
   */
  @Property(tries = 300)
  void topKSelectsWhatASortSelects(@ForAll("logits") double[] row,
      @ForAll @IntRange(max = 40) int k) {
    Comparator<Integer> rank = (a, b) -> {
      boolean aIsNaN = Double.isNaN(row[a]);
      if (aIsNaN != Double.isNaN(row[b])) {
        return aIsNaN ? 1 : -1;
      }
      if (!aIsNaN && row[a] != row[b]) {
        return row[a] > row[b] ? -1 : 1;
      }
      return Integer.compare(a, b);
    };
    int[] expected = IntStream.range(0, row.length).boxed().sorted(rank).limit(k)
        .mapToInt(Integer::intValue).sorted().toArray();
    assertArrayEquals(expected, TopK.largest(row, k), describe(row, 1) + ", k " + k);
  }

  private static boolean referenceChecked(double[] logits, int sample) {
    return logits.length <= REFERENCE_WIDTH || sample == 0;
  }

  private static double[] nans(int n) {
    double[] out = new double[n];
    Arrays.fill(out, Double.NaN);
    return out;
  }

  /** The row in the platform's byte order from byte 3, as a row stored in Spark's format. */
  private static byte[] bytes(double[] logits) {
    ByteBuffer bytes = ByteBuffer.allocate(3 + 8 * logits.length).order(ByteOrder.nativeOrder());
    for (int i = 0; i < logits.length; i++) {
      bytes.putDouble(3 + 8 * i, logits[i]);
    }
    return bytes.array();
  }

  /** The row for a failure message: short rows in full, long ones by their first entries. */
  static String describe(double[] logits, double temperature) {
    String entries = logits.length <= 12 ? Arrays.toString(logits)
        : Arrays.toString(Arrays.copyOf(logits, 12)) + " ... (" + logits.length + " entries)";
    return entries + " / " + temperature;
  }
}
