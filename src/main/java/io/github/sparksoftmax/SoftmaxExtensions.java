package io.github.sparksoftmax;

import io.github.sparksoftmax.sql.SoftmaxFunctions;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Makes the SQL functions {@code softmax} and {@code log_softmax} (see {@link SoftmaxFunctions})
 * available in every session, by configuration alone:
 * {@code spark.sql.extensions=io.github.sparksoftmax.SoftmaxExtensions}, given to
 * {@code spark-submit}, {@code spark-sql}, {@code pyspark} or a session builder before the first
 * session starts.
 */
public final class SoftmaxExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  /** Spark instantiates the class by this constructor. */
  public SoftmaxExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SoftmaxFunctions.inject(extensions);
    return BoxedUnit.UNIT;
  }
}
