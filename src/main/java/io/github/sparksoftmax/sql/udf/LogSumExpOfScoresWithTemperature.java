package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.sql.SoftmaxRows;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code logsumexp(score, temperature)}, {@code log sum exp(score / temperature)}, as a Java UDAF
 * for PySpark's {@code spark.udf.registerJavaUDAF(name, className)}; see the package
 * documentation. The temperature is any number, finite and positive, and the same on every row of
 * a group; otherwise the query fails with an IllegalArgumentException that names it.
 */
public final class LogSumExpOfScoresWithTemperature extends LogSumExpUdaf {
  private static final long serialVersionUID = 1L;

  @Override
  public StructType inputSchema() {
    return new StructType()
        .add("score", DataTypes.DoubleType)
        .add("temperature", DataTypes.DoubleType);
  }

  @Override
  double temperature(Row input) {
    return SoftmaxRows.temperature(input.isNullAt(1) ? null : input.getDouble(1));
  }
}
