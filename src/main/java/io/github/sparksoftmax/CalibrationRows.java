package io.github.sparksoftmax;

import io.github.sparksoftmax.kernel.RowStatus;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.kernel.TemperatureLoss;
import io.github.sparksoftmax.stage.HandleInvalid;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * The per-row work of fitting a temperature: reads a row of (logits, label, weight), checks it and
 * returns its parts. Holds plain values only, so that it ships to executors without the estimator.
 *
 * <p>A row is invalid when its logits are (null, a null or NaN entry, every entry -Infinity), its
 * label is not an integer class index in {@code [0, number of logits)}, the label's probability is
 * 0 at every temperature (see {@link TemperatureLoss#labelIsReachable}), or its weight is null, not
 * finite or negative. Under {@link HandleInvalid#ERROR} an invalid row raises an {@link
 * IllegalArgumentException} naming the problem; otherwise it is left out of the fit.
 */
final class CalibrationRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A valid row: logits as doubles, the class index of the label, a finite weight &gt;= 0. */
  public record Labelled(double[] logits, int label, double weight) implements Serializable {}

  private final String logitsColumn;
  private final String labelColumn;
  private final String weightColumn;
  private final HandleInvalid handleInvalid;

  /**
   * @param logitsColumn the logits column's name, for error messages
   * @param labelColumn the label column's name, for error messages
   * @param weightColumn the weight column's name, for error messages (empty when weights are 1)
   * @param handleInvalid whether an invalid row fails the fit or is left out of it
   */
  public CalibrationRows(
      String logitsColumn, String labelColumn, String weightColumn, HandleInvalid handleInvalid) {
    this.logitsColumn = logitsColumn;
    this.labelColumn = labelColumn;
    this.weightColumn = weightColumn;
    this.handleInvalid = handleInvalid;
  }

  /**
   * Reads a row of three fields: the logits (a {@link Vector} or an array of numbers), the
   * label and the weight (both doubles, possibly null).
   *
   * @return the row's parts, or null for an invalid row that is left out
   * @throws IllegalArgumentException for an invalid row under {@link HandleInvalid#ERROR}
   */
  public Labelled read(Row row) {
    double[] logits = logits(row);
    if (logits == null) {
      return null;
    }
    Double label = row.isNullAt(1) ? null : row.getDouble(1);
    int index = classIndex(label, logits.length);
    if (index < 0) {
      return invalid(notAClassIndex(label, labelColumn, logits.length));
    }
    if (!TemperatureLoss.labelIsReachable(logits, index)) {
      return invalid("the logit of label " + index + " in column '" + logitsColumn + "' is"
          + " -Infinity or below a +Infinity entry, so its probability is 0 at every temperature");
    }
    Double weight = row.isNullAt(2) ? null : row.getDouble(2);
    if (weight == null || !(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
      return invalid("the weight " + weight + " in column '" + weightColumn + "' is not finite"
          + " and >= 0");
    }
    return new Labelled(logits, index, weight);
  }

  /**
   * The label as a class index in {@code [0, classes)}, or -1 when it is null, NaN, not an integer
   * or out of that range.
   */
  public static int classIndex(Double label, int classes) {
    boolean valid = label != null && label >= 0 && label < classes && label == Math.rint(label);
    return valid ? (int) (double) label : -1;
  }

  /** The phrase for a label that {@link #classIndex} rejects. */
  public static String notAClassIndex(Double label, String column, int classes) {
    return "the label " + label + " in column '" + column + "' is not a class index in [0, "
        + classes + ")";
  }

  /** The logits (field 0) as doubles, or null (after failing under ERROR) for invalid logits. */
  private double[] logits(Row row) {
    RowStatus status;
    double[] logits = null;
    if (row.isNullAt(0)) {
      status = RowStatus.NULL_ROW;
    } else if (row.get(0) instanceof Vector) {
      logits = ((Vector) row.get(0)).toArray();
      status = Softmax.check(logits);
    } else {
      List<Number> entries = row.getList(0);
      if (entries.contains(null)) {
        status = RowStatus.NULL_ENTRY;
      } else {
        logits = entries.stream().mapToDouble(Number::doubleValue).toArray();
        status = Softmax.check(logits);
      }
    }
    if (!status.isValid()) {
      return invalid("in column '" + logitsColumn + "', " + status.problem());
    }
    return logits;
  }

  private <T> T invalid(String problem) {
    if (handleInvalid == HandleInvalid.ERROR) {
      throw new IllegalArgumentException("Cannot fit a temperature on a row: " + problem
          + ". Set handleInvalid to 'skip' (or 'keep') to leave such rows out of the fit.");
    }
    return null;
  }
}
