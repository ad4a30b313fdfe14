package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.api.java.UDF2;

/**
 * {@code softmax(logits, temperature)} over a {@code vector} column, as a Java
 * UDF with return type {@code VectorUDT()}; see the package documentation.
 *
 * <p>The temperature is any number, finite and positive; otherwise the row fails with an
 * IllegalArgumentException that names it.
 */
public final class VectorSoftmaxWithTemperature implements UDF2<Vector, Number, Vector> {

  private static final long serialVersionUID = 1L;

  @Override
  public Vector call(Vector logits, Number temperature) {
    return SoftmaxRows.vector(logits, SoftmaxRows.temperature(temperature), false);
  }
}
