package io.github.sparksoftmax.job;

import io.github.sparksoftmax.stage.InvalidRowException;

/**
 * Why the job stopped, as one line for stderr, with its exit code: {@value #USAGE} for a usage
 * error (a bad flag or properties file, found before Spark starts), {@value #DATA} for a data
 * error (the input, the output path or a row).
 */
public final class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code of a usage error. */
  public static final int USAGE = 2;
  /** Exit code of a data error. */
  public static final int DATA = 1;

  private final int exitCode;

  private JobFailure(int exitCode, String message, Throwable cause) {
    super(message.replaceAll("\\s*\\R\\s*", " ").trim(), cause);
    this.exitCode = exitCode;
  }

  /** A usage error: a missing, unknown or malformed flag or properties entry. */
  public static JobFailure usage(String message) {
    return new JobFailure(USAGE, message, null);
  }

  /** A data error whose message says all there is. */
  public static JobFailure data(String message) {
    return new JobFailure(DATA, message, null);
  }

  /**
   * A data error for a failed Spark action: the message of an {@link InvalidRowException} in the
   * cause chain if there is one, else {@code context} and the first line of the root cause.
   */
  public static JobFailure data(String context, Throwable failure) {
    InvalidRowException invalid = invalidRowIn(failure);
    if (invalid != null) {
      return new JobFailure(DATA, invalid.getMessage(), failure);
    }
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String detail = String.valueOf(root.getMessage()).split("\\R", 2)[0];
    return new JobFailure(DATA, context + ": " + detail, failure);
  }

  /** The invalid row this failure comes from, or null if it comes from something else. */
  public InvalidRowException invalidRow() {
    return invalidRowIn(getCause());
  }

  /** The same failure (exit code and cause) with another message. */
  public JobFailure reworded(String message) {
    return new JobFailure(exitCode, message, getCause());
  }

  private static InvalidRowException invalidRowIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidRowException) {
        return (InvalidRowException) t;
      }
    }
    return null;
  }

  /** {@value #USAGE} or {@value #DATA}. */
  public int exitCode() {
    return exitCode;
  }
}
