package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.sql.api.java.UDF2;
import scala.collection.Seq;

/**
 * {@code softmax(logits, temperature)} over an {@code array<float>} column, as a Java
 * UDF with return type {@code ArrayType(FloatType())}; see the package documentation.
 *
 * <p>The temperature is any number, finite and positive; otherwise the row fails with an
 * IllegalArgumentException that names it.
 */
public final class FloatArraySoftmaxWithTemperature implements UDF2<Seq<?>, Number, float[]> {

  private static final long serialVersionUID = 1L;

  @Override
  public float[] call(Seq<?> logits, Number temperature) {
    return SoftmaxRows.floats(logits, SoftmaxRows.temperature(temperature), false);
  }
}
