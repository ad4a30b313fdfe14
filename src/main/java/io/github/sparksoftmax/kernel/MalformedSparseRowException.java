package io.github.sparksoftmax.kernel;

/**
 * Thrown by the sparse kernel for a row that is not a sparse row at all (see {@link
 * Softmax#sparseRowProblem}), before anything is written. Unlike an invalid row, which the kernel
 * reports as a {@link RowStatus}, such a row is an error.
 */
public final class MalformedSparseRowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;

  MalformedSparseRowException(String problem) {
    super("malformed sparse row: " + problem);
    this.problem = problem;
  }

  /** What is wrong, e.g. "index -1 (at position 0) is negative". */
  public String problem() {
    return problem;
  }
}
