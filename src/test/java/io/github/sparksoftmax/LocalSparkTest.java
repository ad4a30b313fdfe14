package io.github.sparksoftmax;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class of the Jupiter suites that need Spark: one {@code local[2]} session per class,
 * stopped after the class so that the next class (or spark-testing-base) can start its own.
 */
public abstract class LocalSparkTest {
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

  @AfterAll
  static void stopSpark() {
    spark.stop();
    spark = null;
  }
}
