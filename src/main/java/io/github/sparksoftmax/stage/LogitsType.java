package io.github.sparksoftmax.stage;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The column types that hold logits, and the type of the result for each. */
public enum LogitsType {
  /** An ML {@code Vector}, dense or sparse; the result is a dense vector. */
  VECTOR(SQLDataTypes.VectorType()),
  /** {@code array<double>}; the result is {@code array<double>}. */
  DOUBLE_ARRAY(DataTypes.createArrayType(DataTypes.DoubleType)),
  /** {@code array<float>}; the result is {@code array<float>}, computed in double. */
  FLOAT_ARRAY(DataTypes.createArrayType(DataTypes.FloatType));

  /** The accepted types, as error messages name them. */
  public static final String EXPECTED = "vector (VectorUDT), array<double> or array<float>";

  private final DataType resultType;

  LogitsType(DataType resultType) {
    this.resultType = resultType;
  }

  /** The type of the result column. */
  public DataType resultType() {
    return resultType;
  }

  /** The logits type of a column type, or null when softmax does not apply to it. */
  public static LogitsType of(DataType type) {
    if (type instanceof VectorUDT) {
      return VECTOR;
    }
    if (type instanceof ArrayType) {
      DataType element = ((ArrayType) type).elementType();
      if (DataTypes.DoubleType.equals(element)) {
        return DOUBLE_ARRAY;
      }
      if (DataTypes.FloatType.equals(element)) {
        return FLOAT_ARRAY;
      }
    }
    return null;
  }
}
