package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job with speculation on and one slow task attempt ({@link SlowTaskPlugin}: the first
 * attempt of task 1 sleeps): Spark runs a speculative copy of it on the other worker's host, the
 * first copy to finish commits, and the output holds each row once, as the summary counts it.
 * The run also uses settings other than the defaults, on vector input: temperature 0.37,
 * log-probabilities into another column, a prediction column.
 */
@ExtendWith(ClusterExtension.class)
class SpeculationIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSpeculativeCopyOfASlowTaskLeavesEachRowOnce(StandaloneCluster cluster, LogitFiles input,
      CheckingSession checking, HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "speculation");
    Path events = Files.createDirectories(settings.workDir.resolve("events"));
    Path plugin = SlowTaskPlugin.jar(settings.workDir.resolve("plugin"));
    List<String> conf = Stream.concat(SlowTaskPlugin.sparkConf(plugin, 120_000).stream(),
        Stream.of("spark.speculation=true",
            // 2 MB splits: one task per input file, 20 in all, to judge the slow one by.
            "spark.sql.files.maxPartitionBytes=2m",
            // One plain file per application, as Spark 3 writes by default and Spark 4 does not.
            "spark.eventLog.enabled=true", "spark.eventLog.dir=" + events.toUri(),
            "spark.eventLog.compress=false", "spark.eventLog.rolling.enabled=false"))
        .collect(Collectors.toList());
    SoftmaxTransformer job = new SoftmaxTransformer().setInputCol("features")
        .setOutputCol("log_probability").setTemperature(0.37).setLogSoftmax(true);

    JobResult result;
    try (Submission run = cluster.submit("speculation", conf, List.of("--input",
        input.dir.toString(), "--output", output.toString(), "--input-col", "features",
        "--output-col", "log_probability", "--temperature", "0.37", "--log-softmax",
        "--prediction-col", "prediction"))) {
      result = run.await(Jobs.timeout(LogitFiles.ROWS));
    }

    assertEquals(0, result.exitCode, result.describe());
    List<JsonNode> attempts = taskStarts(events.resolve(result.applicationId()));
    List<JsonNode> speculative = attempts.stream()
        .filter(task -> task.path("Speculative").asBoolean()).collect(Collectors.toList());
    System.out.printf("Speculation: %d task attempts, %d speculative: %s.%n", attempts.size(),
        speculative.size(), speculative.stream().map(task -> "task " + task.path("Index")
            + " attempt " + task.path("Attempt") + " on " + task.path("Host").asText())
            .collect(Collectors.joining(", ")));
    assertTrue(speculative.stream().anyMatch(task -> task.path("Index").asInt()
        == SlowTaskPlugin.PARTITION), "no speculative copy of the slow task ran\n"
        + result.describe());
    JobSummary summary = JobSummary.of(result);
    assertEquals(LogitFiles.ROWS, summary.rowsRead, summary.line);
    assertEquals(LogitFiles.ROWS, summary.rowsWritten, summary.line);
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    ScoredOutput.assertScored(checking, output, input.expected, job, result);
  }

  /** The "Task Info" of every task attempt that the event log records a start of. */
  private static List<JsonNode> taskStarts(Path eventLog) throws IOException {
    try (Stream<String> lines = Files.lines(eventLog)) {
      return lines.map(SpeculationIT::parse)
          .filter(event -> event.path("Event").asText().equals("SparkListenerTaskStart"))
          .map(event -> event.path("Task Info")).collect(Collectors.toList());
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
