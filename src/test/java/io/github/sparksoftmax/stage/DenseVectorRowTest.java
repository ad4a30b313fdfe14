package io.github.sparksoftmax.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-built row is exactly what VectorUDT and Spark's own projection make of a dense vector,
 * whatever the buffer held before (here every bit set).
 */
class DenseVectorRowTest {

  private static final VectorUDT UDT = new VectorUDT();

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 10, 63, 64, 65, 1000})
  void matchesVectorUdtSerialization(int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = i == 3 ? Double.NaN : Math.scalb(i - 0.5, i % 7);
    }
    double[] buffer = DenseVectorRow.allocate(n);
    java.util.Arrays.fill(buffer, Double.longBitsToDouble(-1L));
    System.arraycopy(values, 0, buffer, DenseVectorRow.valuesOffset(n), n);
    UnsafeRow row = DenseVectorRow.wrap(buffer, n);

    Vector vector = UDT.deserialize(row);
    assertEquals(DenseVector.class, vector.getClass());
    assertArrayEquals(values, vector.toArray());

    UnsafeRow spark =
        UnsafeProjection.create(UDT.sqlType()).apply(UDT.serialize(Vectors.dense(values)));
    assertEquals(spark, row);
    assertEquals(spark.hashCode(), row.hashCode());
    assertArrayEquals(spark.getBytes(), row.getBytes());
    assertEquals(spark, row.copy());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 10, 63, 64, 65, 1000})
  void arrayMatchesSparksOwnArray(int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = i == 5 ? Double.NEGATIVE_INFINITY : Math.scalb(0.25 - i, -i % 5);
    }
    double[] buffer = DenseVectorRow.allocateArray(n);
    java.util.Arrays.fill(buffer, Double.longBitsToDouble(-1L));
    System.arraycopy(values, 0, buffer, DenseVectorRow.arrayValuesOffset(n), n);
    UnsafeArrayData array = DenseVectorRow.wrapArray(buffer, n);

    UnsafeArrayData spark = UnsafeArrayData.fromPrimitiveArray(values);
    assertEquals(spark, array);
    assertEquals(spark.hashCode(), array.hashCode());
    assertEquals(spark.getSizeInBytes(), array.getSizeInBytes());
    assertArrayEquals(values, array.toDoubleArray());
    assertEquals(spark, array.copy());
  }

  /**
   * A dense vector row read in place where a scan gives it: nested in an outer row whose bytes
   * start after other data, so the offsets are not those of a row of its own.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 10, 64, 65, 1000})
  void findsTheValuesOfAStoredDenseRowInPlace(int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = Math.scalb(i + 0.25, -i % 9);
    }
    UnsafeRow outer = UnsafeProjection.create(new StructType()
            .add("id", "long").add("x", UDT.sqlType()))
        .apply(new GenericInternalRow(new Object[] {7L, UDT.serialize(Vectors.dense(values))}));
    byte[] bytes = new byte[outer.getSizeInBytes() + 24];
    outer.writeToMemory(bytes, Platform.BYTE_ARRAY_OFFSET + 24);
    UnsafeRow shifted = new UnsafeRow(2);
    shifted.pointTo(bytes, Platform.BYTE_ARRAY_OFFSET + 24, outer.getSizeInBytes());
    UnsafeRow vector = shifted.getStruct(1, 4);

    long array = DenseVectorRow.storedValuesArray(vector);
    assertTrue(array > 24, "array at " + array);
    assertEquals(n, DenseVectorRow.storedCount(bytes, array));
    for (int i = 0; i < n; i++) {
      assertEquals(values[i], Platform.getDouble(bytes, Platform.BYTE_ARRAY_OFFSET + array
          + 8L * (DenseVectorRow.arrayValuesOffset(n) + i)), "value " + i);
    }
  }

  @Test
  void otherRowsAreNotReadInPlace() {
    UnsafeRow sparse = UnsafeProjection.create(UDT.sqlType())
        .apply(UDT.serialize(Vectors.sparse(10, new int[] {2}, new double[] {1.5})));
    assertEquals(-1, DenseVectorRow.storedValuesArray(sparse));
    assertEquals(-1, DenseVectorRow.storedValuesArray(UDT.serialize(Vectors.dense(1, 2))));
    assertEquals(-1, DenseVectorRow.storedValuesArray(
        DenseVectorRow.wrap(DenseVectorRow.allocate(3), 3)));
  }

  /** A stored row whose offsets or count point outside its bytes fails with what is wrong. */
  @Test
  void aCorruptStoredRowIsAnErrorNotARead() {
    UnsafeRow row = UnsafeProjection.create(UDT.sqlType())
        .apply(UDT.serialize(Vectors.dense(1, 2, 3))).copy();
    byte[] bytes = (byte[]) row.getBaseObject();
    long array = DenseVectorRow.storedValuesArray(row);

    Platform.putLong(bytes, Platform.BYTE_ARRAY_OFFSET + array, -5L);
    IllegalStateException negative = assertThrows(IllegalStateException.class,
        () -> InternalSoftmax.vector(row, new ResultBuffers(), 1.0, false, true,
            UTF8String.fromString("x")));
    assertTrue(negative.getMessage().contains("claims -5 values"), negative.getMessage());

    Platform.putLong(bytes, Platform.BYTE_ARRAY_OFFSET + array, 1000L);
    assertThrows(IndexOutOfBoundsException.class,
        () -> InternalSoftmax.vector(row, new ResultBuffers(), 1.0, false, true,
            UTF8String.fromString("x")));

    row.setLong(3, (10_000L << 32) | 32);
    IllegalStateException outside = assertThrows(IllegalStateException.class,
        () -> InternalSoftmax.vector(row, new ResultBuffers(), 1.0, false, true,
            UTF8String.fromString("x")));
    assertTrue(outside.getMessage().contains("outside the row's"), outside.getMessage());
  }
}
