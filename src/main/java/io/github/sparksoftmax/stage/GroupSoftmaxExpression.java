package io.github.sparksoftmax.stage;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.Block;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import scala.collection.immutable.List$;
import scala.collection.immutable.Nil$;

/**
 * The probability (or log-probability) of one row's score within its group, from the score and the
 * group's normaliser ({@link LogSumExpAggregate}'s over a window): the second step of a softmax
 * within groups, which a window function cannot take alone because its value depends on the row.
 * Null when the normaliser is null (an empty frame) or the score is null; NaN when the group is
 * invalid, or a failed action under {@code failOnInvalid}, naming the group by {@code key}. Spark
 * compiles it into its generated code ({@link #doGenCode}) or interprets it ({@link #eval}) in the
 * same steps.
 *
 * <p>Public, with a public constructor, only because Spark copies tree nodes by reflection.
 */
public final class GroupSoftmaxExpression extends JavaExpression {
  private static final long serialVersionUID = 1L;

  private final Expression score;
  private final Expression normaliser;
  private final Expression key;
  private final double temperature;
  private final boolean logSpace;
  private final boolean failOnInvalid;
  private final String scoreColumn;
  private final String groupColumn;

  /**
   * @param score a numeric expression
   * @param normaliser the group's {@link InternalGroupSoftmax#NORMALISER}
   * @param key the group's key, evaluated only to name an invalid group
   * @param temperature finite and &gt; 0, the normaliser's
   * @param logSpace log-probabilities instead of probabilities
   * @param failOnInvalid fail on an invalid group instead of giving NaN
   * @param scoreColumn the score column's name, for the error of an invalid group
   * @param groupColumn the group column's name, for the error of an invalid group
   */
  public GroupSoftmaxExpression(Expression score, Expression normaliser, Expression key,
      double temperature, boolean logSpace, boolean failOnInvalid, String scoreColumn,
      String groupColumn) {
    this.score = score;
    this.normaliser = normaliser;
    this.key = key;
    this.temperature = temperature;
    this.logSpace = logSpace;
    this.failOnInvalid = failOnInvalid;
    this.scoreColumn = Objects.requireNonNull(scoreColumn, "scoreColumn");
    this.groupColumn = Objects.requireNonNull(groupColumn, "groupColumn");
  }

  @Override
  protected List<Expression> childList() {
    return List.of(score, normaliser, key);
  }

  @Override
  protected Expression withChildList(List<Expression> newChildren) {
    return new GroupSoftmaxExpression(newChildren.get(0), newChildren.get(1), newChildren.get(2),
        temperature, logSpace, failOnInvalid, scoreColumn, groupColumn);
  }

  @Override
  public DataType dataType() {
    return DataTypes.DoubleType;
  }

  @Override
  public boolean nullable() {
    return score.nullable() || normaliser.nullable();
  }

  @Override
  public String prettyName() {
    return logSpace ? SoftmaxExpression.LOG_SOFTMAX : SoftmaxExpression.SOFTMAX;
  }

  @Override
  public String toString() {
    return prettyName() + "(" + score + ", " + temperature + ")";
  }

  @Override
  public Object eval(InternalRow input) {
    InternalRow group = (InternalRow) normaliser.eval(input);
    if (group == null) {
      return null;
    }
    if (!InternalGroupSoftmax.isValid(group)) {
      if (failOnInvalid) {
        throw InternalGroupSoftmax.failOnGroup(group, scoreColumn, groupColumn,
            String.valueOf(key.eval(input)));
      }
      return Double.NaN;
    }
    Object x = score.eval(input);
    return x == null ? null
        : InternalGroupSoftmax.probability(InternalGroupSoftmax.score(x), group, temperature,
            logSpace);
  }

  /** The same steps as {@link #eval}; the key's code runs only on the way to the error. */
  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    ExprCode x = score.genCode(ctx);
    ExprCode group = normaliser.genCode(ctx);
    String helper = InternalGroupSoftmax.class.getName();
    String invalid;
    if (failOnInvalid) {
      ExprCode k = key.genCode(ctx);
      invalid = k.code() + "\nthrow " + helper + ".failOnGroup(" + group.value() + ", \""
          + escaped(scoreColumn) + "\", \"" + escaped(groupColumn) + "\", " + k.isNull()
          + " ? \"null\" : String.valueOf(" + k.value() + "));\n";
    } else {
      invalid = ev.value() + " = Double.NaN;\n";
    }
    String code = "boolean " + ev.isNull() + " = " + group.isNull() + ";\n"
        + "double " + ev.value() + " = Double.NaN;\n"
        + "if (!" + ev.isNull() + ") {\n"
        + "  if (!" + helper + ".isValid(" + group.value() + ")) {\n" + invalid + "  } else if ("
        + x.isNull() + ") {\n"
        + "    " + ev.isNull() + " = true;\n"
        + "  } else {\n"
        + "    " + ev.value() + " = " + helper + ".probability(" + asDouble(x) + ", "
        + group.value() + ", Double.longBitsToDouble(" + Double.doubleToRawLongBits(temperature)
        + "L), " + logSpace + ");\n"
        + "  }\n"
        + "}\n";
    Block children = x.code().$plus(group.code());
    scala.collection.immutable.List<String> parts = Nil$.MODULE$.$colon$colon(code);
    return ev.copy(children.$plus(new CodeBlock(parts, List$.MODULE$.<JavaCode>empty())),
        ev.isNull(), ev.value());
  }

  /** The score's Java value as a double: a widening for primitives, {@code toDouble} a decimal. */
  private String asDouble(ExprCode x) {
    return score.dataType() instanceof DecimalType ? x.value() + ".toDouble()"
        : "(double) " + x.value();
  }

  private static String escaped(String name) {
    return name.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public int productArity() {
    return 8;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0:
        return score;
      case 1:
        return normaliser;
      case 2:
        return key;
      case 3:
        return temperature;
      case 4:
        return logSpace;
      case 5:
        return failOnInvalid;
      case 6:
        return scoreColumn;
      case 7:
        return groupColumn;
      default:
        throw new IndexOutOfBoundsException(Integer.toString(n));
    }
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof GroupSoftmaxExpression;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof GroupSoftmaxExpression)) {
      return false;
    }
    GroupSoftmaxExpression that = (GroupSoftmaxExpression) other;
    return Double.compare(temperature, that.temperature) == 0 && logSpace == that.logSpace
        && failOnInvalid == that.failOnInvalid && scoreColumn.equals(that.scoreColumn)
        && groupColumn.equals(that.groupColumn) && score.equals(that.score)
        && normaliser.equals(that.normaliser) && key.equals(that.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(score, normaliser, key, temperature, logSpace, failOnInvalid, scoreColumn,
        groupColumn);
  }
}
