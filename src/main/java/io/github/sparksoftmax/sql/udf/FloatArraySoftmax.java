package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.sql.api.java.UDF1;
import scala.collection.Seq;

/**
 * {@code softmax(logits)} over an {@code array<float>} column, as a Java
 * UDF with return type {@code ArrayType(FloatType())}; see the package documentation.
 */
public final class FloatArraySoftmax implements UDF1<Seq<?>, float[]> {

  private static final long serialVersionUID = 1L;

  @Override
  public float[] call(Seq<?> logits) {
    return SoftmaxRows.floats(logits, 1.0, false);
  }
}
