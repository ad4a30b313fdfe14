package io.github.sparksoftmax.sql.udf;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code logsumexp(score)}, the exact {@code log sum exp} aggregate, as a Java UDAF for PySpark's
 * {@code spark.udf.registerJavaUDAF(name, className)} (or {@code spark.udf().registerJavaUDAF}
 * from the JVM); see the package documentation. Any numeric column is read as double.
 */
public final class LogSumExpOfScores extends LogSumExpUdaf {
  private static final long serialVersionUID = 1L;

  @Override
  public StructType inputSchema() {
    return new StructType().add("score", DataTypes.DoubleType);
  }

  @Override
  double temperature(Row input) {
    return 1.0;
  }
}
