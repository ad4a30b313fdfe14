package io.github.sparksoftmax.stage;

import static io.github.sparksoftmax.stage.VectorStructure.DENSE;
import static io.github.sparksoftmax.stage.VectorStructure.INDICES;
import static io.github.sparksoftmax.stage.VectorStructure.SIZE;
import static io.github.sparksoftmax.stage.VectorStructure.TYPE;
import static io.github.sparksoftmax.stage.VectorStructure.VALUES;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * VectorUDT's internal form of a dense vector, {@code (type: byte = 1, size: int = null,
 * indices: array<int> = null, values: array<double>)}, as an {@link UnsafeRow} laid out in one
 * {@code double[]}: a header of whole words, then the values. The kernel writes the values straight
 * into place ({@link #allocate}, then {@link #wrap}), so a result is written once, and Spark's
 * generated projection copies the row with one memory copy. (An UnsafeRow may sit on any primitive
 * array; Spark's own {@code UnsafeArrayData.fromPrimitiveArray} uses a {@code long[]}.) The same
 * layout without the row's header serves {@code array<double>} results ({@link #allocateArray}).
 */
public final class DenseVectorRow {
  private static final int FIELDS = 4;
  /** One word of null bits (for four fields) and one word per field. */
  private static final int FIXED_WORDS = 1 + FIELDS;
  private static final long WORD = 8L;

  private DenseVectorRow() {}

  /**
   * A zeroed buffer for a vector of {@code n} values, which go at {@link #valuesOffset(int)
   * valuesOffset(n)}.
   *
   * @throws IllegalArgumentException if such a row would exceed Spark's 2 GB limit
   */
  public static double[] allocate(int n) {
    return words(valuesOffset(n), n);
  }

  /** Where the {@code n} values go in the buffer: after the row's header and the array's. */
  public static int valuesOffset(int n) {
    return FIXED_WORDS + arrayValuesOffset(n);
  }

  /** A zeroed buffer for an {@code array<double>} of {@code n} values (see {@link #wrapArray}). */
  public static double[] allocateArray(int n) {
    return words(arrayValuesOffset(n), n);
  }

  /** Where the values go in an array's buffer: after the element count and the null bits. */
  public static int arrayValuesOffset(int n) {
    return 1 + (int) ((n + 63L) / 64);
  }

  /** The array over {@code buffer} (from {@link #allocateArray}), whose values are in place. */
  public static UnsafeArrayData wrapArray(double[] buffer, int n) {
    long base = Platform.DOUBLE_ARRAY_OFFSET;
    writeArrayHeader(buffer, base, n);
    UnsafeArrayData array = new UnsafeArrayData();
    array.pointTo(buffer, base, (int) (buffer.length * WORD));
    return array;
  }

  /**
   * For a dense vector row in Spark's binary format in a byte array (as a scan of cached or file
   * data gives it), the index in {@code ((UnsafeRow) row).getBaseObject()} of its values array;
   * -1 for any other row (sparse, off-heap, or not an {@link UnsafeRow}). The array holds
   * {@link #storedCount} values, from {@link #arrayValuesOffset} words on. Reading the row in place
   * spares the array view that {@code getArray} makes.
   */
  static long storedValuesArray(InternalRow row) {
    if (!(row instanceof UnsafeRow)) {
      return -1;
    }
    UnsafeRow stored = (UnsafeRow) row;
    if (!(stored.getBaseObject() instanceof byte[]) || stored.isNullAt(VALUES)
        || stored.getByte(TYPE) != DENSE) {
      return -1;
    }
    // A variable-length field's word holds its offset from the row's start, then its size.
    return stored.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET + (stored.getLong(VALUES) >>> 32);
  }

  /**
   * The element count of the array at {@code index} in {@code bytes} (see above).
   *
   * @throws IllegalStateException if the array does not start within {@code bytes}, or its count
   *     is negative or beyond an int: a corrupt row
   */
  static int storedCount(byte[] bytes, long index) {
    if (index < 0 || index > bytes.length - WORD) {
      throw new IllegalStateException("a vector row's values array starts at byte " + index
          + ", outside the row's " + bytes.length + " bytes");
    }
    long count = Platform.getLong(bytes, Platform.BYTE_ARRAY_OFFSET + index);
    if (count < 0 || count > Integer.MAX_VALUE) {
      throw new IllegalStateException("a vector row's values array claims " + count + " values");
    }
    return (int) count;
  }

  private static double[] words(int header, int n) {
    long words = (long) header + n;
    if (words * WORD > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a vector of " + n + " values does not fit in a row");
    }
    return new double[(int) words];
  }

  /** UnsafeArrayData's header: the element count, then a word of null bits per 64 elements. */
  private static void writeArrayHeader(double[] buffer, long start, int n) {
    Platform.putLong(buffer, start, n);
    for (int word = 1; word < arrayValuesOffset(n); word++) {
      Platform.putLong(buffer, start + word * WORD, 0L);
    }
  }

  /** The row over {@code buffer} (from {@link #allocate}), whose {@code n} values are in place. */
  public static UnsafeRow wrap(double[] buffer, int n) {
    long base = Platform.DOUBLE_ARRAY_OFFSET;
    long arrayStart = FIXED_WORDS * WORD;
    long arrayBytes = buffer.length * WORD - arrayStart;
    Platform.putLong(buffer, base, (1L << SIZE) | (1L << INDICES));
    Platform.putLong(buffer, base + WORD * (1 + TYPE), DENSE);
    Platform.putLong(buffer, base + WORD * (1 + SIZE), 0L);
    Platform.putLong(buffer, base + WORD * (1 + INDICES), 0L);
    Platform.putLong(buffer, base + WORD * (1 + VALUES), (arrayStart << 32) | arrayBytes);
    writeArrayHeader(buffer, base + arrayStart, n);
    UnsafeRow row = new UnsafeRow(FIELDS);
    row.pointTo(buffer, base, (int) (buffer.length * WORD));
    return row;
  }
}
