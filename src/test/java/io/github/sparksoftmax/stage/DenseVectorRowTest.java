package io.github.sparksoftmax.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
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
}
