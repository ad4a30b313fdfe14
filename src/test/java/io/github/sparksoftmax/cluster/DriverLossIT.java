package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparksoftmax.Folders;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills the job's driver (the spark-submit JVM, in client mode) with SIGKILL while it writes,
 * then runs the same command again. The dead run leaves nothing at the output path, only its
 * lock and its hidden staging folder beside it; the rerun finds both, clears them with a log
 * line each, and writes every row exactly once.
 */
@ExtendWith(ClusterExtension.class)
class DriverLossIT {

  @Test
  void aRerunAfterTheDriverDiedClearsItsLeftoversAndWritesEveryRowOnce(StandaloneCluster cluster,
      GeneratedLogits input, CheckingSession checking, HarnessSettings settings)
      throws Exception {
    Path output = OutputDirs.fresh(settings, "driver-loss");
    List<String> conf = List.of(Jobs.MANY_TASKS);
    List<String> args = List.of("--input", input.dir.toString(), "--output", output.toString());

    long pid;
    JobResult killed;
    try (Submission doomed = cluster.submit("driver-loss-killed", conf, args)) {
      JsonNode stage = awaitMidwayStage(doomed);
      pid = doomed.killDriver();
      killed = doomed.await(Duration.ofSeconds(30));
      System.out.printf("Killed the driver (spark-submit, pid %d) with SIGKILL; the write stage"
          + " had %d of %d tasks done.%n", pid, stage.path("numCompleteTasks").asInt(),
          stage.path("numTasks").asInt());
    }
    cluster.awaitNoExecutors();
    List<String> left = Folders.names(output.getParent());
    assertEquals(2, left.size(), left + "\n" + killed.describe());
    assertEquals(".scored.softmax-lock-0", left.get(0), left.toString());
    assertTrue(left.get(1).startsWith(".scored.softmax-writing-"), left.toString());
    String lock = "file:" + output.getParent().resolve(left.get(0));
    String staging = "file:" + output.getParent().resolve(left.get(1));

    JobResult rerun;
    try (Submission again = cluster.submit("driver-loss-rerun", conf, args)) {
      rerun = again.await(Jobs.timeout(input.rows));
    }

    assertEquals(0, rerun.exitCode, rerun.describe());
    assertTrue(rerun.stderr.contains("Taking over the lock " + lock + " of application "
        + killed.applicationId() + " (pid " + pid + " on host "), rerun.describe());
    assertTrue(rerun.stderr.contains("the run died (its driver process " + pid + " on this host"
        + " is gone)"), rerun.describe());
    assertTrue(rerun.stderr.contains("Removed the staging folder " + staging + ", left by a run"
        + " that died"), rerun.describe());
    JobSummary summary = JobSummary.of(rerun);
    assertEquals(input.rows, summary.rowsRead, summary.line);
    assertEquals(input.rows, summary.rowsWritten, summary.line);
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), rerun);
    ScoredOutput.assertScored(checking, output, input.expected, new SoftmaxTransformer(), rerun);
  }

  /** Waits until the job's write stage is under way, a quarter of its tasks done. */
  private static JsonNode awaitMidwayStage(Submission job) throws InterruptedException {
    AtomicReference<JsonNode> stage = new AtomicReference<>();
    Poll.until("the write stage is under way", Duration.ofMinutes(5), () -> {
      if (!job.isAlive()) {
        throw new IllegalStateException("The job ended before its driver could be killed.");
      }
      job.midwayStage().ifPresent(stage::set);
      return stage.get() != null;
    });
    return stage.get();
  }
}
