package io.github.sparksoftmax.stage;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.Block;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.List$;
import scala.collection.immutable.Nil$;

/**
 * The Catalyst expression of a softmax column: the SQL functions' calls {@code softmax(logits,
 * temperature)} and {@code log_softmax(logits, temperature)}, and the transformer's output column.
 * It reads the row's internal arrays in place through {@link InternalSoftmax}, instead of
 * converting each row to a {@code Vector} or a {@code Seq} and back as a UDF would, and Spark
 * compiles it into its generated code ({@link #doGenCode}) or interprets it ({@link #eval}) in the
 * same steps. It is named after the function, so a result column reads {@code softmax(logits,
 * 1.0)}.
 *
 * <p>A transformer's column reuses its result buffers from row to row ({@link ResultBuffers}):
 * Spark copies the result into the projection's output row. A function call can stand anywhere in
 * a query, including in expressions that keep its result past the next row, so its results are
 * fresh objects; only the copy of the logits is reused.
 *
 * <p>The temperature is checked as each row is computed ({@link InternalSoftmax#temperature});
 * generated code checks a constant one once, when it is generated. Public, with a public
 * constructor, only because Spark copies tree nodes by reflection.
 */
public final class SoftmaxExpression extends JavaExpression {
  private static final long serialVersionUID = 1L;
  /** The name of the function and of its result column. */
  public static final String SOFTMAX = "softmax";
  /** The name of the log-space function and of its result column. */
  public static final String LOG_SOFTMAX = "log_softmax";

  private final Expression logits;
  private final Expression temperature;
  private final boolean logSpace;
  private final boolean failOnInvalid;
  private final String column;
  private final boolean reuseResults;
  private final LogitsType type;
  private final UTF8String columnName;
  private final ResultBuffers buffers;

  /**
   * @param logits a resolved expression of a {@link LogitsType}
   * @param temperature a resolved numeric expression
   * @param logSpace log-softmax instead of softmax
   * @param failOnInvalid throw on an invalid row (a null row too) instead of giving null or NaN
   * @param column the input column's name, for the error of an invalid or malformed row
   * @param reuseResults whether each result may be the buffer of the last row (see {@link
   *     ResultBuffers}), for a column that Spark copies into its output row
   * @throws IllegalArgumentException if {@code logits} is not of a logits type
   */
  public SoftmaxExpression(Expression logits, Expression temperature, boolean logSpace,
      boolean failOnInvalid, String column, boolean reuseResults) {
    this.logits = logits;
    this.temperature = temperature;
    this.logSpace = logSpace;
    this.failOnInvalid = failOnInvalid;
    this.column = Objects.requireNonNull(column, "column");
    this.reuseResults = reuseResults;
    this.type = LogitsType.of(logits.dataType());
    if (type == null) {
      throw new IllegalArgumentException("not a logits type: " + logits.dataType());
    }
    this.columnName = UTF8String.fromString(column);
    this.buffers = reuseResults ? new ResultBuffers() : ResultBuffers.forFreshResults();
  }

  /**
   * A call of the SQL function: an invalid row gives NaN (a null row null), and each result is a
   * new object. A malformed vector fails the query naming the argument by its SQL text.
   */
  public static SoftmaxExpression functionCall(
      Expression logits, Expression temperature, boolean logSpace) {
    return new SoftmaxExpression(logits, temperature, logSpace, false, logits.sql(), false);
  }

  @Override
  protected List<Expression> childList() {
    return List.of(logits, temperature);
  }

  @Override
  protected Expression withChildList(List<Expression> newChildren) {
    return new SoftmaxExpression(newChildren.get(0), newChildren.get(1), logSpace, failOnInvalid,
        column, reuseResults);
  }

  @Override
  public DataType dataType() {
    return type.resultType();
  }

  /** Null only for a null row that does not fail: a null temperature fails instead. */
  @Override
  public boolean nullable() {
    return logits.nullable() && !failOnInvalid;
  }

