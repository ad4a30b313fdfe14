package io.github.sparksoftmax.job;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.slf4j.LoggerFactory;

/**
 * The job's logging when it runs in a JVM of its own (plain {@code java} or spark-submit): quiet
 * unless {@code --verbose}. Quiet means Spark and its libraries at WARN at most, and no stack trace
 * per failed task: a failure is the job's one error line. Verbose leaves Spark's logging as it is
 * configured (Spark's default logs INFO) and logs the job's own INFO lines.
 *
 * <p>Only log4j 2, the logging that Spark ships, is adjusted; under another slf4j binding the
 * user's configuration stays as it is.
 */
public final class JobLogging {
  /**
   * The loggers with which Spark reports a failed task, job or write, each with a stack trace (a
   * task's failure once per logger); the job turns them off unless {@code --verbose}, and tests
   * that fail tasks on purpose do too.
   */
  public static final List<String> TASK_FAILURE_LOGGERS = List.of(
      "org.apache.spark.executor.Executor",
      "org.apache.spark.scheduler.TaskSetManager",
      "org.apache.spark.scheduler.TaskSchedulerImpl",
      "org.apache.spark.sql.execution.datasources.FileFormatWriter",
      "org.apache.spark.util.Utils");

  /** Hadoop's notice, at WARN, that it runs without its native library. */
  private static final String NATIVE_CODE_NOTICE = "org.apache.hadoop.util.NativeCodeLoader";

  private JobLogging() {}

  /**
   * Sets the levels for a run, before Spark starts.
   *
   * @param verbose true to keep Spark's levels and log the job's INFO lines
   */
  public static void configure(boolean verbose) {
    if (!"org.apache.logging.slf4j.Log4jLoggerFactory".equals(
        LoggerFactory.getILoggerFactory().getClass().getName())) {
      return;
    }
    // Spark installs its default configuration when it first logs, if none was given, and that
    // would undo the levels set here: so it is installed first (silently, as spark-submit does).
    new SparkConf(false).initializeLogIfNecessary(false, true);
    if (verbose) {
      Configurator.setLevel("io.github.sparksoftmax", Level.INFO);
      return;
    }
    if (LogManager.getRootLogger().getLevel().isLessSpecificThan(Level.WARN)) {
      Configurator.setRootLevel(Level.WARN);
    }
    for (String logger : TASK_FAILURE_LOGGERS) {
      Configurator.setLevel(logger, Level.OFF);
    }
    Configurator.setLevel(NATIVE_CODE_NOTICE, Level.ERROR);
  }
}
