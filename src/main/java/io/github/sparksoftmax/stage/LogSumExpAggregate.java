package io.github.sparksoftmax.stage;

import io.github.sparksoftmax.kernel.LogSumExp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.List$;

/**
 * The Catalyst aggregate of a {@link LogSumExp} over a numeric column: the SQL function {@code
 * logsumexp(value [, temperature])}, and the normaliser behind a softmax within groups. It works
 * wherever Spark evaluates an aggregate: {@code GROUP BY} (partial states in each task, merged
 * across partitions), window frames of any kind, streaming aggregation. Its state lives in
 * Spark's fixed-width aggregation buffer (counts, flags and doubles), so hash aggregation keeps
 * it in place; Spark interprets it ({@code ImperativeAggregate}) in generated and interpreted
 * plans alike.
 *
 * <p>{@link Output#LOG_SUM_EXP} gives the log-sum-exp, null when there is no non-null value.
 * The normaliser outputs give, for a group, {@link InternalGroupSoftmax#NORMALISER} (maximum,
 * sum relative to it, {@code +Infinity} count and status): {@link Output#NORMALISER} ignores
 * nulls as aggregates do, and is null without a non-null value; {@link Output#STRICT_NORMALISER}
 * takes a null for an invalid entry, as in a vector row, and is null only for no row at all.
 * {@link Output#SOFTMAX} and {@link Output#LOG_SOFTMAX} stand for a softmax over a window until
 * the plan is rewritten.
 *
 * <p>Public, with a public constructor, only because Spark copies tree nodes by reflection.
 */
public final class LogSumExpAggregate extends JavaImperativeAggregate {
  private static final long serialVersionUID = 1L;

  /** The name of the SQL function. */
  public static final String LOGSUMEXP = "logsumexp";

  /** What the aggregate outputs. */
  public enum Output {
    /** The log-sum-exp, a double. */
    LOG_SUM_EXP,
    /** A group's normaliser, nulls ignored. */
    NORMALISER,
    /** A group's normaliser, a null making the group invalid. */
    STRICT_NORMALISER,
    /**
     * The SQL call {@code softmax(score) OVER (...)} as written: the rewrite rule ({@code
     * sql.WindowSoftmaxRule}) replaces it by {@link #NORMALISER} and a {@link
     * GroupSoftmaxExpression}; evaluated as it is, it fails.
     */
    SOFTMAX,
    /** {@code log_softmax(score) OVER (...)} as written; see {@link #SOFTMAX}. */
    LOG_SOFTMAX
  }

  private static final StructType BUFFER = new StructType(new StructField[] {
      field("values", DataTypes.LongType),
      field("nulls", DataTypes.LongType),
      field("positiveInfinities", DataTypes.LongType),
      field("nan", DataTypes.BooleanType),
      field("reference", DataTypes.DoubleType),
      field("max", DataTypes.DoubleType),
      field("sum", DataTypes.DoubleType),
      field("compensation", DataTypes.DoubleType)});
  private static final int VALUES = 0;
  private static final int NULLS = 1;
  private static final int INFINITIES = 2;
  private static final int NAN = 3;
  private static final int REFERENCE = 4;
  private static final int MAX = 5;
  private static final int SUM = 6;
  private static final int COMPENSATION = 7;

  private final Expression value;
  private final Expression temperature;
  private final Output output;
  private final int mutableAggBufferOffset;
  private final int inputAggBufferOffset;
  private final List<AttributeReference> bufferAttributes;
  private final List<AttributeReference> inputBufferAttributes;
  private transient LogSumExp state;
  private transient LogSumExp other;

  /**
   * @param value a numeric expression
   * @param temperature a constant, finite and positive number
   * @param output what the aggregate gives
   * @param mutableAggBufferOffset where its state starts in the buffer it updates (Spark sets it)
   * @param inputAggBufferOffset where a partial state starts in the buffer it merges (Spark sets
   *     it)
   */
  public LogSumExpAggregate(Expression value, Expression temperature, Output output,
      int mutableAggBufferOffset, int inputAggBufferOffset) {
    this.value = value;
    this.temperature = temperature;
    this.output = Objects.requireNonNull(output, "output");
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
    this.bufferAttributes = attributes();
    this.inputBufferAttributes = attributes();
  }

