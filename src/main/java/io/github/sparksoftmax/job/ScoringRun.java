package io.github.sparksoftmax.job;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
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
 * One run of the job in a session: check the output path, read the input, score it with {@link
 * SoftmaxTransformer}, write it. The data is scored once, by the write; the rows read and written
 * are counted on the way by two {@link Observation}s, so that skipped rows are their difference.
 */
public final class ScoringRun {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringRun.class);
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
   * Runs the job. Every failure leaves the output path as it was.
   *
   * @return the counts and the time
   * @throws JobFailure a data error: the output exists (without overwrite), the input is missing
   *     or unreadable, a column is missing or of the wrong type, a row is invalid under {@code
   *     handleInvalid=error}, or the write fails
   */
  public RunSummary execute() {
    long start = System.nanoTime();
    OutputWriter writer = new OutputWriter(spark, options);
    writer.checkTarget();
    LOG.info("Reading {} input {}", options.inputFormat().sparkName(), options.input());
    Dataset<Row> input = InputReader.read(spark, options);
    Observation read = new Observation("softmax_job_rows_read");
    Observation written = new Observation("softmax_job_rows_written");
    Dataset<Row> result = score(LogitsSource.prepare(input.observe(read, rowCount()), options));
    Dataset<Row> storable = StorableColumns.forFormat(result.observe(written, rowCount()),
        options.outputFormat());
    try {
      writer.write(storable);
    } catch (JobFailure failure) {
      throw InvalidRows.explain(failure, input, options);
    }
    writtenSchema = storable.schema();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new RunSummary(count(read), count(written), seconds);
  }

  /**
   * The first {@code n} rows of the output, read back after {@link #execute}: a line of column
   * names, then one line per row, values separated by {@code " | "}.
   */
  public List<String> preview(int n) {
    DataFrameReader reader = spark.read().format(options.outputFormat().sparkName())
        .schema(writtenSchema);
    if (options.outputFormat() == DataFormat.CSV) {
      reader.option("header", "true");
    }
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

  private Dataset<Row> score(Dataset<Row> input) {
    SoftmaxTransformer stage = new SoftmaxTransformer()
        .setInputCol(options.inputCol())
        .setOutputCol(options.outputCol())
        .setTemperature(options.temperature())
        .setLogSoftmax(options.logSoftmax())
        .setHandleInvalid(options.handleInvalid())
        .setPredictionCol(options.predictionCol());
    LOG.info("Scoring column '{}' into '{}'", options.inputCol(), options.outputCol());
    try {
      Dataset<Row> scored = stage.transform(input);
      return LogitsSource.isAssembled(options) ? scored.drop(options.inputCol()) : scored;
    } catch (IllegalArgumentException e) {
      throw JobFailure.data(e.getMessage());
    }
  }

  private static Column rowCount() {
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
