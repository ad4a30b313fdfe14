package io.github.sparksoftmax.job;

import io.github.sparksoftmax.stage.InvalidRowException;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.SoftmaxColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The job's words for an invalid row under {@code --handle-invalid error}. The softmax stage
 * names its own column and param ("Set handleInvalid to 'skip'"), as ML API users need; the job's
 * user gets the input columns and the flags they wrote, and the first invalid row.
 */
final class InvalidRows {
  private InvalidRows() {}

  /**
   * {@code failure} reworded if it comes from an invalid row, else {@code failure} itself.
   *
   * @param input the input as read
   */
  static JobFailure explain(JobFailure failure, Dataset<Row> input, JobOptions options) {
    InvalidRowException invalid = failure.invalidRow();
    if (invalid == null) {
      return failure;
    }
    if (options.groupCol() != null) {
      // The stage's message names the group by its key already.
      return failure.reworded(invalid.description() + " Use --handle-invalid skip to drop the"
          + " rows of such groups or --handle-invalid keep to write NaN for each of them.");
    }
    List<String> sources = LogitsSource.sources(input.schema(), options);
    String columns = sources.size() == 1 && !LogitsSource.isAssembled(options)
        ? "column '" + sources.get(0) + "'"
        : "columns " + String.join(", ", sources) + " (" + LogitsSource.flag(options) + ")";
    String first = OffendingRows.describeFirst(input, options.inputFormat(),
            data -> LogitsSource.prepare(data, options), invalidLogits(input, options), sources)
        .map(row -> " The first invalid row: " + row + ".").orElse("");
    return failure.reworded("Softmax is undefined for a row of " + columns + ": "
        + invalid.status().problem() + "." + first + " Use --handle-invalid skip to drop such rows"
        + " or --handle-invalid keep to write NaN (null for a null row).");
  }

  /** True on the rows the softmax stage finds invalid, once the logits are prepared. */
  private static Column invalidLogits(Dataset<Row> input, JobOptions options) {
    LogitsType type = LogitsType.of(LogitsSource.prepare(input, options).schema()
        .apply(options.inputCol()).dataType());
    return functions.not(SoftmaxColumns.isValid(type,
        LogitsSource.column(options.inputCol()), options.inputCol()));
  }
}
