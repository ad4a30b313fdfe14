package io.github.sparksoftmax;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of the softmax stage that {@link SoftmaxCalibrator} declares too, so that the stage it
 * fits inherits their values: each one's accessor and getter, as Spark's shared-param traits
 * ({@code HasInputCol} and the like) give them. A class that implements it creates each param in
 * its constructor (see {@code stage.SoftmaxParams}) and returns it from the accessor; the getters
 * are written once here.
 */
public interface SoftmaxStageParams extends Params {

  /** Input column of logits (default {@code logits}). */
  Param<String> inputCol();

  /** Output column of probabilities or log-probabilities (default {@code probability}). */
  Param<String> outputCol();

  /** Whether to output log-probabilities (default false). */
  BooleanParam logSoftmax();

  /** What to do with an invalid row: {@code error}, {@code skip} or {@code keep} (default error). */
  Param<String> handleInvalid();

  /** Optional argmax column; empty for none (the default). */
  Param<String> predictionCol();

  /**
   * How many of the largest entries to output (default 0: all). When &gt; 0 the output column is a
   * sparse vector (VectorUDT) of the row's size, for vector and array inputs alike, holding the
   * {@code topK} largest probabilities (or log-probabilities) at their original indices: exact
   * values, not renormalised, ties to the lower index; every entry when {@code topK} is at least
   * the row's size. For {@code array<float>} input the values are the double-precision results.
   * An invalid row kept by {@code handleInvalid=keep} holds NaN at its first {@code topK} indices.
   */
  IntParam topK();

  /** The value of {@link #inputCol()}. */
  default String getInputCol() {
    return getOrDefault(inputCol());
  }

  /** The value of {@link #outputCol()}. */
  default String getOutputCol() {
    return getOrDefault(outputCol());
  }

  /** The value of {@link #logSoftmax()}. */
  default boolean getLogSoftmax() {
    return (Boolean) getOrDefault(logSoftmax());
  }

  /** The value of {@link #handleInvalid()}. */
  default String getHandleInvalid() {
    return getOrDefault(handleInvalid());
  }

  /** The value of {@link #predictionCol()}. */
  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  /** The value of {@link #topK()}. */
  default int getTopK() {
    return (Integer) getOrDefault(topK());
  }
}
