package io.github.sparksoftmax.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A {@code SparkSubmit} process under way: its driver's REST API, then its result. */
final class Submission {
  private final String name;
  private final Process process;
  private final Path logDir;
  private final int uiPort;
  private final long startNanos = System.nanoTime();

  Submission(String name, Process process, Path logDir, int uiPort) {
    this.name = name;
    this.process = process;
    this.logDir = logDir;
    this.uiPort = uiPort;
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
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return new JobResult(name, process.exitValue(), read(".out"), read(".err"), seconds);
  }

  private String read(String suffix) throws IOException {
    return Files.readString(logDir.resolve(name + suffix));
  }
}
