package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.LogSumExp;
import io.github.sparksoftmax.kernel.RowStatus;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The per-row work of softmax within groups on Spark's internal format: reading a score, the
 * normaliser of a group that {@link LogSumExpAggregate} outputs, and each row's probability from
 * both (see {@link GroupSoftmaxExpression}). A score is any numeric value, read as the nearest
 * double.
 */
public final class InternalGroupSoftmax {

  /**
   * A group's normaliser: its largest finite score {@code max}, the sum {@code sum} of {@code
   * exp((x - max) / t)} over its finite scores and its logarithm {@code logSum} (see {@link
   * LogSumExp#logOfSum()}), the number of {@code +Infinity} scores, and the {@link RowStatus}
   * ordinal of the group as a whole.
   */
  public static final StructType NORMALISER = new StructType()
      .add("max", DataTypes.DoubleType, false)
      .add("sum", DataTypes.DoubleType, false)
      .add("logSum", DataTypes.DoubleType, false)
      .add("positiveInfinities", DataTypes.LongType, false)
      .add("status", DataTypes.IntegerType, false);

  private static final int MAX = 0;
  private static final int SUM = 1;
  private static final int LOG_SUM = 2;
  private static final int INFINITIES = 3;
  private static final int STATUS = 4;
  private static final RowStatus[] STATUSES = RowStatus.values();

  private InternalGroupSoftmax() {}

  /** Whether a column of {@code type} holds scores: any numeric type (or only nulls). */
  public static boolean isScore(DataType type) {
    return type instanceof NumericType || type instanceof NullType;
  }

  /** A non-null internal numeric value (a boxed primitive or a {@link Decimal}) as a double. */
  public static double score(Object value) {
    return value instanceof Decimal decimal ? decimal.toDouble() : ((Number) value).doubleValue();
  }

  /**
   * The normaliser of a group, re-centred on its maximum: {@link #NORMALISER}, in Spark's binary
   * row format, which a window copies into each of the group's rows as one block of bytes.
   *
   * @param nullsInvalid whether a null score makes the group invalid
   */
  static InternalRow normaliser(LogSumExp group, boolean nullsInvalid) {
    group.normalise();
    int fields = NORMALISER.size();
    int bytes = UnsafeRow.calculateBitSetWidthInBytes(fields) + Long.BYTES * fields;
    UnsafeRow row = new UnsafeRow(fields);
    row.pointTo(new byte[bytes], bytes);
    row.setDouble(MAX, group.max());
    row.setDouble(SUM, group.sum() + group.compensation());
    row.setDouble(LOG_SUM, group.logOfSum());
    row.setLong(INFINITIES, group.positiveInfinities());
    row.setInt(STATUS, group.status(nullsInvalid).ordinal());
    return row;
  }

  /** Whether softmax is defined on the group of a normaliser (null for none: not defined). */
  public static boolean isValid(InternalRow normaliser) {
    return normaliser != null && status(normaliser) == RowStatus.VALID;
  }

  /** The status of the group of a non-null normaliser. */
  public static RowStatus status(InternalRow normaliser) {
    return STATUSES[normaliser.getInt(STATUS)];
  }

  /**
   * The probability (or log-probability) of {@code score} within the valid group of {@code
   * normaliser}, to the kernel's contract (see {@link LogSumExp#softmax}).
   */
  public static double probability(double score, InternalRow normaliser, double temperature,
      boolean logSpace) {
    return LogSumExp.softmax(score, temperature, logSpace, normaliser.getDouble(MAX),
        normaliser.getDouble(SUM), normaliser.getDouble(LOG_SUM), normaliser.getLong(INFINITIES));
  }

  /**
   * Fails the action for an invalid group under {@code handleInvalid = error}: throws the {@link
   * InvalidRowException} naming the score column, the group (its column and key) and the problem.
   * Declared to return the exception so that a caller can write {@code throw failOnGroup(..)}.
   */
  public static RuntimeException failOnGroup(InternalRow normaliser, String scoreColumn,
      String groupColumn, String key) {
    throw InternalSoftmax.<RuntimeException>unchecked(
        InvalidRowException.ofGroup(scoreColumn, groupColumn, key, status(normaliser)));
  }
}
