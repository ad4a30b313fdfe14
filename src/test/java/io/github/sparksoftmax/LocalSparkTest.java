package io.github.sparksoftmax;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class of the Jupiter suites that need Spark: one {@code local[2]} session per class,
 * stopped after the class so that the next class (or spark-testing-base) can start its own.
 */
public abstract class LocalSparkTest {
  /** SQL settings under which Spark compiles expressions, with no fallback to interpreting them. */
  protected static final Map<String, String> COMPILED = Map.of(
      "spark.sql.codegen.factoryMode", "CODEGEN_ONLY",
      "spark.sql.codegen.wholeStage", "true",
      "spark.sql.codegen.fallback", "false");

  /** SQL settings under which Spark interprets every expression. */
  protected static final Map<String, String> INTERPRETED = Map.of(
      "spark.sql.codegen.factoryMode", "NO_CODEGEN",
      "spark.sql.codegen.wholeStage", "false");

  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("spark-softmax-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  /**
   * Runs {@code action} with the session's SQL settings {@code settings}, and unsets them after
   * it, even when it fails.
   */
  protected static <T> T withConf(Map<String, String> settings, Supplier<T> action) {
    settings.forEach((key, value) -> spark.conf().set(key, value));
    try {
      return action.get();
    } finally {
      settings.keySet().forEach(key -> spark.conf().unset(key));
    }
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
    spark = null;
  }
}
