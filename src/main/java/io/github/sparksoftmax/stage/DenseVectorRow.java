package io.github.sparksoftmax.stage;

import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * VectorUDT's internal form of a dense vector, {@code (type: byte = 1, size: int = null,
 * indices: array<int> = null, values: array<double>)}, built directly as an {@link UnsafeRow} in one
 * byte array. Spark's generated projection copies an UnsafeRow struct with one memory copy, where a
 * {@code GenericInternalRow} holding an {@code UnsafeArrayData} costs two more allocations and a
 * second copy of the values, field by field.
 */
public final class DenseVectorRow {
  private static final int FIELDS = 4;
  private static final int TYPE = 0;
  private static final int SIZE = 1;
  private static final int INDICES = 2;
  private static final int VALUES = 3;
  private static final byte DENSE = 1;
  /** One word of null bits (for four fields) and one 8-byte slot per field. */
  private static final int FIXED_BYTES = 8 + 8 * FIELDS;

  private DenseVectorRow() {}

  /** The dense vector of {@code values} (copied) as an UnsafeRow of VectorUDT's struct. */
  public static UnsafeRow of(double[] values) {
    int n = values.length;
    // UnsafeArrayData: the element count, a word of null bits per 64 elements, then the elements.
    long arrayHeader = 8L + 8L * ((n + 63L) / 64);
    long arrayBytes = arrayHeader + 8L * n;
    long total = FIXED_BYTES + arrayBytes;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a vector of " + n + " values does not fit in a row");
    }
    byte[] buffer = new byte[(int) total];
    long base = Platform.BYTE_ARRAY_OFFSET;
    Platform.putLong(buffer, base, (1L << SIZE) | (1L << INDICES));
    Platform.putByte(buffer, base + 8 + 8 * TYPE, DENSE);
    Platform.putLong(buffer, base + 8 + 8 * VALUES, ((long) FIXED_BYTES << 32) | arrayBytes);
    Platform.putLong(buffer, base + FIXED_BYTES, n);
    Platform.copyMemory(values, Platform.DOUBLE_ARRAY_OFFSET, buffer,
        base + FIXED_BYTES + arrayHeader, 8L * n);
    UnsafeRow row = new UnsafeRow(FIELDS);
    row.pointTo(buffer, buffer.length);
    return row;
  }
}
