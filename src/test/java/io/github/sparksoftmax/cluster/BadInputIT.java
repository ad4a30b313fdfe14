package io.github.sparksoftmax.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job on the cluster with bad input: a corrupt parquet file among good ones, rows that
 * softmax is undefined on under each {@code handleInvalid} mode, an output path that exists.
 * Each run ends with a clear error and nothing written, or with exactly the right rows.
 */
@ExtendWith(ClusterExtension.class)
class BadInputIT {
  private static Path invalidRows;

  @BeforeAll
  static void writeInputs(CheckingSession checking, HarnessSettings settings) {
    invalidRows = settings.workDir.resolve("input/invalid-rows");
    ScoringInputs.writeWithInvalidRows(checking.spark, invalidRows);
  }

  @Test
  void corruptParquetFileFailsTheJobAndNamesTheFile(StandaloneCluster cluster,
      CheckingSession checking, HarnessSettings settings) throws Exception {
    Path input = settings.workDir.resolve("input/corrupt-file");
    ScoringInputs.writeWithCorruptFile(checking.spark, input);
    Path output = OutputDirs.fresh(settings, "corrupt-file");

    JobResult result = cluster.run("corrupt-file", "--input", input.toString(),
        "--output", output.toString());

    assertEquals(1, result.exitCode, result.describe());
    assertTrue(result.errorLine().contains(ScoringInputs.CORRUPT_FILE), result.errorLine());
    OutputDirs.assertHolds(output.getParent(), List.of(), result);
  }

  @Test
  void invalidRowsFailTheJobUnderHandleInvalidError(StandaloneCluster cluster,
      HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "invalid-error");

    JobResult result = cluster.run("invalid-error", "--input", invalidRows.toString(),
        "--output", output.toString(), "--handle-invalid", "error");

    assertEquals(1, result.exitCode, result.describe());
    assertTrue(result.errorLine().contains("Softmax is undefined for a row of column 'logits'"),
        result.errorLine());
    OutputDirs.assertHolds(output.getParent(), List.of(), result);
  }

  @Test
  void invalidRowsAreDroppedUnderHandleInvalidSkip(StandaloneCluster cluster,
      CheckingSession checking, HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "invalid-skip");

    JobResult result = cluster.run("invalid-skip", "--input", invalidRows.toString(),
        "--output", output.toString(), "--handle-invalid", "skip");

    assertEquals(0, result.exitCode, result.describe());
    JobSummary summary = JobSummary.of(result);
    long invalid = ScoringInputs.INVALID_ROWS.size();
    assertEquals(ScoringInputs.VALID_ROWS + invalid, summary.rowsRead, summary.line);
    assertEquals(ScoringInputs.VALID_ROWS, summary.rowsWritten, summary.line);
    assertEquals(invalid, summary.rowsSkipped, summary.line);
    assertScoredRows(checking, output, validRows(checking), result);
  }

  @Test
  void invalidRowsAreKeptAsNullOrNaNUnderHandleInvalidKeep(StandaloneCluster cluster,
      CheckingSession checking, HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "invalid-keep");

    JobResult result = cluster.run("invalid-keep", "--input", invalidRows.toString(),
        "--output", output.toString(), "--handle-invalid", "keep");

    assertEquals(0, result.exitCode, result.describe());
    JobSummary summary = JobSummary.of(result);
    long all = ScoringInputs.VALID_ROWS + ScoringInputs.INVALID_ROWS.size();
    assertEquals(all, summary.rowsRead, summary.line);
    assertEquals(all, summary.rowsWritten, summary.line);
    Dataset<Row> scored = assertScoredRows(checking, output,
        checking.spark.read().parquet(invalidRows.toString()), result);
    for (Row row : scored.filter(col("id").isin(ScoringInputs.INVALID_ROWS.toArray()))
        .collectAsList()) {
      if (row.getLong(0) == ScoringInputs.NULL_ROW) {
        assertNull(row.getAs("probability"));
      } else {
        List<Double> probabilities = row.getList(row.fieldIndex("probability"));
        assertTrue(probabilities.stream().allMatch(p -> p.isNaN()), row.toString());
      }
    }
  }

  @Test
  void existingOutputIsLeftAsItWasWithoutOverwrite(StandaloneCluster cluster,
      HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "existing-output");
    Path marker = Files.createDirectories(output).resolve("earlier-result.txt");
    Files.writeString(marker, "an earlier result", StandardCharsets.UTF_8);

    JobResult result = cluster.run("existing-output", "--input", invalidRows.toString(),
        "--output", output.toString(), "--handle-invalid", "skip");

    assertEquals(1, result.exitCode, result.describe());
    assertTrue(result.errorLine().contains("already exists"), result.errorLine());
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    OutputDirs.assertHolds(output, List.of("earlier-result.txt"), result);
    assertEquals("an earlier result", Files.readString(marker, StandardCharsets.UTF_8));
  }

  @Test
  void existingOutputIsReplacedWithModeOverwrite(StandaloneCluster cluster,
      CheckingSession checking, HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "overwrite");
    Files.writeString(Files.createDirectories(output).resolve("earlier-result.txt"),
        "an earlier result", StandardCharsets.UTF_8);

    JobResult result = cluster.run("overwrite", "--input", invalidRows.toString(),
        "--output", output.toString(), "--handle-invalid", "skip", "--mode", "overwrite");

    assertEquals(0, result.exitCode, result.describe());
    assertTrue(Files.notExists(output.resolve("earlier-result.txt")), result.describe());
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    assertScoredRows(checking, output, validRows(checking), result);
  }

  /** The valid rows of the invalid-rows input. */
  private static Dataset<Row> validRows(CheckingSession checking) {
    return checking.spark.read().parquet(invalidRows.toString())
        .filter(not(col("id").isin(ScoringInputs.INVALID_ROWS.toArray())));
  }

  /**
   * Asserts that the output holds exactly {@code expectedRows} (ids and logits), each with the
   * probabilities that the checking session computes for it and a sample of them within the
   * contract of the exact softmax, and returns the output.
   */
  private static Dataset<Row> assertScoredRows(CheckingSession checking, Path output,
      Dataset<Row> expectedRows, JobResult result) {
    return ScoredOutput.assertScored(checking, output, Checksum.of(expectedRows),
        new SoftmaxTransformer(), result);
  }
}
