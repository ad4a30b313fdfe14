package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.sql.api.java.UDF2;
import scala.collection.Seq;

/**
 * {@code softmax(logits, temperature)} over an {@code array<double>} column, as a Java
 * UDF with return type {@code ArrayType(DoubleType())}; see the package documentation.
 *
 * <p>The temperature is any number, finite and positive; otherwise the row fails with an
 * IllegalArgumentException that names it.
 */
public final class DoubleArraySoftmaxWithTemperature implements UDF2<Seq<?>, Number, double[]> {

  private static final long serialVersionUID = 1L;

  @Override
  public double[] call(Seq<?> logits, Number temperature) {
    return SoftmaxRows.doubles(logits, SoftmaxRows.temperature(temperature), false);
  }
}
