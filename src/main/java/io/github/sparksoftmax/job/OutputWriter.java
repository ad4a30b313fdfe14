package io.github.sparksoftmax.job;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job's output so that the output path never holds a partial result. Spark writes
 * into a hidden sibling directory ({@code .NAME.softmax-writing-UUID}), which is renamed to the
 * output path only once the write has succeeded; on failure it is deleted. With overwrite, the old
 * output is moved aside first and deleted only after the rename, so it is restored if the rename
 * fails; the input may therefore be overwritten in place.
 */
final class OutputWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);

  private final Path target;
  private final FileSystem fs;
  private final DataFormat format;
  private final boolean overwrite;

  /**
   * @throws JobFailure a data error if the output path's file system cannot be reached
   */
  OutputWriter(SparkSession spark, JobOptions options) {
    format = options.outputFormat();
    overwrite = options.overwrite();
    try {
      Path path = new Path(options.output());
      fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      target = fs.makeQualified(path);
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.data("cannot use the output path '" + options.output() + "'", e);
    }
    if (target.getParent() == null) {
      throw JobFailure.data("the output path cannot be a root directory: " + target);
    }
  }

  /**
   * Fails early, before any data is read, where the write would fail at the end.
   *
   * @throws JobFailure a data error if the output exists and the mode is not overwrite
   */
  void checkTarget() {
    if (!overwrite && exists(target)) {
      throw alreadyExists();
    }
  }

  /**
   * Writes {@code result} (the action that computes it) and moves it to the output path.
   *
   * @throws JobFailure a data error if computing or writing fails (the message of an invalid row
   *     under {@code handleInvalid=error}, or the root cause), or if the output exists and the
   *     mode is not overwrite; the output path is then as it was
   */
  void write(Dataset<Row> result) {
    Path staging = sibling("writing");
    LOG.info("Writing {} output to {}, renamed to {} on success", format.sparkName(), staging,
        target);
    try {
      DataFrameWriter<Row> writer = result.write().format(format.sparkName())
          .mode(SaveMode.ErrorIfExists);
      if (format == DataFormat.CSV) {
        writer.option("header", "true");
      }
      writer.save(staging.toString());
      publish(staging);
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) {
      throw JobFailure.data("cannot write the output '" + target + "'", e);
    } finally {
      deleteIfPresent(staging);
    }
  }

  private void publish(Path staging) throws IOException {
    if (!exists(target)) {
      rename(staging, target);
      return;
    }
    if (!overwrite) {
      throw alreadyExists();
    }
    Path replaced = sibling("replaced");
    rename(target, replaced);
    try {
      rename(staging, target);
    } catch (IOException e) {
      rename(replaced, target);
      throw e;
    }
    deleteIfPresent(replaced);
  }

  private Path sibling(String role) {
    return new Path(target.getParent(),
        "." + target.getName() + ".softmax-" + role + "-" + UUID.randomUUID());
  }

  private boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw JobFailure.data("cannot check the output path '" + path + "'", e);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  private void deleteIfPresent(Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", path, e.toString());
    }
  }

  private JobFailure alreadyExists() {
    return JobFailure.data("the output '" + target + "' already exists; use --mode overwrite to"
        + " replace it");
  }
}
