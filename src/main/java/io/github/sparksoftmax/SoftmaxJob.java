package io.github.sparksoftmax;

import io.github.sparksoftmax.job.JobFailure;
import io.github.sparksoftmax.job.JobOptions;
import io.github.sparksoftmax.job.JobSession;
import io.github.sparksoftmax.job.RunSummary;
import io.github.sparksoftmax.job.ScoringRun;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch scoring job: reads a dataset, adds the softmax of its logits with {@link
 * SoftmaxTransformer} and writes the result with every input column. Run it with {@code
 * spark-submit --class io.github.sparksoftmax.SoftmaxJob JAR --input PATH --output PATH [FLAGS]},
 * or with plain {@code java} for local Spark (see {@link JobSession}); {@code --help} lists the
 * flags. Problems are reported as one line on stderr, with exit code {@value JobFailure#USAGE}
 * for a usage error and {@value JobFailure#DATA} for a data error; the output path is then left
 * as it was. On success the last line on stdout is the {@link RunSummary}.
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
   * this JVM has one, and leaves it running; otherwise it starts one and stops it at the end.
   *
   * @param args the flags
   * @param out receives the help, the preview rows and the summary line
   * @param err receives the one line that names a problem
   * @return 0 on success or help, {@value JobFailure#USAGE} for a usage error, {@value
   *     JobFailure#DATA} for a data error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (JobOptions.wantsHelp(args)) {
      out.println(JobOptions.help());
      return 0;
    }
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = null;
    try {
      JobOptions options = JobOptions.parse(args);
      spark = ownSession ? JobSession.start() : SparkSession.getDefaultSession().get();
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
      LOG.error("Unexpected failure", e);
      return report(JobFailure.data("unexpected failure", e), spark, err);
    } finally {
      if (ownSession && spark != null) {
        spark.stop();
      }
    }
  }

  /** Prints the failure's line, on a line of its own, and returns its exit code. */
  private static int report(JobFailure failure, SparkSession spark, PrintStream err) {
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