  @Override
  public String prettyName() {
    return logSpace ? LOG_SOFTMAX : SOFTMAX;
  }

  @Override
  public String toString() {
    return prettyName() + "(" + logits + ", " + temperature + ")";
  }

  @Override
  public Object eval(InternalRow input) {
    Object row = logits.eval(input);
    double t = InternalSoftmax.temperature(temperature.eval(input));
    switch (type) {
      case VECTOR:
        return InternalSoftmax.vector(row, buffers, t, logSpace, failOnInvalid, columnName);
      case DOUBLE_ARRAY:
        return InternalSoftmax.doubles(
            (ArrayData) row, buffers, t, logSpace, failOnInvalid, columnName);
      case FLOAT_ARRAY:
        return InternalSoftmax.floats(
            (ArrayData) row, buffers, t, logSpace, failOnInvalid, columnName);
      default:
        throw new IllegalStateException("unhandled logits type " + type);
    }
  }

  /**
   * The same steps as {@link #eval}: the temperature is evaluated and checked first (once, here,
   * when it is a constant), then the row, null or not, goes to the method of {@link
   * InternalSoftmax} for its type.
   */
  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    ExprCode row = logits.genCode(ctx);
    String resultType = CodeGenerator.javaType(dataType());
    String buffersTerm = ctx.addReferenceObj("softmaxBuffers", buffers,
        ResultBuffers.class.getName());
    String columnTerm = ctx.addReferenceObj("softmaxColumn", columnName,
        UTF8String.class.getName());
    String temperatureTerm = ctx.freshName("temperature");
    String code;
    Block childrenCode;
    if (temperature.foldable()) {
      double constant = InternalSoftmax.temperature(temperature.eval(null));
      childrenCode = row.code();
      code = "double " + temperatureTerm + " = Double.longBitsToDouble("
          + Double.doubleToRawLongBits(constant) + "L);\n";
    } else {
      ExprCode t = temperature.genCode(ctx);
      childrenCode = row.code().$plus(t.code());
      code = "double " + temperatureTerm + " = " + InternalSoftmax.class.getName()
          + ".temperature(" + t.isNull() + " ? null : " + boxed(t) + ");\n";
    }
    code += resultType + " " + ev.value() + " = (" + resultType + ") "
        + InternalSoftmax.class.getName() + "." + SoftmaxColumns.softmaxMethod(type) + "("
        + row.isNull() + " ? null : " + row.value() + ", " + buffersTerm + ", "
        + temperatureTerm + ", " + logSpace + ", " + failOnInvalid + ", " + columnTerm + ");\n"
        + "boolean " + ev.isNull() + " = " + ev.value() + " == null;\n";
    scala.collection.immutable.List<String> parts = Nil$.MODULE$.$colon$colon(code);
    return ev.copy(childrenCode.$plus(new CodeBlock(parts, List$.MODULE$.<JavaCode>empty())),
        ev.isNull(), ev.value());
  }

  /** A non-null temperature value as the Object that {@link InternalSoftmax#temperature} takes. */
  private String boxed(ExprCode t) {
    DataType type = temperature.dataType();
    return type instanceof DecimalType || type instanceof NullType
        ? "(Object) " + t.value()
        : "Double.valueOf((double) " + t.value() + ")";
  }

  @Override
  public int productArity() {
    return 6;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0:
        return logits;
      case 1:
        return temperature;
      case 2:
        return logSpace;
      case 3:
        return failOnInvalid;
      case 4:
        return column;
      case 5:
        return reuseResults;
      default:
        throw new IndexOutOfBoundsException(Integer.toString(n));
    }
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof SoftmaxExpression;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof SoftmaxExpression)) {
      return false;
    }
    SoftmaxExpression that = (SoftmaxExpression) other;
    return logSpace == that.logSpace && failOnInvalid == that.failOnInvalid
        && reuseResults == that.reuseResults && column.equals(that.column)
        && logits.equals(that.logits) && temperature.equals(that.temperature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(logits, temperature, logSpace, failOnInvalid, column, reuseResults);
  }
}
