package io.github.sparksoftmax.stage;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/** A param validator for column names: non-blank, or also empty where empty means "none". */
public final class ColumnNameValidator extends AbstractFunction1<String, Object>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean emptyAllowed;

  private ColumnNameValidator(boolean emptyAllowed) {
    this.emptyAllowed = emptyAllowed;
  }

  /** Accepts any name that is not blank. */
  public static ColumnNameValidator required() {
    return new ColumnNameValidator(false);
  }

  /** Accepts a non-blank name, or the empty string for "no column". */
  public static ColumnNameValidator optional() {
    return new ColumnNameValidator(true);
  }

  @Override
  public Object apply(String name) {
    return name != null && (!name.isBlank() || (emptyAllowed && name.isEmpty()));
  }
}
