package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.sql.api.java.UDF1;
import scala.collection.Seq;

/**
 * {@code log_softmax(logits)} over an {@code array<double>} column, as a Java
 * UDF with return type {@code ArrayType(DoubleType())}; see the package documentation.
 */
public final class DoubleArrayLogSoftmax implements UDF1<Seq<?>, double[]> {

  private static final long serialVersionUID = 1L;

  @Override
  public double[] call(Seq<?> logits) {
    return SoftmaxRows.doubles(logits, 1.0, true);
  }
}
