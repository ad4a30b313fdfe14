package io.github.sparksoftmax.stage;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds the column expressions of the softmax stages: the softmax column is a {@link
 * SoftmaxExpression}; the others are calls of {@link InternalSoftmax}'s static methods, with the
 * settings as literals and the column's {@link ResultBuffers}. Spark compiles both kinds into its
 * generated code. Nothing of a stage is captured, and an {@link InvalidRowException} reaches the
 * failed action unwrapped.
 */
public final class SoftmaxColumns {

  private SoftmaxColumns() {}

  /**
   * The softmax of {@code logits}, of its {@link LogitsType}'s result type, in a buffer that the
   * next row reuses.
   *
   * @param column the input column's name, for error messages
   * @param failOnInvalid throw on an invalid row instead of giving null or NaN
   */
  public static Column softmax(Column logits, String column, double temperature,
      boolean logSpace, boolean failOnInvalid) {
    return CatalystCompat.column(new SoftmaxExpression(CatalystCompat.expression(logits),
        Literal.create(temperature, DataTypes.DoubleType), logSpace, failOnInvalid, column,
        true));
  }

  /**
   * The name of {@link InternalSoftmax}'s method for the softmax of one row of {@code type}:
   * {@code vector}, {@code doubles} or {@code floats}.
   */
  static String softmaxMethod(LogitsType type) {
    return method(type, "vector", "doubles", "floats");
  }

  /**
   * The {@code k} largest entries of the softmax of {@code logits}, as a sparse vector for every
   * logits type (see {@link InternalSoftmax#topOfVector}).
   *
   * @param k &gt;= 1
   * @see #softmax
   */
  public static Column topK(LogitsType type, Column logits, String column, double temperature,
      boolean logSpace, boolean failOnInvalid, int k) {
    List<Expression> arguments = settings(logits, column, temperature, logSpace, failOnInvalid);
    arguments.add(Literal.create(k, DataTypes.IntegerType));
    return call(SQLDataTypes.VectorType(), method(type, "topOfVector", "topOfDoubles",
        "topOfFloats"), arguments, false);
  }

  /**
   * True where softmax is defined on {@code logits} (non-null, no NaN, not all -Infinity). A
   * malformed vector fails, naming {@code column} (see {@link InternalSoftmax#isValidVector}).
   */
  public static Column isValid(LogitsType type, Column logits, String column) {
    List<Expression> arguments = new ArrayList<>(List.of(CatalystCompat.expression(logits)));
    if (type == LogitsType.VECTOR) {
      arguments.add(Literal.create(column, DataTypes.StringType));
    }
    return call(DataTypes.BooleanType,
        method(type, "isValidVector", "isValidDoubles", "isValidFloats"), arguments, false);
  }

  /** The index of the largest entry of a result column as a double; null for a null row. */
  public static Column argmax(LogitsType type, Column result) {
    return call(DataTypes.DoubleType,
        method(type, "argmaxOfVector", "argmaxOfDoubles", "argmaxOfFloats"),
        List.of(CatalystCompat.expression(result)), true);
  }

  /**
   * The arguments that every softmax call takes, in order, a new {@link ResultBuffers} second;
   * a mutable list.
   */
  private static List<Expression> settings(Column logits, String column, double temperature,
      boolean logSpace, boolean failOnInvalid) {
    return new ArrayList<>(List.of(CatalystCompat.expression(logits),
        Literal.fromObject(new ResultBuffers()),
        Literal.create(temperature, DataTypes.DoubleType),
        Literal.create(logSpace, DataTypes.BooleanType),
        Literal.create(failOnInvalid, DataTypes.BooleanType),
        Literal.create(column, DataTypes.StringType)));
  }

  private static String method(LogitsType type, String vector, String doubles, String floats) {
    switch (type) {
      case VECTOR:
        return vector;
      case DOUBLE_ARRAY:
        return doubles;
      case FLOAT_ARRAY:
        return floats;
      default:
        throw new IllegalStateException("unhandled logits type " + type);
    }
  }

  private static Column call(org.apache.spark.sql.types.DataType resultType, String function,
      List<Expression> arguments, boolean propagateNull) {
    return CatalystCompat.column(CatalystCompat.staticCall(
        InternalSoftmax.class, resultType, function, arguments, propagateNull));
  }
}
