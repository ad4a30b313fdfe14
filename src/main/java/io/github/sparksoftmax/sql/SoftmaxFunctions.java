package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.stage.InternalSoftmax;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.SoftmaxExpression;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.Literal;
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
 * temperature])}, over vector, {@code array<double>} and {@code array<float>} columns.
 *
 * <p>The result has the type of the logits: a dense vector for any vector, an array of the same
 * element type for an array. A null row gives null; a row with a NaN or null entry, or whose
 * entries are all {@code -Infinity}, gives a row of NaN of the same length; an empty row gives an
 * empty row. The temperature (1 by default) is a finite, positive number: a constant is checked
 * when the query is analysed, a temperature taken from a column as each row is computed. Any
 * other logits type, a wrong number of arguments or an unusable constant temperature fails
 * analysis with an {@code AnalysisException}.
 *
 * <p>Every session whose classpath holds the library has them as built-in functions ({@code
 * SoftmaxExtensions}, listed in the jar's service file, injects them); {@link
 * #register(SparkSession)} also registers them as temporary functions of a running session. From
 * the DataFrame API call them by name: {@code functions.call_function("softmax", col("logits"))}.
 */
public final class SoftmaxFunctions {

  /** The name of the softmax function. */
  public static final String SOFTMAX = SoftmaxExpression.SOFTMAX;

  /** The name of the log-softmax function. */
  public static final String LOG_SOFTMAX = SoftmaxExpression.LOG_SOFTMAX;

  private SoftmaxFunctions() {}

  /**
   * Registers both functions in the session as temporary functions, replacing any temporary
   * function of the same name. Other sessions are unaffected, except those later cloned from this
   * one.
   */
  @SuppressWarnings("unchecked")
  public static void register(SparkSession spark) {
    FunctionRegistry registry = spark.sessionState().functionRegistry();
    for (boolean logSpace : new boolean[] {false, true}) {
      String name = identifier(logSpace).funcName();
      registry.createOrReplaceTempFunction(name, builder(logSpace), "java_udf");
      // Spark 3 keys a temporary function by its bare name, Spark 4.2 as system.session.<name>:
      // describe the function under the key Spark chose.
      for (FunctionIdentifier key : new FunctionIdentifier[] {
          new FunctionIdentifier(name, Option.apply("session"), Option.apply("system")),
          new FunctionIdentifier(name)}) {
        if (registry.functionExists(key)) {
          registry.registerFunction(key, info(logSpace), builder(logSpace));
          break;
        }
      }
    }
  }

  /** Injects both functions into the extensions, as {@code SoftmaxExtensions} does. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void inject(SparkSessionExtensions extensions) {
    for (boolean logSpace : new boolean[] {false, true}) {
      extensions.injectFunction(
          new Tuple3(identifier(logSpace), info(logSpace), builder(logSpace)));
    }
  }

  private static FunctionIdentifier identifier(boolean logSpace) {
    return new FunctionIdentifier(logSpace ? LOG_SOFTMAX : SOFTMAX);
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
        + "      * temperature - a positive, finite number; 1 by default.\n";
    String examples = "\n    Examples:\n"
        + (logSpace
            ? "      > SELECT _FUNC_(array(0D, 0D));\n"
                + "       [-0.6931471805599453,-0.6931471805599453]\n"
            : "      > SELECT _FUNC_(array(0D, ln(3D)));\n"
                + "       [0.25,0.75]\n"
                + "      > SELECT _FUNC_(array(0D, ln(9D)), 2);\n"
                + "       [0.25,0.75]\n");
    return new ExpressionInfo(SoftmaxFunctions.class.getName(), null, name, usage, arguments,
        examples, "", "math_funcs", "", "", "");
  }

  /**
   * The function builder, as a raw {@code Function1}: Spark declares its argument as Scala's
   * default {@code Seq}, which is {@code collection.Seq} in Scala 2.12 but
   * {@code collection.immutable.Seq} in 2.13, and no Java type names both. Every call passes a
   * {@code collection.Seq}, which both are.
   */
  @SuppressWarnings("rawtypes")
  private static Function1 builder(boolean logSpace) {
    Function1<Seq<Expression>, Expression> builder = arguments -> build(arguments, logSpace);
    return builder;
  }

  /**
   * The expression for a call ({@link SoftmaxExpression}), once the analyzer has resolved its
   * arguments: a misuse fails here with an AnalysisException.
   */
  private static Expression build(Seq<Expression> arguments, boolean logSpace) {
    String name = logSpace ? LOG_SOFTMAX : SOFTMAX;
    int count = arguments.length();
    if (count < 1 || count > 2) {
      throw AnalysisErrors.wrongNumberOfArguments(name, count);
    }
    Expression logits = arguments.apply(0);
    Expression temperature =
        count == 2 ? arguments.apply(1) : Literal.create(1.0, DataTypes.DoubleType);
    String call = name + "(" + arguments.iterator().map(Expression::sql).mkString(", ") + ")";
    LogitsType type = LogitsType.of(logits.dataType());
    if (type == null) {
      throw AnalysisErrors.dataTypeMismatch(call, "the logits must be a " + LogitsType.EXPECTED
          + " column but " + logits.sql() + " is " + logits.dataType().simpleString());
    }
    String temperatureProblem = temperatureProblem(temperature);
    if (temperatureProblem != null) {
      throw AnalysisErrors.dataTypeMismatch(call, temperatureProblem);
    }
    return SoftmaxExpression.functionCall(logits, temperature, logSpace);
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
