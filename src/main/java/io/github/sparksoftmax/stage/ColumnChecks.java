package io.github.sparksoftmax.stage;

import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks that stages run before reading any row. Each failure is an {@link
 * IllegalArgumentException} that names the column, its role and the type expected.
 */
public final class ColumnChecks {

  private ColumnChecks() {}

  /**
   * The logits type of a column that must hold logits or probabilities.
   *
   * @param role how messages name the column, e.g. "Input column"
   * @throws IllegalArgumentException if the column is missing or of another type
   */
  public static LogitsType logits(StructType schema, String column, String role) {
    return LogitsType.of(typeOf(schema, column, role, LogitsType.EXPECTED,
        type -> LogitsType.of(type) != null));
  }

  /**
   * Checks that a column exists and is numeric.
   *
   * @throws IllegalArgumentException if the column is missing or not numeric
   */
  public static void numeric(StructType schema, String column, String role) {
    typeOf(schema, column, role, "numeric", type -> type instanceof NumericType);
  }

  /**
   * Checks that a column of long-format scores exists and is numeric, saying that the type is
   * required because {@code groupCol} is set.
   *
   * @throws IllegalArgumentException if the column is missing or not numeric
   */
  public static void scores(StructType schema, String column, String role) {
    typeOf(schema, column, role, "numeric (a score per row, as groupCol is set)",
        type -> type instanceof NumericType);
  }

  /**
   * Checks that a column exists, of any type.
   *
   * @throws IllegalArgumentException if the column is missing
   */
  public static void exists(StructType schema, String column, String role) {
    requirePresent(schema, column, role, "");
  }

  private static void requirePresent(
      StructType schema, String column, String role, String expectation) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(role + " '" + column + "' does not exist" + expectation
          + ". Available columns: " + String.join(", ", schema.fieldNames()) + ".");
    }
  }

  private static DataType typeOf(StructType schema, String column, String role, String expected,
      Predicate<DataType> accepted) {
    requirePresent(schema, column, role, "; expected a column of type " + expected);
    DataType type = schema.apply(column).dataType();
    if (!accepted.test(type)) {
      throw new IllegalArgumentException(role + " '" + column + "' must be of type " + expected
          + " but got " + type.catalogString() + ".");
    }
    return type;
  }
}
