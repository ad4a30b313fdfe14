package io.github.sparksoftmax.sql;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.collection.immutable.List;
import scala.collection.immutable.Nil$;

/**
 * The AnalysisExceptions that the function builders raise, made with Spark's own error classes so
 * that they read like the errors of built-in functions. Only constructors and methods whose
 * signatures are the same in Spark 3.5 (Scala 2.12) and Spark 4 (Scala 2.13) are used.
 */
final class AnalysisErrors {

  private AnalysisErrors() {}

  /** WRONG_NUM_ARGS for a function that takes one or two arguments. */
  static RuntimeException wrongNumberOfArguments(String function, int given) {
    List<Object> accepted = Nil$.MODULE$.<Object>$colon$colon(2).$colon$colon(1);
    return sneakyThrow(QueryCompilationErrors.wrongNumArgsError(function, accepted, given,
        QueryCompilationErrors.wrongNumArgsError$default$4(),
        QueryCompilationErrors.wrongNumArgsError$default$5(),
        QueryCompilationErrors.wrongNumArgsError$default$6()));
  }

  /**
   * DATATYPE_MISMATCH: "Cannot resolve {@code call} due to data type mismatch: {@code problem}."
   *
   * @param call the call as SQL, e.g. {@code softmax(name)}
   */
  static RuntimeException dataTypeMismatch(String call, String problem) {
    HashMap<String, String> parameters = HashMap$.MODULE$.<String, String>empty()
        .updated("sqlExpr", "\"" + call + "\"")
        .updated("msg", problem)
        .updated("hint", "");
    return sneakyThrow(
        new AnalysisException("DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT", parameters));
  }

  /**
   * WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE: "Window function {@code function} requires an OVER
   * clause."
   */
  static RuntimeException windowFunctionWithoutOver(String function) {
    HashMap<String, String> parameters = HashMap$.MODULE$.<String, String>empty()
        .updated("funcName", "\"" + function + "\"");
    return sneakyThrow(new AnalysisException("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE", parameters));
  }

  /**
   * Throws {@code t} as it is. AnalysisException is a checked exception to Java, but the Scala
   * callback that builds an expression declares none; Spark's own builders, written in Scala,
   * throw it from there all the same.
   */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
