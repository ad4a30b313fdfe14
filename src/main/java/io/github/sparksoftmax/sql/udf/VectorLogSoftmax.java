package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.api.java.UDF1;

/**
 * {@code log_softmax(logits)} over a {@code vector} column, as a Java
 * UDF with return type {@code VectorUDT()}; see the package documentation.
 */
public final class VectorLogSoftmax implements UDF1<Vector, Vector> {

  private static final long serialVersionUID = 1L;

  @Override
  public Vector call(Vector logits) {
    return SoftmaxRows.vector(logits, 1.0, true);
  }
}
