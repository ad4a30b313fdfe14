package io.github.sparksoftmax;

import static io.github.sparksoftmax.sql.SqlTestRows.LOGITS;
import static io.github.sparksoftmax.sql.SqlTestRows.assertSoftmax;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.sql.SoftmaxFunctions;
import io.github.sparksoftmax.sql.SqlTestRows;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.junit.jupiter.api.Test;
import scala.Function1;
import scala.Tuple3;

/**
 * The SQL functions with no configuration at all: the jar's service file makes them built-in
 * functions of every session, as {@link LocalSparkTest}'s plain session shows. What a user's own
 * function of the same name does is Spark-line specific: see {@code UserFunctionPrecedenceTest}
 * in each line's test sources.
 */
class SoftmaxExtensionsProviderTest extends LocalSparkTest {

  /** {@link SqlTestRows#LOGITS} as SQL. */
  static final String KNOWN_ROW = SqlTestRows.sqlArray(LOGITS);

  @Test
  void theServiceFileListsTheProvider() {
    List<Class<?>> providers = ServiceLoader.load(SparkSessionExtensionsProvider.class).stream()
        .map(ServiceLoader.Provider::type).collect(Collectors.toList());
    assertTrue(providers.contains(SoftmaxExtensions.class), providers.toString());
  }

  @Test
  void aSessionBuiltWithNoConfigurationHasBothFunctions() {
    Row row = spark.sql("SELECT softmax(" + KNOWN_ROW + "), log_softmax(" + KNOWN_ROW + ")")
        .first();
    assertSoftmax(LOGITS, 1.0, false, row.get(0));
    assertSoftmax(LOGITS, 1.0, true, row.get(1));
  }

  @Test
  void describeFunctionShowsTheLibrarysUsage() {
    String description = describe(spark, SoftmaxFunctions.SOFTMAX);
    assertTrue(description.contains("Class: " + SoftmaxFunctions.class.getName()), description);
    assertTrue(description.contains("Usage: softmax(logits[, temperature]) - The softmax of each"
        + " row of logits"), description);
  }

  @Test
  void applyingTheProviderTwiceToTheSameExtensionsInjectsTheFunctionsAndTheirRuleOnce() {
    CountingExtensions extensions = new CountingExtensions();
    // Spark makes one instance for spark.sql.extensions and another from the service file.
    new SoftmaxExtensions().apply(extensions);
    new SoftmaxExtensions().apply(extensions);
    assertEquals(List.of(SoftmaxFunctions.SOFTMAX, SoftmaxFunctions.LOG_SOFTMAX,
        SoftmaxFunctions.LOGSUMEXP), extensions.injected);
    assertEquals(1, extensions.optimizerRules);

    CountingExtensions otherSession = new CountingExtensions();
    new SoftmaxExtensions().apply(otherSession);
    assertEquals(3, otherSession.injected.size());
  }

  /** {@code DESCRIBE FUNCTION EXTENDED function} in {@code session}, as one string. */
  static String describe(SparkSession session, String function) {
    return session.sql("DESCRIBE FUNCTION EXTENDED " + function).collectAsList().stream()
        .map(row -> row.getString(0)).collect(Collectors.joining("\n"));
  }

  /** Extensions that record the name of each function injected into them. */
  private static final class CountingExtensions extends SparkSessionExtensions {
    final List<String> injected = new ArrayList<>();
    int optimizerRules;

    @Override
    @SuppressWarnings("rawtypes")
    public void injectFunction(Tuple3 function) {
      injected.add(((FunctionIdentifier) function._1()).funcName());
      super.injectFunction(function);
    }

    @Override
    public void injectOptimizerRule(Function1<SparkSession, Rule<LogicalPlan>> builder) {
      optimizerRules++;
      super.injectOptimizerRule(builder);
    }
  }
}
