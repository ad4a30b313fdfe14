package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.RowStatus;

/**
 * Thrown on an executor when a row is invalid and {@code handleInvalid} is {@code error}. Spark
 * surfaces it as the cause of the failed action's {@code SparkException}.
 */
public final class InvalidRowException extends IllegalArgumentException {
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
