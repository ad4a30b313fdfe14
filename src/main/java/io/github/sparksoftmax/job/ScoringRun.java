package io.github.sparksoftmax.job;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;

/**
 * One run of the job in a session: lock the output path, clear what dead runs left beside it,
 * read the input, score it with {@link SoftmaxTransformer}, write it. The data is scored once, by
 * the write; the rows read and written are counted on the way by two observed metrics, so that
 * skipped rows are their difference. With {@code --stream} the input folder is scored by a
 * {@link StreamingRun} instead.
 */
public final class ScoringRun {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringRun.class);
  /** The observed metric that counts the rows read. */
  static final String ROWS_READ = "softmax_job_rows_read";
  /** The observed metric that counts the rows written. */
  static final String ROWS_WRITTEN = "softmax_job_rows_written";
  private static final String ROWS = "rows";

  private final SparkSession spark;
  private final JobOptions options;
  private StructType writtenSchema;

  /** A run of the job with {@code options} in {@code spark}; nothing happens until {@link #execute}. */
  public ScoringRun(SparkSession spark, JobOptions options) {
    this.spark = spark;
    this.options = options;
  }

  /**
   * Runs the job. Every failure leaves the output path as it was (a stream keeps the batches it
   * completed).
   *
   * @return the counts and the time
   * @throws JobFailure a data error: another run writes the output, the output exists (without
   *     overwrite), the input is missing or unreadable, a column is missing or of the wrong type, a
   *     row is invalid under {@code handleInvalid=error}, or the write fails
   */
  public RunSummary execute() {
    long start = System.nanoTime();
    OutputPath output = OutputPath.of(spark, options.output());
    try (OutputLock lock = OutputLock.acquire(output, spark.sparkContext().applicationId())) {
      Leftovers.clear(output);
      if (options.stream()) {
        StreamCounts counts;
        try {
          counts = new StreamingRun(spark, options, output, lock)
              .run(input -> storable(input, (rows, name) -> rows.observe(name, rowCount())));
        } catch (JobFailure failure) {
          throw failure.invalidRow() == null ? failure
              : InvalidRows.explain(failure, InputReader.read(spark, options), options);
        }
        return summary(start, counts.rowsRead(), counts.rowsWritten());
      }
      OutputWriter writer = new OutputWriter(output, lock, options);
      writer.checkTarget();
      LOG.info("Reading {} input {}", options.inputFormat().sparkName(), options.input());
      Dataset<Row> input = InputReader.read(spark, options);
      Observation read = new Observation(ROWS_READ);
      Observation written = new Observation(ROWS_WRITTEN);
      Dataset<Row> storable = storable(input,
          (rows, name) -> rows.observe(name.equals(ROWS_READ) ? read : written, rowCount()));
      try {
        writer.write(storable);
      } catch (JobFailure failure) {
        throw InvalidRows.explain(failure, input, options);
      }
      writtenSchema = storable.schema();
      return summary(start, count(read), count(written));
    }
  }

  /**
   * The first {@code n} rows of the output, read back after {@link #execute}: a line of column
   * names, then one line per row, values separated by {@code " | "}.
   */
  public List<String> preview(int n) {
    DataFrameReader reader = spark.read().format(options.outputFormat().sparkName())
        .schema(writtenSchema).options(StorableColumns.writeOptions(options.outputFormat()));
    List<String> lines = new ArrayList<>();
    lines.add(String.join(" | ", writtenSchema.fieldNames()));
    for (Row row : reader.load(options.output()).limit(n).collectAsList()) {
      StringJoiner line = new StringJoiner(" | ");
      for (int i = 0; i < row.size(); i++) {
        Object value = row.get(i);
        line.add(value instanceof Seq ? ((Seq<?>) value).mkString("[", ",", "]")
            : String.valueOf(value));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * The input scored and fitted to the output format; {@code observe} adds the row count metric
   * of the given name ({@link #ROWS_READ} on the input, {@link #ROWS_WRITTEN} on the result).
   */
  private Dataset<Row> storable(Dataset<Row> input,
      BiFunction<Dataset<Row>, String, Dataset<Row>> observe) {
    Dataset<Row> result = score(LogitsSource.prepare(observe.apply(input, ROWS_READ), options));
    return StorableColumns.forFormat(observe.apply(result, ROWS_WRITTEN), options.outputFormat());
  }

  private static RunSummary summary(long startNanos, long rowsRead, long rowsWritten) {
    return new RunSummary(rowsRead, rowsWritten, (System.nanoTime() - startNanos) / 1e9);
  }

  private Dataset<Row> score(Dataset<Row> input) {
    SoftmaxTransformer stage = new SoftmaxTransformer()
        .setInputCol(options.inputCol())
        .setOutputCol(options.outputCol())
        .setTemperature(options.temperature())
        .setLogSoftmax(options.logSoftmax())
        .setHandleInvalid(options.handleInvalid())
        .setPredictionCol(options.predictionCol());
    if (options.groupCol() != null) {
      stage.setGroupCol(options.groupCol());
    }
    LOG.info("Scoring column '{}' into '{}'", options.inputCol(), options.outputCol());
    try {
      Dataset<Row> scored = stage.transform(input);
      return LogitsSource.isAssembled(options) ? scored.drop(options.inputCol()) : scored;
    } catch (IllegalArgumentException e) {
      throw JobFailure.data(e.getMessage());
    }
  }

  /** The number of rows, as an observed metric's column. */
  static Column rowCount() {
    return functions.count(functions.lit(1)).as(ROWS);
  }

  /** The observed count; available without waiting once the write has returned. */
  private static long count(Observation observation) {
    try {
      return (Long) observation.getAsJava().get(ROWS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the row counts", e);
    }
  }
}
