package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.stage.InternalSoftmax;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.ResultBuffers;
import io.github.sparksoftmax.stage.SoftmaxColumns;
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
import scala.collection.immutable.List$;
import scala.collection.immutable.Nil$;

/**
 * The Catalyst expression of a call {@code softmax(logits, temperature)} or {@code
 * log_softmax(logits, temperature)}: it reads the row's internal arrays in place, as the
 * transformer does, instead of converting each row to a {@code Vector} or a {@code Seq} and back
 * as a UDF would. It is named after the function, so a result column reads {@code softmax(logits,
 * 1.0)}.
 *
 * <p>Each result is a new row or array. A function call can stand anywhere in a query, including
 * in expressions that keep its result past the next row, so unlike the transformer's column it
 * does not reuse its result buffers; only the copy of the logits is reused.
 *
 * <p>The temperature is checked as each row is computed ({@link SoftmaxRows#temperature}), a
 * constant one once; {@link SoftmaxFunctions} also checks a constant when it builds the call.
 * Built by {@link SoftmaxFunctions}; public, with a public constructor, only because Spark copies
 * tree nodes by reflection.
 */
public final class SoftmaxExpression extends JavaExpression {
  private static final long serialVersionUID = 1L;

  private final Expression logits;
  private final Expression temperature;
  private final boolean logSpace;
  private final LogitsType type;
  private final ResultBuffers buffers = ResultBuffers.forFreshResults();

  /**
   * @param logits a resolved expression of a {@link LogitsType}
   * @param temperature a resolved numeric expression
   * @param logSpace log-softmax instead of softmax
   * @throws IllegalArgumentException if {@code logits} is not of a logits type
   */
  public SoftmaxExpression(Expression logits, Expression temperature, boolean logSpace) {
    this.logits = logits;
    this.temperature = temperature;
    this.logSpace = logSpace;
    this.type = LogitsType.of(logits.dataType());
    if (type == null) {
      throw new IllegalArgumentException("not a logits type: " + logits.dataType());
    }
  }

  @Override
  protected List<Expression> childList() {
    return List.of(logits, temperature);
  }

  @Override
  protected Expression withChildList(List<Expression> newChildren) {
    return new SoftmaxExpression(newChildren.get(0), newChildren.get(1), logSpace);
  }

  @Override
  public DataType dataType() {
    return type.resultType();
  }

  /** Null only for a null row: a null temperature fails instead. */
  @Override
  public boolean nullable() {
    return logits.nullable();
  }

  @Override
  public String prettyName() {
    return logSpace ? SoftmaxFunctions.LOG_SOFTMAX : SoftmaxFunctions.SOFTMAX;
  }

  @Override
  public String toString() {
    return prettyName() + "(" + logits + ", " + temperature + ")";
  }

  @Override
  public Object eval(InternalRow input) {
    Object row = logits.eval(input);
    double t = SoftmaxRows.temperature(temperature.eval(input));
    if (row == null) {
      return null;
    }
    switch (type) {
      case VECTOR:
        return InternalSoftmax.vector(row, buffers, t, logSpace, false, null);
      case DOUBLE_ARRAY:
        return InternalSoftmax.doubles((ArrayData) row, buffers, t, logSpace, false, null);
      case FLOAT_ARRAY:
        return InternalSoftmax.floats((ArrayData) row, buffers, t, logSpace, false, null);
      default:
        throw new IllegalStateException("unhandled logits type " + type);
    }
  }

  /**
   * The same steps as {@link #eval}: the temperature is evaluated and checked first (once, here,
   * when it is a constant), then the row, unless it is null, goes to the method of {@link
   * InternalSoftmax} for its type.
   */
  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    ExprCode row = logits.genCode(ctx);
    String resultType = CodeGenerator.javaType(dataType());
    String buffersTerm = ctx.addReferenceObj("softmaxBuffers", buffers,
        ResultBuffers.class.getName());
    String temperatureTerm = ctx.freshName("temperature");
    String code;
    Block childrenCode;
    if (temperature.foldable()) {
      double constant = SoftmaxRows.temperature(temperature.eval(null));
      childrenCode = row.code();
      code = "double " + temperatureTerm + " = Double.longBitsToDouble("
          + Double.doubleToRawLongBits(constant) + "L);\n";
    } else {
      ExprCode t = temperature.genCode(ctx);
      childrenCode = row.code().$plus(t.code());
      code = "double " + temperatureTerm + " = " + SoftmaxRows.class.getName()
          + ".temperature(" + t.isNull() + " ? null : " + boxed(t) + ");\n";
    }
    code += "boolean " + ev.isNull() + " = " + row.isNull() + ";\n"
        + resultType + " " + ev.value() + " = null;\n"
        + "if (!" + ev.isNull() + ") {\n"
        + "  " + ev.value() + " = (" + resultType + ") " + InternalSoftmax.class.getName() + "."
        + SoftmaxColumns.softmaxMethod(type) + "(" + row.value() + ", " + buffersTerm + ", "
        + temperatureTerm + ", " + logSpace + ", false, null);\n"
        + "}\n";
    scala.collection.immutable.List<String> parts = Nil$.MODULE$.$colon$colon(code);
    return ev.copy(childrenCode.$plus(new CodeBlock(parts, List$.MODULE$.<JavaCode>empty())),
        ev.isNull(), ev.value());
  }

  /** A non-null temperature value as the Object that {@link SoftmaxRows#temperature} takes. */
  private String boxed(ExprCode t) {
    DataType type = temperature.dataType();
    return type instanceof DecimalType || type instanceof NullType
        ? "(Object) " + t.value()
        : "Double.valueOf((double) " + t.value() + ")";
  }

  @Override
  public int productArity() {
    return 3;
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
    return logSpace == that.logSpace && logits.equals(that.logits)
        && temperature.equals(that.temperature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(logits, temperature, logSpace);
  }
}
