package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.job.LockFileText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's streaming mode in process: files that arrive in the input folder are scored once,
 * across runs from the same checkpoint; invalid rows behave as in batch mode; the checkpoint and
 * the output must belong together; misused flags are usage errors.
 */
class SoftmaxJobStreamTest extends LocalSparkTest {
  @TempDir
  Path dir;

  @Test
  void eachRunScoresOnlyTheFilesThatArrivedSinceTheLastOne() throws IOException {
    addFiles("first", Vectors.dense(0.0, Math.log(2), Math.log(3)), Vectors.dense(-1e3, 1e3));
    JobOutcome first = stream("--temperature", "0.5", "--prediction-col", "pred");
    first.assertSucceeded(2, 2);

    addFiles("second", Vectors.dense(7.0, 7.0), Vectors.dense(1.0, 2.0, 3.0, 4.0),
        Vectors.sparse(5, new int[] {3}, new double[] {-2.0}));
    stream("--temperature", "0.5", "--prediction-col", "pred").assertSucceeded(3, 3);
    stream("--temperature", "0.5", "--prediction-col", "pred").assertSucceeded(0, 0);

    List<Row> rows = output().orderBy("tag", "id").collectAsList();
    assertEquals(5, rows.size());
    for (Row row : rows) {
      double[] logits = ((Vector) row.getAs("logits")).toArray();
      SoftmaxTransformerTest.assertClose(SoftmaxTransformerTest.expected(logits, 0.5, false),
          ((Vector) row.getAs("probability")).toArray(), false);
    }
    assertEquals(List.of(2.0, 1.0, 0.0, 3.0, 0.0), rows.stream()
        .map(row -> row.<Double>getAs("pred")).collect(Collectors.toList()));
  }

  @Test
  void invalidRowsAreSkippedOrKeptAsInBatchMode() throws IOException {
    addFiles("mixed", Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0), null,
        Vectors.dense(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY), Vectors.dense(3.0));

    stream("--handle-invalid", "skip").assertSucceeded(5, 2);
    assertEquals(List.of(0L, 4L), output().orderBy("id").select("id").as(Encoders.LONG())
        .collectAsList());

    JobOutcome keep = JobOutcome.inProcess(streamArgs("kept", "--handle-invalid", "keep"));
    keep.assertSucceeded(5, 5);
    List<Row> kept = output("kept").orderBy("id").collectAsList();
    assertTrue(Arrays.stream(vector(kept.get(1))).allMatch(Double::isNaN));
    assertNull(kept.get(2).getAs("probability"));
    assertTrue(Arrays.stream(vector(kept.get(3))).allMatch(Double::isNaN));
    assertArrayEquals(new double[] {1.0}, vector(kept.get(4)));
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidRowUnderErrorFailsTheStreamWithTheBatchModesLine() throws IOException {
    addFiles("mixed", Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0));
    JobOutcome batch = JobOutcome.inProcess("--input", path("in"), "--output", path("batch"));
    batch.assertFailed(1, "Softmax is undefined for a row of column 'logits': the row has a NaN"
        + " entry.");

