package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.stage.CatalystCompat;
import io.github.sparksoftmax.stage.InternalGroupSoftmax;
import io.github.sparksoftmax.stage.InternalSoftmax;
import io.github.sparksoftmax.stage.LogSumExpAggregate;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.SoftmaxExpression;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import scala.Function1;
import scala.Option;
import scala.Tuple3;
import scala.collection.Seq;

/**
 * The SQL functions {@code softmax(logits [, temperature])} and {@code log_softmax(logits [,
 * temperature])}, over vector, {@code array<double>} and {@code array<float>} columns, and over a
 * numeric score column within a window; and the aggregate {@code logsumexp(value [, temperature])}.
 *
 * <p>On a row of logits, the result has the type of the logits: a dense vector for any vector, an
 * array of the same element type for an array. A null row gives null; a row with a NaN or null
 * entry, or whose entries are all {@code -Infinity}, gives a row of NaN of the same length; an
 * empty row gives an empty row. The temperature (1 by default) is a finite, positive number: a
 * constant is checked when the query is analysed, a temperature taken from a column as each row is
 * computed. Any other logits type, a wrong number of arguments or an unusable constant temperature
 * fails analysis with an {@code AnalysisException}.
 *
 * <p>On a numeric score, {@code softmax(score) OVER (PARTITION BY ...)} gives each row its
 * probability {@code exp(x_i / t) / sum_j exp(x_j / t)} over the rows of its window frame (the
 * whole partition by default), exact as the vector kernel is (see {@link WindowSoftmaxRule}); the
 * temperature must be a constant. Nulls are left out (a null score gives null), a NaN in the frame
 * or a frame whose scores are all {@code -Infinity} gives NaN. Without {@code OVER} the query fails
 * with {@code WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE} when it is planned.
 *
 * <p>{@code logsumexp(value [, temperature])} is {@code log sum_i exp(x_i / t)} over a group or a
 * window frame of a numeric column, within 4 ulps of {@code max(1, |exact|)} however the rows are
 * partitioned and ordered: nulls are ignored, an empty or all-null group gives null, a NaN gives
 * NaN, {@code -Infinity} adds nothing (all {@code -Infinity} gives {@code -Infinity}), a {@code
 * +Infinity} gives {@code +Infinity}. The temperature must be a constant.
 *
 * <p>Every session whose classpath holds the library has them as built-in functions ({@code
 * SoftmaxExtensions}, listed in the jar's service file, injects them with {@link
 * WindowSoftmaxRule}); {@link #register(SparkSession)} also registers them as temporary functions
 * of a running session. From the DataFrame API call them by name: {@code
 * functions.call_function("softmax", col("logits"))}, or use {@link #logsumexp(Column)}, which
 * needs no registration.
 */
public final class SoftmaxFunctions {

  /** The name of the softmax function. */
  public static final String SOFTMAX = SoftmaxExpression.SOFTMAX;

  /** The name of the log-softmax function. */
  public static final String LOG_SOFTMAX = SoftmaxExpression.LOG_SOFTMAX;

  /** The name of the log-sum-exp aggregate. */
  public static final String LOGSUMEXP = LogSumExpAggregate.LOGSUMEXP;

  /** A function as the registry takes it: its name, its description and its builder. */
  private record Definition(String name, ExpressionInfo info, Function1<?, ?> builder) {}

  private SoftmaxFunctions() {}

  /**
   * {@code logsumexp(value)}: the log-sum-exp of a numeric column, an aggregate for {@code
   * groupBy(..).agg(..)} or {@code .over(window)}; see the class comment for its semantics. A
   * value column that is not numeric fails analysis.
   */
  public static Column logsumexp(Column value) {
    return logsumexp(value, 1.0);
  }

  /**
   * {@code logsumexp(value, temperature)}: {@code log sum_i exp(x_i / temperature)}.
   *
   * @throws IllegalArgumentException unless the temperature is finite and &gt; 0
   */
  public static Column logsumexp(Column value, double temperature) {
    Softmax.requireValidTemperature(temperature);
    return CatalystCompat.column(LogSumExpAggregate.of(CatalystCompat.expression(value),
            Literal.create(temperature, DataTypes.DoubleType), LogSumExpAggregate.Output.LOG_SUM_EXP)
        .toAggregateExpression());
  }

