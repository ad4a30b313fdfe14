package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.stage.LogitsType;
import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;
import scala.Function2;
import scala.collection.Seq;

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
   * @param logits the row as Spark hands it to a UDF (a Vector or a Seq), or null
   * @param temperature a number
   * @return the row's softmax (see {@link SoftmaxRows}), null for a null row
   * @throws IllegalArgumentException if the temperature is null, not finite or not positive
   */
  @Override
  public Object apply(Object logits, Object temperature) {
    double t = SoftmaxRows.temperature(temperature);
    return switch (type) {
      case VECTOR -> SoftmaxRows.vector((Vector) logits, t, logSpace);
      case DOUBLE_ARRAY -> SoftmaxRows.doubles((Seq<?>) logits, t, logSpace);
      case FLOAT_ARRAY -> SoftmaxRows.floats((Seq<?>) logits, t, logSpace);
    };
  }
}
