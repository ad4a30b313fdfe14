package io.github.sparksoftmax.sql.udf;

import io.github.sparksoftmax.kernel.LogSumExp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.MutableAggregationBuffer;
import org.apache.spark.sql.expressions.UserDefinedAggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link LogSumExpOfScores} and {@link LogSumExpOfScoresWithTemperature} share: the
 * kernel's {@link LogSumExp} state kept in the aggregation buffer, with the temperature of the
 * rows it has seen ({@code NaN} before the first row), so that partial states merge exactly as the
 * SQL function's do.
 */
abstract class LogSumExpUdaf extends UserDefinedAggregateFunction {
  private static final long serialVersionUID = 1L;

  private static final StructType BUFFER = new StructType()
      .add("temperature", DataTypes.DoubleType, false)
      .add("values", DataTypes.LongType, false)
      .add("nulls", DataTypes.LongType, false)
      .add("infinities", DataTypes.LongType, false)
      .add("nan", DataTypes.BooleanType, false)
      .add("reference", DataTypes.DoubleType, false)
      .add("max", DataTypes.DoubleType, false)
      .add("sum", DataTypes.DoubleType, false)
      .add("compensation", DataTypes.DoubleType, false);
  private static final int TEMPERATURE = 0;

  /** The temperature of an input row, checked to be finite and positive. */
  abstract double temperature(Row input);

  @Override
  public StructType bufferSchema() {
    return BUFFER;
  }

  @Override
  public DataType dataType() {
    return DataTypes.DoubleType;
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  public void initialize(MutableAggregationBuffer buffer) {
    store(new LogSumExp(1.0), Double.NaN, buffer);
  }

  @Override
  public void update(MutableAggregationBuffer buffer, Row input) {
    double temperature = temperature(input);
    LogSumExp state = load(buffer, temperature);
    if (input.isNullAt(0)) {
      state.addNull();
    } else {
      state.add(input.getDouble(0));
    }
    store(state, temperature, buffer);
  }

  @Override
  public void merge(MutableAggregationBuffer buffer, Row other) {
    double temperature = other.getDouble(TEMPERATURE);
    if (Double.isNaN(temperature)) {
      return;
    }
    LogSumExp state = load(buffer, temperature);
    state.merge(load(other, temperature));
    store(state, temperature, buffer);
  }

  /** Null for a group with no row or only null scores, as SQL's {@code logsumexp}. */
  @Override
  public Object evaluate(Row buffer) {
    double temperature = buffer.getDouble(TEMPERATURE);
    if (Double.isNaN(temperature)) {
      return null;
    }
    LogSumExp state = load(buffer, temperature);
    return state.values() == 0 ? null : state.value();
  }

  /** The state in {@code buffer}, which must be of {@code temperature} if it has seen a row. */
  private static LogSumExp load(Row buffer, double temperature) {
    double seen = buffer.getDouble(TEMPERATURE);
    LogSumExp state = new LogSumExp(temperature);
    if (Double.isNaN(seen)) {
      return state;
    }
    if (seen != temperature) {
      throw new IllegalArgumentException("logsumexp's temperature must be the same on every row"
          + " of a group, but was " + seen + " and " + temperature);
    }
    state.restore(buffer.getLong(1), buffer.getLong(2), buffer.getLong(3), buffer.getBoolean(4),
        buffer.getDouble(5), buffer.getDouble(6), buffer.getDouble(7), buffer.getDouble(8));
    return state;
  }

  private static void store(LogSumExp state, double temperature, MutableAggregationBuffer buffer) {
    buffer.update(TEMPERATURE, temperature);
    buffer.update(1, state.values());
    buffer.update(2, state.nulls());
    buffer.update(3, state.positiveInfinities());
    buffer.update(4, state.hasNaN());
    buffer.update(5, state.reference());
    buffer.update(6, state.max());
    buffer.update(7, state.sum());
    buffer.update(8, state.compensation());
  }
}
