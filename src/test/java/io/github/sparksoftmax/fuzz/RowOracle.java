package io.github.sparksoftmax.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.kernel.Softmax;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * What one output of an entry point on Spark must be for a generated row ({@link FuzzRow}): null
 * for a null row; NaN in every entry for an invalid row; otherwise the softmax of the row as its
 * column holds it, agreeing with the kernel's own output within twice the contract, meeting the
 * contract's cheap consequences ({@link Invariants}) and, for rows up to {@value
 * #REFERENCE_WIDTH} entries or when {@code sampled}, the 40-digit reference ({@link Contract}).
 * The kernel itself is held to the reference by the kernel fuzz suite.
 */
public final class RowOracle {
  /** Rows up to this width are always checked against the reference. */
  public static final int REFERENCE_WIDTH = 64;

  private RowOracle() {}

  /**
   * A full output: a vector, or an array of doubles or of floats as {@code Row.get} returns them.
   *
   * @param kind the column the row was read from
   * @param temperature the temperature the entry point applied
   */
  public static void assertOutput(Object actual, FuzzRow row, FuzzRow.Kind kind,
      double temperature, boolean logSpace, boolean sampled, String what) {
    String where = what + ", " + row;
    if (isNullForANullRow(actual, row, where)) {
      return;
    }
    double[] logits = row.seenBy(kind);
    boolean reference = sampled || logits.length <= REFERENCE_WIDTH;
    if (kind == FuzzRow.Kind.FLOATS) {
      float[] out = floats(actual);
      float[] floatLogits = new float[logits.length];
      for (int i = 0; i < logits.length; i++) {
        floatLogits[i] = (float) logits[i];
      }
      float[] kernel = new float[logits.length];
      Softmax.softmax(floatLogits, temperature, logSpace, kernel);
      assertFloatsAgree(kernel, out, logSpace, where);
      for (int i = 0; i < out.length && !Contract.invalid(logits); i++) {
        assertTrue(!Float.isNaN(out[i]), where + " [" + i + "] is NaN");
      }
      if (reference || Contract.invalid(logits)) {
        Contract.assertFloatSoftmax(floatLogits, temperature, logSpace, out, where);
      } else if (!logSpace) {
        Invariants.assertFloatDistribution(out, where);
      }
      return;
    }
    double[] out = doubles(actual);
    if (Contract.invalid(logits)) {
      assertEquals(logits.length, out.length, where);
      Contract.assertAllNaN(out, where);
      return;
    }
    Invariants.assertAgree(kernel(logits, temperature, logSpace), out, logSpace,
        where + ": against the kernel");
    if (logSpace) {
      Invariants.assertLogDistribution(out, kernel(logits, temperature, false), where);
    } else {
      Invariants.assertDistribution(out, where);
    }
    if (reference) {
      Contract.assertSoftmax(logits, temperature, logSpace, out, where);
    }
  }

  /**
   * A top-k output (a sparse vector of the row's size): null for a null row; NaN at the first
   * {@code k} indices of an invalid row; otherwise {@code min(k, n)} entries agreeing with the
   * kernel's full output at their indices, none of the entries left out clearly above them.
   */
  public static void assertTop(Object actual, FuzzRow row, FuzzRow.Kind kind, double temperature,
      boolean logSpace, int k, String what) {
    String where = what + ", " + row;
    if (isNullForANullRow(actual, row, where)) {
      return;
    }
    SparseVector top = (SparseVector) actual;
    double[] logits = row.seenBy(kind);
    assertEquals(logits.length, top.size(), where);
    int stored = Math.min(k, logits.length);
    assertEquals(stored, top.indices().length, where);
    if (Contract.invalid(logits)) {
      for (int j = 0; j < stored; j++) {
        assertEquals(j, top.indices()[j], where);
        assertTrue(Double.isNaN(top.values()[j]), where);
      }
      return;
    }
    double[] kernel = kernel(logits, temperature, logSpace);
    double[] selected = new double[stored];
    double lowest = Double.POSITIVE_INFINITY;
    for (int j = 0; j < stored; j++) {
      selected[j] = kernel[top.indices()[j]];
      lowest = Math.min(lowest, selected[j]);
    }
    Invariants.assertAgree(selected, top.values(), logSpace, where + ": top " + k);
    boolean[] chosen = new boolean[logits.length];
    for (int index : top.indices()) {
      chosen[index] = true;
    }
    for (int i = 0; i < logits.length; i++) {
      if (!chosen[i] && kernel[i] > lowest) {
        Invariants.assertAgree(new double[] {lowest}, new double[] {kernel[i]}, logSpace,
            where + ": entry " + i + " left out of the top " + k);
      }
    }
  }

