package io.github.sparksoftmax.job;

import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's streaming mode ({@code --stream}): the files of the input folder, those present and
 * those that arrive, are scored in batches by Spark's file source and written by Spark's file
 * sink into the output folder, whose {@code _spark_metadata} log lists the files of each completed
 * batch. With the checkpoint, this gives each input file's rows exactly once in the output as
 * Spark reads it, across restarts and failures.
 *
 * <p>The output belongs to its checkpoint: a new checkpoint needs a new output, and a checkpoint
 * with completed batches needs the output it wrote, or batches would be skipped or lost.
 */
final class StreamingRun {
  /** Spark's record of the batches a checkpoint started and completed. */
  private static final String OFFSETS = "offsets";
  private static final String COMMITS = "commits";
  /** The file sink's log of the files of each completed batch. */
  private static final String SINK_LOG = "_spark_metadata";
  private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(StreamingRun.class);

  private final SparkSession spark;
  private final JobOptions options;
  private final OutputPath output;
  private final OutputLock lock;

  StreamingRun(SparkSession spark, JobOptions options, OutputPath output, OutputLock lock) {
    this.spark = spark;
    this.options = options;
    this.output = output;
    this.lock = lock;
  }

  /**
   * Runs the stream until its trigger ends it ({@code available-now}), it fails, or the JVM is
   * asked to exit.
   *
   * @param scoring turns the input stream into the output stream, counting its rows
   * @return the rows of the batches that this run completed
   * @throws JobFailure a data error if the checkpoint and the output do not belong together, the
   *     input folder has no file to learn the schema from, or the stream fails (the message of an
   *     invalid row under {@code handleInvalid=error}, or the root cause)
   */
  StreamCounts run(UnaryOperator<Dataset<Row>> scoring) {
    checkCheckpoint();
    StructType schema;
    try {
      schema = InputReader.read(spark, options).schema();
    } catch (JobFailure e) {
      throw JobFailure.data(e.getMessage() + ". --stream learns the input's schema from the"
          + " files in the input folder when it starts, so one must be there");
    }
    Dataset<Row> result = scoring.apply(InputReader.stream(spark, options, schema));
    String name = "softmax_job_" + lock.runId().replace('-', '_');
    StreamCounts counts = new StreamCounts(name);
    spark.streams().addListener(counts);
    LOG.info("Streaming {} files of {} into {} (checkpoint {}, trigger {})",
        options.inputFormat().sparkName(), options.input(), output.target, options.checkpoint(),
        options.trigger());
    StreamingQuery query = null;
    try {
      query = result.writeStream()
          .format(options.outputFormat().sparkName())
          .options(StorableColumns.writeOptions(options.outputFormat()))
          .option("path", output.target.toString())
          .option("checkpointLocation", options.checkpoint())
          .queryName(name)
          .trigger(options.trigger())
          .start();
      try (StopOnSignal stop = new StopOnSignal(query, lock)) {
        while (!query.awaitTermination(OutputLock.HEARTBEAT.toMillis())) {
          lock.checkHeld();
        }
      }
      counts.awaitTerminated(LISTENER_TIMEOUT);
      return counts;
    } catch (JobFailure e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw JobFailure.data("interrupted while the stream ran", e);
    } catch (Exception e) {
      throw JobFailure.data("the stream into the output '" + output.target + "' failed", e);
    } finally {
      spark.streams().removeListener(counts);
      stopIfActive(query);
    }
  }

  /** Stops a query that this run leaves, as when it lost the output's lock. */
  private static void stopIfActive(StreamingQuery query) {
    if (query != null && query.isActive()) {
      try {
        query.stop();
      } catch (Exception e) {
        LOG.warn("Could not stop the stream {}: {}", query.name(), e.toString());
      }
    }
  }

  /**
   * Fails, before any data is read, where the checkpoint and the output do not belong together: a
   * new checkpoint with an existing output (the output's log would make the stream skip its first
   * batches), or a checkpoint with completed batches whose output has no log (they would be lost).
   */
  private void checkCheckpoint() {
    Path checkpoint = new Path(options.checkpoint());
    try {
      FileSystem fs = checkpoint.getFileSystem(spark.sparkContext().hadoopConfiguration());
      checkpoint = fs.makeQualified(checkpoint);
      boolean started = hasEntries(fs, new Path(checkpoint, OFFSETS));
      if (!started && output.exists(output.target)) {
        throw JobFailure.data("the output '" + output.target + "' exists but the checkpoint '"
            + checkpoint + "' has no batch yet: a new stream needs a new output. Choose another"
            + " --output, or delete this one, or give the checkpoint that wrote it");
      }
      if (hasEntries(fs, new Path(checkpoint, COMMITS))
          && !output.exists(new Path(output.target, SINK_LOG))) {
        throw JobFailure.data("the checkpoint '" + checkpoint + "' has completed batches but the"
            + " output '" + output.target + "' has no " + SINK_LOG + " log of them: give the"
            + " output that this checkpoint wrote, or delete the checkpoint to score every file"
            + " again");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.data("cannot read the checkpoint '" + checkpoint + "'", e);
    }
  }

  private static boolean hasEntries(FileSystem fs, Path dir) throws IOException {
    return fs.exists(dir) && fs.listStatus(dir).length > 0;
  }
}
