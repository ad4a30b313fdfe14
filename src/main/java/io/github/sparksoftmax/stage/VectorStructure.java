package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.Softmax;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Checks that a vector row, as it arrives from storage in VectorUDT's struct {@code (type: byte,
 * size: int, indices: array<int>, values: array<double>)}, is a vector that VectorUDT could have
 * written: type 0 (sparse) with a size, indices and values that {@link Softmax#sparseRowProblem}
 * accepts, or type 1 (dense) with values. Spark's {@code VectorUDT} checks the same when it turns
 * such a row into a {@code Vector}; the stage reads rows without that conversion, so it checks
 * them itself: the type, the parts and the counts here, before any buffer is sized from them, and
 * the indices in the one pass the sparse kernel makes over them ({@link #malformed} turns the
 * kernel's error into the column's).
 *
 * <p>A value marked null inside the values array (which VectorUDT never writes either) is not
 * looked for: Spark's vectorized parquet reader hands each row over column by column, where a
 * check of every value's null mark cost about 5% of the stage's time per row (1,000 logits), and
 * Spark's own {@code VectorUDT} reads such a value as 0 or as a stale value too.
 */
final class VectorStructure {
  /** VectorUDT's struct: the fields' ordinals, and the type's values. */
  static final int TYPE = 0;
  static final int SIZE = 1;
  static final int INDICES = 2;
  static final int VALUES = 3;
  static final byte SPARSE = 0;
  static final byte DENSE = 1;
  /** How many indices and values an error message shows. */
  private static final int SHOWN = 10;

  private VectorStructure() {}

  /**
   * The indices of a sparse vector row, or null for a dense one, after checking everything but
   * their order and range: those are checked by {@link #requireIndicesInRange}, or by the sparse
   * kernel as it computes the row. A row that is not a well-formed vector throws a {@link
   * MalformedVectorException} (undeclared).
   *
   * @param vector a non-null vector row
   * @param values its values array, as {@code vector.getArray(3)} reads it
   * @param column the input column's name, for the error
   */
  static int[] sparseIndices(InternalRow vector, ArrayData values, UTF8String column) {
    byte type = vector.isNullAt(TYPE) ? -1 : vector.getByte(TYPE);
    if (type == DENSE && values != null) {
      return null;
    }
    if (type != SPARSE && type != DENSE) {
      throw malformed(vector, column, "its type is neither 0 (sparse) nor 1 (dense)");
    }
    if (values == null || vector.isNullAt(SIZE) || vector.isNullAt(INDICES)) {
      throw malformed(vector, column, "a part of the vector is null");
    }
    int[] indices = ArrayReads.ints(vector.getArray(INDICES));
    String problem =
        Softmax.sparseShapeProblem(vector.getInt(SIZE), indices.length, values.numElements());
    if (problem != null) {
      throw malformed(vector, column, problem);
    }
    return indices;
  }

  /**
   * Checks the order and range of the indices of a sparse vector row from {@link
   * #sparseIndices}, for a caller that does not compute the row. Indices that are not strictly
   * increasing in [0, size) throw a {@link MalformedVectorException} (undeclared).
   */
  static void requireIndicesInRange(InternalRow vector, int[] indices, UTF8String column) {
    String problem = Softmax.sparseRowProblem(vector.getInt(SIZE), indices, indices.length);
    if (problem != null) {
      throw malformed(vector, column, problem);
    }
  }

  /**
   * The error for a malformed vector row: {@link MalformedVectorException}, thrown undeclared from
   * the generated code that calls the stage (see {@link InternalSoftmax#unchecked}).
   */
  static RuntimeException malformed(InternalRow vector, UTF8String column, String problem) {
    return InternalSoftmax.unchecked(
        new MalformedVectorException(column.toString(), problem, describe(vector)));
  }

  /** The row's four parts, null ones as null, long arrays cut short. */
  private static String describe(InternalRow vector) {
    return "type " + (vector.isNullAt(TYPE) ? "null" : vector.getByte(TYPE))
        + ", size " + (vector.isNullAt(SIZE) ? "null" : vector.getInt(SIZE))
        + ", indices " + listed(vector, INDICES, ArrayData::getInt)
        + ", values " + listed(vector, VALUES, ArrayData::getDouble);
  }

  /**
   * The array in field {@code field} as {@code [a, null, c]}, or its first entries then {@code
   * ... (n in all)}; {@code null} for a null array.
   */
  private static String listed(
      InternalRow vector, int field, BiFunction<ArrayData, Integer, ?> entry) {
    if (vector.isNullAt(field)) {
      return "null";
    }
    ArrayData array = vector.getArray(field);
    int n = array.numElements();
    String shown = IntStream.range(0, Math.min(SHOWN, n))
        .mapToObj(i -> array.isNullAt(i) ? "null" : String.valueOf(entry.apply(array, i)))
        .collect(Collectors.joining(", "));
    return "[" + shown + (n > SHOWN ? ", ... (" + n + " in all)" : "") + "]";
  }
}
