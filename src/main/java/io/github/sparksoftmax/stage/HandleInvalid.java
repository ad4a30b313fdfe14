package io.github.sparksoftmax.stage;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a stage does with a row on which softmax is undefined (the {@code handleInvalid} param). */
public enum HandleInvalid {
  /** Fail the action, naming the problem. */
  ERROR,
  /** Drop the row. */
  SKIP,
  /** Keep the row: null for a null input, NaN in every output entry otherwise. */
  KEEP;

  /** The param values, lower case, as users write them. */
  public static final List<String> NAMES = Arrays.asList("error", "skip", "keep");

  /** The policy named by a param value ({@code error}, {@code skip} or {@code keep}). */
  public static HandleInvalid fromParam(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
