package io.github.sparksoftmax.job;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job's output so that the output path never holds a partial result. Spark writes
 * into a hidden sibling directory ({@code .NAME.softmax-writing-RUN}), which is renamed to the
 * output path only once the write has succeeded and the run has checked that it still holds the
 * output's lock; on failure it is deleted. With overwrite, the old output is moved aside first
 * ({@code .NAME.softmax-replaced-RUN}) and deleted only after the rename, so it is restored if the
 * rename fails (or by the next run, see {@link Leftovers}, if this one dies); the input may
 * therefore be overwritten in place.
 */
final class OutputWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);

  private final OutputPath output;
  private final OutputLock lock;
  private final DataFormat format;
  private final boolean overwrite;

  /** A writer to {@code output}, whose lock this run holds as {@code lock}. */
  OutputWriter(OutputPath output, OutputLock lock, JobOptions options) {
    this.output = output;
    this.lock = lock;
    format = options.outputFormat();
    overwrite = options.overwrite();
  }

  /**
   * Fails early, before any data is read, where the write would fail at the end.
   *
   * @throws JobFailure a data error if the output exists and the mode is not overwrite
   */
  void checkTarget() {
    if (!overwrite && output.exists(output.target)) {
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
    Path staging = output.sibling(Leftovers.STAGING, lock.runId());
    LOG.info("Writing {} output to {}, renamed to {} on success", format.sparkName(), staging,
        output.target);
    try {
      result.write().format(format.sparkName()).mode(SaveMode.ErrorIfExists)
          .options(StorableColumns.writeOptions(format)).save(staging.toString());
      lock.checkHeld();
      publish(staging);
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) {
      throw JobFailure.data("cannot write the output '" + output.target + "'", e);
    } finally {
      deleteIfPresent(staging);
    }
  }

  private void publish(Path staging) throws IOException {
    Path target = output.target;
    if (!output.exists(target)) {
      rename(staging, target);
      return;
    }
    if (!overwrite) {
      throw alreadyExists();
    }
    Path replaced = output.sibling(Leftovers.REPLACED, lock.runId());
    rename(target, replaced);
    try {
      rename(staging, target);
    } catch (IOException e) {
      rename(replaced, target);
      throw e;
    }
    deleteIfPresent(replaced);
  }

  private void rename(Path from, Path to) throws IOException {
    if (!output.fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  private void deleteIfPresent(Path path) {
    try {
      output.fs.delete(path, true);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", path, e.toString());
    }
  }

  private JobFailure alreadyExists() {
    return JobFailure.data("the output '" + output.target + "' already exists; use --mode"
        + " overwrite to replace it");
  }
}