  /**
   * The prediction column of a row: null for a null row, NaN for an invalid one, otherwise an
   * index whose probability (in the kernel's output) is the largest, within twice the contract.
   */
  public static void assertPrediction(Object actual, FuzzRow row, FuzzRow.Kind kind,
      double temperature, String what) {
    String where = what + ", " + row;
    if (isNullForANullRow(actual, row, where)) {
      return;
    }
    double prediction = (Double) actual;
    double[] logits = row.seenBy(kind);
    if (Contract.invalid(logits) || logits.length == 0) {
      assertTrue(Double.isNaN(prediction), where + ": prediction " + prediction);
      return;
    }
    double[] kernel = kernel(logits, temperature, false);
    double best = Arrays.stream(kernel).max().orElseThrow();
    assertEquals(Math.rint(prediction), prediction, where);
    Invariants.assertAgree(new double[] {best}, new double[] {kernel[(int) prediction]}, false,
        where + ": prediction " + prediction);
  }

  /**
   * Two float outputs of one row: each the rounding of a double within the contract, so within
   * one float ulp of each other (of {@code max(1, |value|)} in log space, as the contract counts).
   */
  /** True, once the output is checked to be null, for a null row; else checks it is not null. */
  private static boolean isNullForANullRow(Object actual, FuzzRow row, String where) {
    if (row.nullRow()) {
      assertNull(actual, where);
      return true;
    }
    assertNotNull(actual, where);
    return false;
  }

  /** The kernel's own output for a valid row. */
  private static double[] kernel(double[] logits, double temperature, boolean logSpace) {
    double[] out = new double[logits.length];
    Softmax.softmax(logits, temperature, logSpace, out);
    return out;
  }

  private static void assertFloatsAgree(float[] kernel, float[] out, boolean logSpace,
      String where) {
    assertEquals(kernel.length, out.length, where);
    for (int i = 0; i < out.length; i++) {
      int at = i;
      float larger = Math.max(Math.abs(kernel[i]), Math.abs(out[i]));
      boolean same = Float.compare(kernel[i], out[i]) == 0 || kernel[i] == out[i];
      assertTrue(same || (Float.isFinite(kernel[i]) && Float.isFinite(out[i])
              && Math.abs(kernel[i] - out[i]) <= Math.ulp(logSpace ? Math.max(1f, larger)
                  : larger)),
          () -> where + " [" + at + "]: " + out[at] + " against the kernel's " + kernel[at]);
    }
  }

  /** A vector or a Scala Seq of boxed numbers as doubles. */
  public static double[] doubles(Object value) {
    if (value instanceof Vector vector) {
      return vector.toArray();
    }
    Seq<?> seq = (Seq<?>) value;
    double[] values = new double[seq.length()];
    Iterator<?> entries = seq.iterator();
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) entries.next()).doubleValue();
    }
    return values;
  }

  private static float[] floats(Object value) {
    double[] wide = doubles(value);
    float[] narrow = new float[wide.length];
    for (int i = 0; i < wide.length; i++) {
      narrow[i] = (float) wide[i];
    }
    return narrow;
  }
}