    JobOutcome stream = stream();
    assertEquals(batch.err, stream.err);
    assertEquals(batch.code, stream.code);
    assertEquals(List.of(), Folders.names(dir.resolve("out/_spark_metadata")));
  }

  @Test
  @ExpectsTaskFailures(alsoQuiet = "io.github.sparksoftmax.job.OutputLock")
  void aStreamWhoseLockIsTakenOverStops() throws Exception {
    addFiles("first", Vectors.dense(1.0, 2.0));
    CompletableFuture<JobOutcome> run = CompletableFuture.supplyAsync(() -> JobOutcome.inProcess(
        "--stream", "--input", path("in"), "--output", path("out"), "--checkpoint",
        path("checkpoint"), "--trigger", "1s"));
    Path firstBatch = dir.resolve("out/_spark_metadata/0");
    for (int i = 0; i < 600 && !Files.exists(firstBatch) && !run.isDone(); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(firstBatch), "the stream completed no batch");
    Files.writeString(dir.resolve(".out.softmax-lock-1"),
        LockFileText.of("another-host", 42, null, Instant.now()));

    run.get(1, TimeUnit.MINUTES).assertFailed(1, "this run lost its lock on the output 'file:"
        + path("out") + "' (another run took it over: application app-test (pid 42 on host"
        + " another-host)");
    assertEquals(1, output().count());
  }

  @Test
  void csvFilesWithLogitColumnsStreamToJson() throws IOException {
    Files.createDirectories(dir.resolve("csv"));
    Files.writeString(dir.resolve("csv/scores-1.csv"),
        "id,logit_a,logit_b\n0,0,0.6931471805599453\n");
    JobOutcome run = JobOutcome.inProcess("--stream", "--input", path("csv"), "--format", "csv",
        "--logit-prefix", "logit_", "--output", path("json"), "--output-format", "json",
        "--checkpoint", path("json-checkpoint"), "--trigger", "available-now");
    run.assertSucceeded(1, 1);
    Row row = spark.read().json(path("json")).first();
    assertEquals(List.of("id", "logit_a", "logit_b", "probability"),
        Arrays.asList(row.schema().fieldNames()));
    SoftmaxTransformerTest.assertClose(SoftmaxTransformerTest.expected(
        new double[] {0, Math.log(2)}, 1.0, false),
        row.getList(3).stream().mapToDouble(v -> (Double) v).toArray(), false);
  }

  @Test
  void theCheckpointAndTheOutputMustBelongTogether() throws IOException {
    addFiles("first", Vectors.dense(1.0, 2.0));
    Files.createDirectories(dir.resolve("taken"));
    JobOutcome.inProcess(streamArgs("taken")).assertFailed(1, "the output 'file:" + path("taken")
        + "' exists but the checkpoint 'file:" + path("taken-checkpoint") + "' has no batch yet:"
        + " a new stream needs a new output.");

    stream().assertSucceeded(1, 1);
    deleteTree(dir.resolve("out"));
    stream().assertFailed(1, "the checkpoint 'file:" + path("checkpoint") + "' has completed"
        + " batches but the output 'file:" + path("out") + "' has no _spark_metadata log of them");
  }

  @Test
  void anEmptyInputFolderHasNoSchemaToLearn() throws IOException {
    Files.createDirectories(dir.resolve("in"));
    stream().assertFailed(1, "--stream learns the input's schema from the files in the input"
        + " folder when it starts, so one must be there");
  }

  @Test
  void streamFlagsAreCheckedBeforeSparkStarts() {
    String[] base = {"--input", path("in"), "--output", path("out")};
    String[][] cases = {
        {"--stream", "--stream needs --checkpoint DIR, where the stream records its progress"},
        {"--checkpoint", path("c"), "--checkpoint applies only to --stream"},
        {"--trigger", "1m", "--trigger applies only to --stream"},
        {"--stream", "--checkpoint", path("c"), "--trigger", "soon",
            "--trigger must be available-now or an interval such as 30s, got 'soon'"},
        {"--stream", "--checkpoint", path("c"), "--mode", "overwrite",
            "--mode overwrite does not apply to --stream"},
        {"--stream", "--checkpoint", path("c"), "--show", "3",
            "--show does not apply to --stream"},
    };
    for (String[] c : cases) {
      String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(c, 0, c.length - 1))
          .toArray(String[]::new);
      JobOutcome.inProcess(args).assertFailed(2, c[c.length - 1]);
    }
  }

  private JobOutcome stream(String... flags) {
    return JobOutcome.inProcess(streamArgs("out", flags));
  }

  private String[] streamArgs(String output, String... flags) {
    List<String> args = new ArrayList<>(List.of("--stream", "--input", path("in"), "--output",
        path(output), "--checkpoint", path(output.equals("out") ? "checkpoint"
            : output + "-checkpoint"), "--trigger", "available-now"));
    args.addAll(Arrays.asList(flags));
    return args.toArray(new String[0]);
  }

  private Dataset<Row> output() {
    return output("out");
  }

  private Dataset<Row> output(String name) {
    return spark.read().parquet(path(name));
  }

  /**
   * Writes rows (tag, id, logits) as one parquet file and moves it into the input folder, as a
   * producer would: complete before it appears there.
   */
  private void addFiles(String tag, Vector... logits) throws IOException {
    Path written = dir.resolve("written-" + tag);
    SoftmaxTransformerTest.vectorFrame(logits).selectExpr("'" + tag + "' AS tag", "id", "logits")
        .coalesce(1).write().parquet(written.toString());
    Files.createDirectories(dir.resolve("in"));
    for (Path file : Folders.names(written).stream().filter(n -> n.endsWith(".parquet"))
        .map(written::resolve).collect(Collectors.toList())) {
      Files.move(file, dir.resolve("in").resolve(tag + "-" + file.getFileName()));
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private static double[] vector(Row row) {
    return ((Vector) row.getAs("probability")).toArray();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
        Files.delete(file);
      }
    }
  }
}
