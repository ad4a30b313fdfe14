package io.github.sparksoftmax.kernel;

/**
 * What the kernel found in one row. Every status but {@link #VALID} marks a row on which softmax
 * is undefined; {@link #problem()} says why in words fit for an error message.
 */
public enum RowStatus {
  /** Softmax is defined; the output holds it. */
  VALID(null),
  /** The row itself is null (decided by the caller: the kernel never sees a null array). */
  NULL_ROW("the row is null"),
  /** At least one entry of an array row is null (decided by the caller, like {@link #NULL_ROW}). */
  NULL_ENTRY("the row has a null entry"),
  /** At least one entry is NaN. */
  NAN_ENTRY("the row has a NaN entry"),
  /** Every entry is -Infinity, so every exponential is 0 and the normaliser is 0. */
  ALL_NEGATIVE_INFINITY("every entry of the row is -Infinity");

  private final String problem;

  RowStatus(String problem) {
    this.problem = problem;
  }

  /** True only for {@link #VALID}. */
  public boolean isValid() {
    return this == VALID;
  }

  /** A phrase naming the problem, e.g. "the row has a NaN entry"; null for {@link #VALID}. */
  public String problem() {
    return problem;
  }
}
