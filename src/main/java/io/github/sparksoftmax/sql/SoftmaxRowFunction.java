package io.github.sparksoftmax.sql;

import java.io.Serializable;
import scala.Function2;

/**
 * The Scala function that the Catalyst expression of {@code softmax(logits, temperature)} calls
 * per row, once the logits type is known. It is shipped to executors, hence serializable.
 */
final class SoftmaxRowFunction implements Function2<Object, Object, Object>, Serializable {

  private static final long serialVersionUID = 1L;

  private final LogitsType type;
  private final boolean logSpace;

  SoftmaxRowFunction(LogitsType type, boolean logSpace) {
    this.type = type;
    this.logSpace = logSpace;
  }

  /**
   * @param logits the row as Spark hands it to a UDF, or null
   * @param temperature a number
   * @throws IllegalArgumentException if the temperature is null, not finite or not positive
   */
  @Override
  public Object apply(Object logits, Object temperature) {
    return type.softmax(logits, SoftmaxRows.temperature(temperature), logSpace);
  }
}
