package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.RowStatus;
import org.apache.spark.SparkException;

/**
 * Thrown when a row is invalid and {@code handleInvalid} is {@code error}: the failed action's
 * SparkException is this one (rows evaluated on the driver) or names it with its message (rows
 * evaluated in a task).
 */
public final class InvalidRowException extends SparkException {
  private static final long serialVersionUID = 1L;

  private final RowStatus status;

  /**
   * @param column the input column that held the row
   * @param status why the row is invalid (never {@link RowStatus#VALID})
   */
  public InvalidRowException(String column, RowStatus status) {
    super("Softmax is undefined for a row of column '" + column + "': " + status.problem()
        + ". Set handleInvalid to 'skip' to drop such rows or to 'keep' to output NaN"
        + " (null for a null row).");
    this.status = status;
  }

  /** Why the row is invalid. */
  public RowStatus status() {
    return status;
  }
}