  /**
   * Registers the functions in the session as temporary functions, replacing any temporary
   * function of the same name, and adds {@link WindowSoftmaxRule} to the session's extra
   * optimizations (once). Other sessions are unaffected, except those later cloned from this one.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void register(SparkSession spark) {
    FunctionRegistry registry = spark.sessionState().functionRegistry();
    for (Definition function : definitions()) {
      Function1 builder = function.builder();
      registry.createOrReplaceTempFunction(function.name(), builder, "java_udf");
      // Spark 3 keys a temporary function by its bare name, Spark 4.2 as system.session.<name>:
      // describe the function under the key Spark chose.
      for (FunctionIdentifier key : new FunctionIdentifier[] {
          new FunctionIdentifier(function.name(), Option.apply("session"), Option.apply("system")),
          new FunctionIdentifier(function.name())}) {
        if (registry.functionExists(key)) {
          registry.registerFunction(key, function.info(), builder);
          break;
        }
      }
    }
    scala.collection.Seq<Rule<LogicalPlan>> installed = spark.experimental().extraOptimizations();
    List<Rule<LogicalPlan>> rules = new ArrayList<>(CatalystCompat.javaList(installed));
    if (rules.stream().noneMatch(rule -> rule instanceof WindowSoftmaxRule)) {
      rules.add(new WindowSoftmaxRule());
      spark.experimental().extraOptimizations_$eq(CatalystCompat.list(rules));
    }
  }

  /**
   * Injects the functions and {@link WindowSoftmaxRule} (as an optimizer rule) into the
   * extensions, as {@code SoftmaxExtensions} does.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void inject(SparkSessionExtensions extensions) {
    for (Definition function : definitions()) {
      extensions.injectFunction(new Tuple3(new FunctionIdentifier(function.name()),
          function.info(), function.builder()));
    }
    extensions.injectOptimizerRule(session -> new WindowSoftmaxRule());
  }

  private static List<Definition> definitions() {
    return List.of(new Definition(SOFTMAX, info(false), builder(false)),
        new Definition(LOG_SOFTMAX, info(true), builder(true)),
        new Definition(LOGSUMEXP, logSumExpInfo(), logSumExpBuilder()));
  }

  private static ExpressionInfo info(boolean logSpace) {
    String name = logSpace ? LOG_SOFTMAX : SOFTMAX;
    String usage = logSpace
        ? "_FUNC_(logits[, temperature]) - The log-softmax of each row of logits: log(p_i), "
            + "computed without taking the log of a probability."
        : "_FUNC_(logits[, temperature]) - The softmax of each row of logits: "
            + "p_i = exp(x_i / t) / sum_j exp(x_j / t).";
    // Spark's layout for DESCRIBE FUNCTION EXTENDED: sections indented by 4, entries by 6.
    String arguments = "\n    Arguments:\n"
        + "      * logits - a vector, array<double> or array<float> column. The result has the same\n"
        + "          type (a dense vector for any vector). A null row gives null; a row with a NaN\n"
        + "          or null entry, or whose entries are all -Infinity, gives a row of NaN.\n"
        + "          Or a numeric score with OVER (PARTITION BY ...): each row's value within its\n"
        + "          window frame, a double; nulls are left out, a NaN or all -Infinity gives NaN.\n"
        + "      * temperature - a positive, finite number; 1 by default; a constant with OVER.\n";
    String examples = "\n    Examples:\n"
        + (logSpace
            ? "      > SELECT _FUNC_(array(0D, 0D));\n"
                + "       [-0.6931471805599453,-0.6931471805599453]\n"
            : "      > SELECT _FUNC_(array(0D, ln(3D)));\n"
                + "       [0.25,0.75]\n"
                + "      > SELECT _FUNC_(array(0D, ln(9D)), 2);\n"
                + "       [0.25,0.75]\n"
                + "      > SELECT _FUNC_(x) OVER (PARTITION BY g) FROM VALUES (1, 0D), (1, ln(3D))"
                + " AS t(g, x);\n"
                + "       0.25\n"
                + "       0.75\n");
    return new ExpressionInfo(SoftmaxFunctions.class.getName(), null, name, usage, arguments,
        examples, "", "math_funcs", "", "", "");
  }

  private static ExpressionInfo logSumExpInfo() {
    String usage = "_FUNC_(value[, temperature]) - The log-sum-exp of a numeric column over a"
        + " group or window frame: log(sum_i exp(x_i / t)), within 4 ulps.";
    String arguments = "\n    Arguments:\n"
        + "      * value - a numeric column. Nulls are ignored and an empty or all-null group gives\n"
        + "          null; a NaN gives NaN; -Infinity adds nothing (all -Infinity gives -Infinity);\n"
        + "          +Infinity gives +Infinity.\n"
        + "      * temperature - a positive, finite constant; 1 by default.\n";
    String examples = "\n    Examples:\n"
        + "      > SELECT _FUNC_(col) FROM VALUES (0D), (0D) AS tab(col);\n"
        + "       0.6931471805599453\n";
    return new ExpressionInfo(SoftmaxFunctions.class.getName(), null, LOGSUMEXP, usage,
        arguments, examples, "", "agg_funcs", "", "", "");
  }

  /**
   * A function builder, as a raw {@code Function1}: Spark declares its argument as Scala's
   * default {@code Seq}, which is {@code collection.Seq} in Scala 2.12 but
   * {@code collection.immutable.Seq} in 2.13, and no Java type names both. Every call passes a
   * {@code collection.Seq}, which both are.
   */
  @SuppressWarnings("rawtypes")
  private static Function1 builder(java.util.function.Function<Seq<Expression>, Expression> build) {
    Function1<Seq<Expression>, Expression> builder = build::apply;
    return builder;
  }

