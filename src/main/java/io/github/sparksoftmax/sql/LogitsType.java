package io.github.sparksoftmax.sql;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * The column types the SQL functions accept, each with its result type and its row function on
 * the external value Spark hands a UDF (an ml {@code Vector}, or a Scala {@code Seq}).
 */
enum LogitsType {
  VECTOR(SQLDataTypes.VectorType()) {
    @Override
    Object softmax(Object logits, double temperature, boolean logSpace) {
      return SoftmaxRows.vector((Vector) logits, temperature, logSpace);
    }
  },
  DOUBLE_ARRAY(DataTypes.createArrayType(DataTypes.DoubleType, false)) {
    @Override
    Object softmax(Object logits, double temperature, boolean logSpace) {
      return SoftmaxRows.doubles((Seq<?>) logits, temperature, logSpace);
    }
  },
  FLOAT_ARRAY(DataTypes.createArrayType(DataTypes.FloatType, false)) {
    @Override
    Object softmax(Object logits, double temperature, boolean logSpace) {
      return SoftmaxRows.floats((Seq<?>) logits, temperature, logSpace);
    }
  };

  /** How error messages list the accepted types. */
  static final String ACCEPTED = "vector, array<double> or array<float>";

  private final DataType resultType;

  LogitsType(DataType resultType) {
    this.resultType = resultType;
  }

  /** The type of a logits column, or null when it is none of the accepted ones. */
  static LogitsType of(DataType type) {
    if (type instanceof VectorUDT) {
      return VECTOR;
    }
    if (type instanceof ArrayType array) {
      if (array.elementType().equals(DataTypes.DoubleType)) {
        return DOUBLE_ARRAY;
      }
      if (array.elementType().equals(DataTypes.FloatType)) {
        return FLOAT_ARRAY;
      }
    }
    return null;
  }

  /** A dense vector for a vector, an array of the same element type (never null) for an array. */
  DataType resultType() {
    return resultType;
  }

  /** See {@link SoftmaxRows}; null for a null row. */
  abstract Object softmax(Object logits, double temperature, boolean logSpace);
}
