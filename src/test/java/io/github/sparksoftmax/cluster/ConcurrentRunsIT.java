package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same job started twice at once on one output path, as two schedulers might: exactly one run
 * succeeds, the other exits 1 before it reads any data, saying that another run writes there, and
 * the output holds one complete copy, under {@code --mode error} and {@code --mode overwrite}.
 * Each run's task 1 sleeps 10 s in its first attempt (see {@link SlowTaskPlugin}), so that the
 * runs overlap even when one JVM starts much later than the other.
 */
@ExtendWith(ClusterExtension.class)
class ConcurrentRunsIT {
  private static final long SLOW_TASK_MILLIS = 10_000;
  private static Path pluginJar;

  @BeforeAll
  static void buildPlugin(HarnessSettings settings) throws Exception {
    pluginJar = SlowTaskPlugin.jar(settings.workDir.resolve("plugin"));
  }

  @ParameterizedTest(name = "--mode {0}")
  @ValueSource(strings = {"error", "overwrite"})
  void twoRunsAtOnceGiveOneCompleteOutputAndOneClearRefusal(String mode,
      StandaloneCluster cluster, LogitFiles input, CheckingSession checking,
      HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "concurrent-" + mode);
    if (mode.equals("overwrite")) {
      Files.writeString(Files.createDirectories(output).resolve("earlier-result.txt"),
          "an earlier result", StandardCharsets.UTF_8);
    }
    List<String> conf = SlowTaskPlugin.sparkConf(pluginJar, SLOW_TASK_MILLIS);
    List<String> args = List.of("--input", input.dir.toString(), "--output", output.toString(),
        "--mode", mode);

    List<JobResult> results = new ArrayList<>();
    try (Submission first = cluster.submit("concurrent-" + mode + "-1", conf, args);
        Submission second = cluster.submit("concurrent-" + mode + "-2", conf, args)) {
      results.add(first.await(Duration.ofMinutes(5)));
      results.add(second.await(Duration.ofMinutes(5)));
    }

    List<JobResult> succeeded = new ArrayList<>();
    List<JobResult> refused = new ArrayList<>();
    for (JobResult result : results) {
      (result.exitCode == 0 ? succeeded : refused).add(result);
    }
    String both = results.get(0).describe() + "\n" + results.get(1).describe();
    assertEquals(1, succeeded.size(), both);
    assertEquals(1, refused.size(), both);
    JobResult loser = refused.get(0);
    assertEquals(1, loser.exitCode, loser.describe());
    assertTrue(loser.errorLine().startsWith("softmax-job: error: another run is writing the"
        + " output 'file:" + output + "': application "
        + succeeded.get(0).applicationId()), loser.errorLine());
    assertFalse(loser.stderr.contains("Reading parquet input"), loser.describe());
    JobSummary summary = JobSummary.of(succeeded.get(0));
    assertEquals(LogitFiles.ROWS, summary.rowsRead, summary.line);
    assertEquals(LogitFiles.ROWS, summary.rowsWritten, summary.line);
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), succeeded.get(0));
    ScoredOutput.assertScored(checking, output, input.expected, new SoftmaxTransformer(),
        succeeded.get(0));
    System.out.printf("%s won in %.1f s; %s was refused after %.1f s.%n", succeeded.get(0).name,
        succeeded.get(0).seconds, loser.name, loser.seconds);
  }
}