  private static Function1<?, ?> builder(boolean logSpace) {
    return builder(arguments -> softmax(arguments, logSpace));
  }

  private static Function1<?, ?> logSumExpBuilder() {
    return builder(SoftmaxFunctions::logSumExp);
  }

  /**
   * The expression for a call of {@code softmax} or {@code log_softmax}, once the analyzer has
   * resolved its arguments: a {@link SoftmaxExpression} on logits, the placeholder of a softmax
   * over a window on a score (see {@link WindowSoftmaxRule}). A misuse fails here with an
   * AnalysisException.
   */
  private static Expression softmax(Seq<Expression> arguments, boolean logSpace) {
    String name = logSpace ? LOG_SOFTMAX : SOFTMAX;
    Expression temperature = temperature(name, arguments);
    Expression logits = arguments.apply(0);
    if (LogitsType.of(logits.dataType()) == null
        && InternalGroupSoftmax.isScore(logits.dataType())) {
      return aggregate(name, arguments, logSpace ? LogSumExpAggregate.Output.LOG_SOFTMAX
          : LogSumExpAggregate.Output.SOFTMAX);
    }
    if (LogitsType.of(logits.dataType()) == null) {
      throw AnalysisErrors.dataTypeMismatch(sql(name, arguments), "the logits must be a "
          + LogitsType.EXPECTED + " column, or a numeric score with OVER (...), but "
          + logits.sql() + " is " + logits.dataType().simpleString());
    }
    String temperatureProblem = temperatureProblem(temperature);
    if (temperatureProblem != null) {
      throw AnalysisErrors.dataTypeMismatch(sql(name, arguments), temperatureProblem);
    }
    return SoftmaxExpression.functionCall(logits, temperature, logSpace);
  }

  private static Expression logSumExp(Seq<Expression> arguments) {
    return aggregate(LOGSUMEXP, arguments, LogSumExpAggregate.Output.LOG_SUM_EXP);
  }

  /** A {@link LogSumExpAggregate} for a call whose value must be numeric, its temperature constant. */
  private static Expression aggregate(
      String name, Seq<Expression> arguments, LogSumExpAggregate.Output output) {
    Expression temperature = temperature(name, arguments);
    Expression value = arguments.apply(0);
    String problem = LogSumExpAggregate.problem(value, temperature);
    if (problem != null) {
      throw AnalysisErrors.dataTypeMismatch(sql(name, arguments), problem);
    }
    return LogSumExpAggregate.of(value, temperature, output);
  }

  /**
   * The temperature argument, 1 when there is none.
   *
   * @throws org.apache.spark.sql.AnalysisException unless there are one or two arguments
   */
  private static Expression temperature(String name, Seq<Expression> arguments) {
    int count = arguments.length();
    if (count < 1 || count > 2) {
      throw AnalysisErrors.wrongNumberOfArguments(name, count);
    }
    return count == 2 ? arguments.apply(1) : Literal.create(1.0, DataTypes.DoubleType);
  }

  /** The call as SQL, e.g. {@code softmax(logits, 2)}. */
  private static String sql(String name, Seq<Expression> arguments) {
    return name + "(" + arguments.iterator().map(Expression::sql).mkString(", ") + ")";
  }

  /**
   * Why the temperature argument is unusable, or null. A constant is checked here, once; a
   * temperature that varies by row is checked as each row is computed.
   */
  private static String temperatureProblem(Expression temperature) {
    DataType type = temperature.dataType();
    if (!(type instanceof NumericType || type instanceof NullType)) {
      return "the temperature must be a number but " + temperature.sql() + " is "
          + type.simpleString();
    }
    if (temperature.foldable()) {
      try {
        InternalSoftmax.temperature(temperature.eval(null));
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return null;
  }
}
