package io.github.sparksoftmax.stage;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * The params that more than one stage declares (the softmax stage, its calibrator, the calibration
 * evaluator), each written once here (name, doc, validator) for the owner that calls it from its
 * constructor; the interfaces {@code SoftmaxStageParams} and {@code HasLabelCol} give their
 * accessors and getters. Equal names let Spark's {@code copyValues} hand the calibrator's values
 * to the stage it fits.
 */
public final class SoftmaxParams {

  private SoftmaxParams() {}

  /** The column of logits. */
  public static Param<String> inputCol(Identifiable owner) {
    return StringParam.of(owner, "inputCol", "input column of logits: vector, array<double> or"
        + " array<float>", ColumnNameValidator.required());
  }

  /** The column of (log-)probabilities. */
  public static Param<String> outputCol(Identifiable owner) {
    return StringParam.of(owner, "outputCol", "output column of probabilities (or"
        + " log-probabilities)", ColumnNameValidator.required());
  }

  /** Log-probabilities instead of probabilities. */
  public static BooleanParam logSoftmax(Identifiable owner) {
    return new BooleanParam(owner, "logSoftmax", "output log-probabilities, computed as"
        + " x - max - log(sum exp), instead of probabilities");
  }

  /** The optional argmax column. */
  public static Param<String> predictionCol(Identifiable owner) {
    return StringParam.of(owner, "predictionCol", "if not empty, a double column with the"
        + " index of the largest probability (the lowest index among ties)",
        ColumnNameValidator.optional());
  }

  /** The column of class indices. */
  public static Param<String> labelCol(Identifiable owner) {
    return StringParam.of(owner, "labelCol", "label column: the class index, of a numeric type",
        ColumnNameValidator.required());
  }

  /** How many of the largest entries to output, 0 for all. */
  public static IntParam topK(Identifiable owner) {
    return new IntParam(owner, "topK", "if > 0, output only the topK largest probabilities (or"
        + " log-probabilities), exact and not renormalised, as a sparse vector at their original"
        + " indices (ties to the lower index), whatever the input type; 0 outputs every entry",
        ParamValidators.gtEq(0));
  }
}
