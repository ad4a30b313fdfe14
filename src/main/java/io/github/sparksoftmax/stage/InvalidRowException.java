package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.RowStatus;
import org.apache.spark.SparkException;

/**
 * Thrown when a row (or a group of long-format rows) is invalid and {@code handleInvalid} is
 * {@code error}: the failed action's SparkException is this one (rows evaluated on the driver) or
 * names it with its message (rows evaluated in a task).
 */
public final class InvalidRowException extends SparkException {
  private static final long serialVersionUID = 1L;

  private final RowStatus status;
  private final String description;

  /**
   * @param column the input column that held the row
   * @param status why the row is invalid (never {@link RowStatus#VALID})
   */
  public InvalidRowException(String column, RowStatus status) {
    this(status, "Softmax is undefined for a row of column '" + column + "': "
        + status.problem() + ".", "Set handleInvalid to 'skip' to drop such rows or to 'keep' to"
        + " output NaN (null for a null row).");
  }

  private InvalidRowException(RowStatus status, String description, String advice) {
    super(description + " " + advice);
    this.status = status;
    this.description = description;
  }

  /**
   * The error of a group of long-format rows on which softmax is undefined.
   *
   * @param scoreColumn the column of scores
   * @param groupColumn the column whose value {@code key} the group's rows share
   * @param status why the group is invalid (never {@link RowStatus#VALID})
   */
  public static InvalidRowException ofGroup(
      String scoreColumn, String groupColumn, String key, RowStatus status) {
    return new InvalidRowException(status, "Softmax is undefined for the group " + groupColumn
        + " = " + key + " of column '" + scoreColumn + "': " + groupProblem(status) + ".",
        "Set handleInvalid to 'skip' to drop the rows of such groups or to 'keep' to output NaN"
        + " for each of them.");
  }

  /** Why the row is invalid. */
  public RowStatus status() {
    return status;
  }

  /**
   * The message's first sentence, which says what and where, without the advice in the words of
   * the ML API that follows it: {@code Softmax is undefined for ...: the row has a NaN entry.}
   */
  public String description() {
    return description;
  }

  private static String groupProblem(RowStatus status) {
    switch (status) {
      case NULL_ENTRY:
        return "a score is null";
      case NAN_ENTRY:
        return "a score is NaN";
      case ALL_NEGATIVE_INFINITY:
        return "every score is -Infinity";
      default:
        return status.problem();
    }
  }
}
