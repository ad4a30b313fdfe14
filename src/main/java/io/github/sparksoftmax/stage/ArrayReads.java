package io.github.sparksoftmax.stage;

import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Copies of the input's arrays as Java arrays. An array in Spark's binary format is copied in
 * bulk; any other, entry by entry. The entries of a columnar array (a vectorized scan's) are not
 * copied in bulk because Spark 3.4.0 and 3.4.1 get that wrong: their {@code toDoubleArray} and
 * {@code toIntArray} of an array read by the nested-column vectorized parquet reader (on by
 * default there) give zeros, where each entry read alone is right.
 */
final class ArrayReads {
  private ArrayReads() {}

  /** The entries of {@code array} as doubles, into a new array. */
  static double[] doubles(ArrayData array) {
    return array instanceof UnsafeArrayData ? array.toDoubleArray()
        : doubles(array, new double[array.numElements()]);
  }

  /** The entries of {@code array} into {@code into}, which has its length; returns {@code into}. */
  static double[] doubles(ArrayData array, double[] into) {
    for (int i = 0; i < into.length; i++) {
      into[i] = array.getDouble(i);
    }
    return into;
  }

  /** The entries of {@code array} as ints, into a new array. */
  static int[] ints(ArrayData array) {
    if (array instanceof UnsafeArrayData) {
      return array.toIntArray();
    }
    int[] ints = new int[array.numElements()];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = array.getInt(i);
    }
    return ints;
  }

  /** The entries of {@code array} as floats, into a new array. */
  static float[] floats(ArrayData array) {
    if (array instanceof UnsafeArrayData) {
      return array.toFloatArray();
    }
    float[] floats = new float[array.numElements()];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = array.getFloat(i);
    }
    return floats;
  }
}
