package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The checks of a job's parquet output that every cluster test makes. */
final class ScoredOutput {
  private ScoredOutput() {}

  /**
   * Asserts that the output at {@code path}, as Spark reads it, holds exactly the rows whose
   * {@link Checksum} is {@code expected} (none lost, duplicated or changed), and that its softmax
   * column {@link Agreement agrees} with a run of {@code job}; prints the agreement.
   *
   * @return the output
   */
  static Dataset<Row> assertScored(CheckingSession checking, Path path, Checksum expected,
      SoftmaxTransformer job, JobResult result) {
    Dataset<Row> output = checking.spark.read().parquet(path.toString());
    assertEquals(expected, Checksum.of(output), result.describe());
    Agreement agreement = Agreement.of(output, job);
    System.out.println("%s: %s.".formatted(result.name, agreement));
    agreement.assertHolds(result.describe());
    return output;
  }
}
