package io.github.sparksoftmax;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The label column that {@link SoftmaxCalibrator} and {@link CalibrationEvaluator} both read: its
 * accessor and getter, as Spark's {@code HasLabelCol} gives them. The implementing class creates
 * the param in its constructor ({@code stage.SoftmaxParams.labelCol}).
 */
public interface HasLabelCol extends Params {

  /** Label column: a class index of a numeric type (default {@code label}). */
  Param<String> labelCol();

  /** The value of {@link #labelCol()}. */
  default String getLabelCol() {
    return getOrDefault(labelCol());
  }
}