  /** The aggregate of {@code value} in a new plan, offsets to be set by Spark. */
  public static LogSumExpAggregate of(Expression value, Expression temperature, Output output) {
    return new LogSumExpAggregate(value, temperature, output, 0, 0);
  }

  /**
   * Why a call cannot be evaluated, in the words of an SQL argument, or null: the value must be
   * numeric, the temperature a finite and positive constant.
   */
  public static String problem(Expression value, Expression temperature) {
    if (!InternalGroupSoftmax.isScore(value.dataType())) {
      return "the value must be numeric but " + value.sql() + " is "
          + value.dataType().simpleString();
    }
    if (!temperature.foldable()) {
      return "the temperature must be a constant but " + temperature.sql() + " is not";
    }
    try {
      InternalSoftmax.temperature(temperature.eval(null));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    String problem = problem(value, temperature);
    return problem == null ? TypeCheckResult.TypeCheckSuccess$.MODULE$
        : new TypeCheckResult.TypeCheckFailure(problem);
  }

  @Override
  public scala.collection.immutable.List<Expression> children() {
    return CatalystCompat.list(List.of(value, temperature));
  }

  @Override
  protected Expression withChildList(List<Expression> newChildren) {
    return new LogSumExpAggregate(newChildren.get(0), newChildren.get(1), output,
        mutableAggBufferOffset, inputAggBufferOffset);
  }

  @Override
  public DataType dataType() {
    return isNormaliser() ? InternalGroupSoftmax.NORMALISER : DataTypes.DoubleType;
  }

  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public String prettyName() {
    switch (output) {
      case SOFTMAX:
        return SoftmaxExpression.SOFTMAX;
      case LOG_SOFTMAX:
        return SoftmaxExpression.LOG_SOFTMAX;
      case LOG_SUM_EXP:
        return LOGSUMEXP;
      default:
        return LOGSUMEXP + "_normaliser";
    }
  }

  @Override
  public String toString() {
    return prettyName() + "(" + value + ", " + temperature + ")";
  }

  /** What the aggregate outputs. */
  public Output output() {
    return output;
  }

  /** The value (score) expression. */
  public Expression value() {
    return value;
  }

  /**
   * The value of the constant temperature.
   *
   * @throws IllegalArgumentException if it is not finite and positive
   */
  public double constantTemperature() {
    return InternalSoftmax.temperature(temperature.eval(null));
  }

  /** This aggregate with another output. */
  public LogSumExpAggregate withOutput(Output newOutput) {
    return new LogSumExpAggregate(value, temperature, newOutput, mutableAggBufferOffset,
        inputAggBufferOffset);
  }

  @Override
  public StructType aggBufferSchema() {
    return BUFFER;
  }

  @Override
  public scala.collection.immutable.List<AttributeReference> aggBufferAttributes() {
    return CatalystCompat.list(bufferAttributes);
  }

  @Override
  public scala.collection.immutable.List<AttributeReference> inputAggBufferAttributes() {
    return CatalystCompat.list(inputBufferAttributes);
  }

  @Override
  public int mutableAggBufferOffset() {
    return mutableAggBufferOffset;
  }

  @Override
  public ImperativeAggregate withNewMutableAggBufferOffset(int offset) {
    return new LogSumExpAggregate(value, temperature, output, offset, inputAggBufferOffset);
  }

  @Override
  public int inputAggBufferOffset() {
    return inputAggBufferOffset;
  }

  @Override
  public ImperativeAggregate withNewInputAggBufferOffset(int offset) {
    return new LogSumExpAggregate(value, temperature, output, mutableAggBufferOffset, offset);
  }

  @Override
  public void initialize(InternalRow buffer) {
    store(new LogSumExp(constantTemperature()), buffer, mutableAggBufferOffset);
  }

  @Override
  public void update(InternalRow buffer, InternalRow input) {
    LogSumExp current = load(state(), buffer, mutableAggBufferOffset);
    Object x = value.eval(input);
    if (x == null) {
      current.addNull();
    } else {
      current.add(InternalGroupSoftmax.score(x));
    }
    store(current, buffer, mutableAggBufferOffset);
  }

  @Override
  public void merge(InternalRow buffer, InternalRow inputBuffer) {
    LogSumExp current = load(state(), buffer, mutableAggBufferOffset);
    if (other == null) {
      other = new LogSumExp(constantTemperature());
    }
    current.merge(load(other, inputBuffer, inputAggBufferOffset));
    store(current, buffer, mutableAggBufferOffset);
  }

  @Override
  public Object eval(InternalRow buffer) {
    if (output == Output.SOFTMAX || output == Output.LOG_SOFTMAX) {
      throw new IllegalStateException(prettyName() + "(score) OVER (...) reached execution"
          + " without being rewritten: the session has the function but not its plan rule;"
          + " register both with SoftmaxFunctions.register or SoftmaxExtensions.");
    }
    LogSumExp current = load(state(), buffer, mutableAggBufferOffset);
    boolean empty = current.values() == 0
        && (current.nulls() == 0 || output != Output.STRICT_NORMALISER);
    if (empty) {
      return null;
    }
    if (output == Output.LOG_SUM_EXP) {
      return current.value();
    }
    return InternalGroupSoftmax.normaliser(current, output == Output.STRICT_NORMALISER);
  }

  private boolean isNormaliser() {
    return output == Output.NORMALISER || output == Output.STRICT_NORMALISER;
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0:
        return value;
      case 1:
        return temperature;
      case 2:
        return output;
      case 3:
        return mutableAggBufferOffset;
      case 4:
        return inputAggBufferOffset;
      default:
        throw new IndexOutOfBoundsException(Integer.toString(n));
    }
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof LogSumExpAggregate;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof LogSumExpAggregate)) {
      return false;
    }
    LogSumExpAggregate that = (LogSumExpAggregate) other;
    return output == that.output && mutableAggBufferOffset == that.mutableAggBufferOffset
        && inputAggBufferOffset == that.inputAggBufferOffset && value.equals(that.value)
        && temperature.equals(that.temperature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, temperature, output, mutableAggBufferOffset, inputAggBufferOffset);
  }

  /** The scratch state through which the buffer is updated, made once per instance. */
  private LogSumExp state() {
    if (state == null) {
      state = new LogSumExp(constantTemperature());
    }
    return state;
  }

  private static LogSumExp load(LogSumExp into, InternalRow buffer, int offset) {
    into.restore(buffer.getLong(offset + VALUES), buffer.getLong(offset + NULLS),
        buffer.getLong(offset + INFINITIES), buffer.getBoolean(offset + NAN),
        buffer.getDouble(offset + REFERENCE), buffer.getDouble(offset + MAX),
        buffer.getDouble(offset + SUM), buffer.getDouble(offset + COMPENSATION));
    return into;
  }

  private static void store(LogSumExp from, InternalRow buffer, int offset) {
    buffer.setLong(offset + VALUES, from.values());
    buffer.setLong(offset + NULLS, from.nulls());
    buffer.setLong(offset + INFINITIES, from.positiveInfinities());
    buffer.setBoolean(offset + NAN, from.hasNaN());
    buffer.setDouble(offset + REFERENCE, from.reference());
    buffer.setDouble(offset + MAX, from.max());
    buffer.setDouble(offset + SUM, from.sum());
    buffer.setDouble(offset + COMPENSATION, from.compensation());
  }

  private static List<AttributeReference> attributes() {
    List<AttributeReference> attributes = new ArrayList<>();
    for (StructField field : BUFFER.fields()) {
      attributes.add(new AttributeReference(field.name(), field.dataType(), false,
          Metadata.empty(), NamedExpression.newExprId(), List$.MODULE$.<String>empty()));
    }
    return attributes;
  }

  private static StructField field(String name, DataType type) {
    return new StructField(name, type, false, Metadata.empty());
  }
}
