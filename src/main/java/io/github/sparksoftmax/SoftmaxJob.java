package io.github.sparksoftmax;

import io.github.sparksoftmax.job.JobFailure;
import io.github.sparksoftmax.job.JobLogging;
import io.github.sparksoftmax.job.JobOptions;
import io.github.sparksoftmax.job.JobSession;
import io.github.sparksoftmax.job.JobVersions;
import io.github.sparksoftmax.job.RunSummary;
import io.github.sparksoftmax.job.ScoringRun;
import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch scoring job: reads a dataset, adds the softmax of its logits with {@link
 * SoftmaxTransformer} and writes the result with every input column. Run it with {@code
 * bin/softmax-job --input PATH --output PATH [FLAGS]}, with {@code spark-submit --class
 * io.github.sparksoftmax.SoftmaxJob JAR --input PATH --output PATH [FLAGS]}, or with plain {@code
 * java} for local Spark (see {@link JobSession}); {@code --help} lists the flags. Problems are
 * reported as one line on stderr, with exit code {@value JobFailure#USAGE} for a usage error and
 * {@value JobFailure#DATA} for a data error; the output path is then left as it was. On success
 * the last line on stdout is the {@link RunSummary}. When the job starts Spark itself, its logging
 * is quiet unless {@code --verbose} (see {@link JobLogging}).
 */
public final class SoftmaxJob {
  private static final String NAME = "softmax-job";
  private static final Logger LOG = LoggerFactory.getLogger(SoftmaxJob.class);

  private SoftmaxJob() {}

  /** Runs the job and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the job. Flags are checked before Spark starts. The job runs in the default session if
   * this JVM has one, with its {@code --conf} settings set in that session, and leaves it running;
   * otherwise it sets up its logging, starts a session and stops it at the end.
   *
   * @param args the flags
   * @param out receives the help, the versions, the preview rows and the summary line
   * @param err receives the one line that names a problem
   * @return 0 on success or help, {@value JobFailure#USAGE} for a usage error, {@value
   *     JobFailure#DATA} for a data error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (JobOptions.wantsHelp(args)) {
      out.println(JobOptions.help());
      return 0;
    }
    if (JobOptions.wantsVersion(args)) {
      out.println(JobVersions.describe());
      return 0;
    }
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = null;
    try {
      JobOptions options = JobOptions.parse(args);
      if (ownSession) {
        JobLogging.configure(options.verbose());
        spark = JobSession.start(options.sparkSettings());
      } else {
        spark = SparkSession.getDefaultSession().get();
        setInRunningSession(spark, options.sparkSettings());
      }
      ScoringRun scoring = new ScoringRun(spark, options);
      RunSummary summary = scoring.execute();
      if (options.show() > 0) {
        scoring.preview(options.show()).forEach(out::println);
      }
      out.println(NAME + ": " + summary.line());
      return 0;
    } catch (JobFailure failure) {
      return report(failure, spark, err);
    } catch (Exception e) {
      return report(JobFailure.data("unexpected failure", e), spark, err);
    } finally {
      if (ownSession && spark != null) {
        spark.stop();
      }
    }
  }

  /**
   * Sets {@code --conf} settings in a session that was running before the job.
   *
   * @throws JobFailure a usage error for a setting that a running session cannot take
   */
  private static void setInRunningSession(SparkSession spark, Map<String, String> settings) {
    settings.forEach((key, value) -> {
      try {
        spark.conf().set(key, value);
      } catch (Exception e) {
        throw JobFailure.usage("--conf " + key + "=" + value + " cannot be set in the Spark"
            + " session that runs the job: " + e.getMessage());
      }
    });
  }

  /**
   * Prints the failure's line, on a line of its own, and returns its exit code. Its cause's stack
   * trace is logged at INFO, so that only {@code --verbose} shows it.
   */
  private static int report(JobFailure failure, SparkSession spark, PrintStream err) {
    if (failure.getCause() != null) {
      LOG.info("The failure's cause", failure.getCause());
    }
    if (spark != null) {
      clearProgressBar(spark, err);
    }
    err.println(NAME + ": error: " + failure.getMessage()
        + (failure.exitCode() == JobFailure.USAGE ? " (see --help)" : ""));
    return failure.exitCode();
  }

  /**
   * Erases the console progress bar's last frame, which a failed Spark job leaves on the line, as
   * the bar erases itself (a carriage return, a terminal width of spaces, a carriage return).
   */
  private static void clearProgressBar(SparkSession spark, PrintStream err) {
    if (spark.sparkContext().getConf().getBoolean("spark.ui.showConsoleProgress", false)) {
      String columns = System.getenv().getOrDefault("COLUMNS", "80");
      err.print("\r" + " ".repeat(columns.matches("\\d{1,4}") ? Integer.parseInt(columns) : 80)
          + "\r");
    }
  }
}
