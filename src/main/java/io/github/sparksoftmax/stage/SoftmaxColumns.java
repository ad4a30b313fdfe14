package io.github.sparksoftmax.stage;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * Builds the column expressions of a softmax stage for each {@link LogitsType}. The functions
 * capture a {@link RowSoftmax} (plain values) and nothing else.
 */
public final class SoftmaxColumns {

  private SoftmaxColumns() {}

  /** The softmax of {@code logits}, of type {@code type.resultType()}. */
  public static Column softmax(LogitsType type, Column logits, RowSoftmax rows) {
    switch (type) {
      case VECTOR:
        return functions.udf((UDF1<Vector, Vector>) rows::ofVector, type.resultType()).apply(logits);
      case DOUBLE_ARRAY:
        return functions.udf((UDF1<Seq<Object>, double[]>) rows::ofDoubles, type.resultType())
            .apply(logits);
      case FLOAT_ARRAY:
        return functions.udf((UDF1<Seq<Object>, float[]>) rows::ofFloats, type.resultType())
            .apply(logits);
      default:
        throw new IllegalStateException("unhandled logits type " + type);
    }
  }

  /**
   * The {@code k} largest entries of the softmax of {@code logits}, as a sparse vector for every
   * logits type.
   */
  public static Column topK(LogitsType type, Column logits, RowSoftmax rows, int k) {
    UDF1<?, Vector> top = type == LogitsType.VECTOR
        ? (UDF1<Vector, Vector>) row -> rows.topOfVector(row, k)
        : (UDF1<Seq<Object>, Vector>) row -> rows.topOfArray(row, k);
    return functions.udf(top, SQLDataTypes.VectorType()).apply(logits);
  }

  /** True where softmax is defined on {@code logits} (non-null, no NaN, not all -Infinity). */
  public static Column isValid(LogitsType type, Column logits) {
    UDF1<?, Boolean> check = type == LogitsType.VECTOR
        ? (UDF1<Vector, Boolean>) RowSoftmax::isValidVector
        : (UDF1<Seq<Object>, Boolean>) RowSoftmax::isValidArray;
    return functions.udf(check, DataTypes.BooleanType).apply(logits);
  }

  /** The index of the largest entry of a result column, as a double (Spark's prediction type). */
  public static Column argmax(LogitsType type, Column result) {
    UDF1<?, Double> argmax = type == LogitsType.VECTOR
        ? (UDF1<Vector, Double>) RowSoftmax::argmaxOfVector
        : (UDF1<Seq<Object>, Double>) RowSoftmax::argmaxOfArray;
    return functions.udf(argmax, DataTypes.DoubleType).apply(result);
  }
}
