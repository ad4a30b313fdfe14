package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills an executor JVM with SIGKILL while the job scores, and checks that the job still
 * succeeds with exactly the input's rows: none lost, none duplicated, none changed.
 */
@ExtendWith(ClusterExtension.class)
class ExecutorLossIT {

  @Test
  void jobLosesAnExecutorMidStageAndStillWritesEveryRowOnce(StandaloneCluster cluster,
      GeneratedLogits input, CheckingSession checking, HarnessSettings settings)
      throws Exception {
    Path output = OutputDirs.fresh(settings, "executor-loss");
    Submission job = cluster.submit("executor-loss", List.of(Jobs.MANY_TASKS),
        List.of("--input", input.dir.toString(), "--output", output.toString()));
    Kill kill = killBusyExecutor(cluster, job);
    System.out.println(kill);
    JobResult result = job.await(Jobs.timeout(input.rows));

    assertEquals(0, result.exitCode, result.describe());
    // The worker saw its executor die of SIGKILL (exit code 137), and the driver lost a running
    // task with it.
    String death = "Executor " + result.applicationId() + "/" + kill.executorId
        + " finished with state EXITED message Command exited with code 137";
    assertTrue(cluster.workerLogs().stream().anyMatch(log -> contains(log, death)), death);
    assertTrue(result.stderr.contains("Lost executor " + kill.executorId + " on " + kill.host()),
        result.describe());
    assertTrue(result.stderr.contains("(" + kill.host() + " executor " + kill.executorId
        + "): ExecutorLostFailure"), result.describe());
    JobSummary summary = JobSummary.of(result);
    assertEquals(input.rows, summary.rowsRead, summary.line);
    assertEquals(input.rows, summary.rowsWritten, summary.line);
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    ScoredOutput.assertScored(checking, output, input.expected, new SoftmaxTransformer(), result);
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What was killed, and how far the scoring stage was at that moment. */
  private static final class Kill {
    final String executorId;
    final long pid;
    final JsonNode stage;
    final JsonNode executor;

    Kill(String executorId, long pid, JsonNode stage, JsonNode executor) {
      this.executorId = executorId;
      this.pid = pid;
      this.stage = stage;
      this.executor = executor;
    }

    /** The host the executor ran on, as the driver knows it. */
    String host() {
      return executor.path("hostPort").asText().replaceFirst(":\\d+$", "");
    }

    @Override
    public String toString() {
      return String.format("Killed executor %s (pid %d) with SIGKILL; the driver saw it with %d"
              + " active and %d completed task(s), and stage %d '%s' with %d of %d tasks done,"
              + " %d running.",
          executorId, pid, executor.path("activeTasks").asInt(),
          executor.path("completedTasks").asInt(), stage.path("stageId").asInt(),
          stage.path("name").asText(), stage.path("numCompleteTasks").asInt(),
          stage.path("numTasks").asInt(), stage.path("numActiveTasks").asInt());
    }
  }

  /**
   * Waits, through the driver's REST API, until a stage has a quarter of its tasks done and still
   * has tasks waiting, and an executor that already completed a task is running one; then kills
   * that executor's JVM (found by its main class and {@code --executor-id} among the workers'
   * descendants) with SIGKILL.
   */
  private static Kill killBusyExecutor(StandaloneCluster cluster, Submission job)
      throws InterruptedException {
    AtomicReference<Kill> kill = new AtomicReference<>();
    Poll.until("an executor runs a task in the middle of a stage", Duration.ofMinutes(5), () -> {
      if (!job.isAlive()) {
        throw new IllegalStateException("The job ended before an executor could be killed.");
      }
      Optional<JsonNode> stage = job.midwayStage();
      Optional<JsonNode> executor = stage.isPresent() ? busyExecutor(job) : Optional.empty();
      if (executor.isEmpty()) {
        return false;
      }
      String id = executor.get().path("id").asText();
      Optional<ProcessHandle> process = cluster.executorProcess(id);
      if (process.isEmpty()) {
        return false;
      }
      process.get().destroyForcibly();
      process.get().onExit().get(30, TimeUnit.SECONDS);
      kill.set(new Kill(id, process.get().pid(), stage.get(), executor.get()));
      return true;
    });
    return kill.get();
  }

  /** An executor that has completed a task and is running another. */
  private static Optional<JsonNode> busyExecutor(Submission job) {
    for (JsonNode executor : job.driverApi("executors").orElse(MissingNode.getInstance())) {
      if (!"driver".equals(executor.path("id").asText())
          && executor.path("activeTasks").asInt() >= 1
          && executor.path("completedTasks").asInt() >= 1) {
        return Optional.of(executor);
      }
    }
    return Optional.empty();
  }
}
