package io.github.sparksoftmax.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code SparkSubmit} process under way: its driver's REST API, then its result. Closing it
 * kills it if it still runs, so that a test that fails midway leaves no job holding the cluster.
 */
final class Submission implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logDir;
  private final int uiPort;
  private final long startNanos = System.nanoTime();
  /** When the process exited, so that a job awaited after another is not timed to the await. */
  private final CompletableFuture<Long> exitNanos;

  Submission(String name, Process process, Path logDir, int uiPort) {
    this.name = name;
    this.process = process;
    this.logDir = logDir;
    this.uiPort = uiPort;
    exitNanos = process.onExit().thenApply(exited -> System.nanoTime());
  }

  /**
   * The driver's monitoring REST API at {@code /api/v1/applications/APP_ID/} + {@code path}
   * (e.g. {@code jobs}, {@code executors}); empty while the driver's UI is not up or after the
   * application ended.
   */
  Optional<JsonNode> driverApi(String path) {
    String base = "http://" + StandaloneCluster.LOOPBACK + ":" + uiPort + "/api/v1/applications";
    return Http.getJson(base)
        .filter(apps -> apps.size() > 0)
        .flatMap(apps -> Http.getJson(base + "/" + apps.get(0).path("id").asText() + "/" + path));
  }

  /**
   * An active stage with a quarter of its tasks (at least two) done and two not yet started, as
   * the driver's REST API shows it; empty while there is none.
   */
  Optional<JsonNode> midwayStage() {
    for (JsonNode stage : driverApi("stages?status=active").orElse(MissingNode.getInstance())) {
      int tasks = stage.path("numTasks").asInt();
      int done = stage.path("numCompleteTasks").asInt();
      int waiting = tasks - done - stage.path("numActiveTasks").asInt();
      if (done >= Math.max(2, tasks / 4) && waiting >= 2) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }

  /** Kills spark-submit, whose JVM is the driver in client mode, with SIGKILL; returns its pid. */
  long killDriver() {
    LaunchedProcesses.kill(process.toHandle());
    return process.pid();
  }

  /** Asks spark-submit to exit with SIGTERM, as a scheduler or {@code kill PID} does. */
  void terminate() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for spark-submit to exit.
   *
   * @throws IllegalStateException if it has not exited within {@code timeout}; it is killed then
   */
  JobResult await(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      LaunchedProcesses.kill(process.toHandle());
      throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds()
          + " s; see " + logDir.resolve(name + ".err"));
    }
    double seconds = (exitNanos.join() - startNanos) / 1e9;
    return new JobResult(name, process.exitValue(), read(".out"), read(".err"), seconds);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      LaunchedProcesses.kill(process.toHandle());
    }
  }

  private String read(String suffix) throws IOException {
    return Files.readString(logDir.resolve(name + suffix));
  }
}
