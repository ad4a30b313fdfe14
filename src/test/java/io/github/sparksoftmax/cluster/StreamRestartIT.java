package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.github.sparksoftmax.Folders;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job's streaming mode on the cluster: files arrive in the input folder one by one while the
 * stream scores them; its driver is killed with SIGKILL in the middle of a batch; the files that
 * arrive meanwhile wait. The same command restarted from the checkpoint scores the rest, says in
 * its summary how many rows it scored, and stops cleanly on SIGTERM. The output, as Spark reads
 * it through its {@code _spark_metadata} log, then holds every input row exactly once.
 */
@ExtendWith(ClusterExtension.class)
class StreamRestartIT {
  /** Input files in the folder before the first run, and at most by the time it is killed. */
  private static final int FIRST_FILES = 2;
  private static final int FILES_BEFORE_KILL = 14;

  @Test
  void aStreamKilledMidBatchAndRestartedFromItsCheckpointWritesEveryRowOnce(
      StandaloneCluster cluster, LogitFiles input, CheckingSession checking,
      HarnessSettings settings) throws Exception {
    Path output = OutputDirs.fresh(settings, "stream");
    Path incoming = fresh(settings.workDir.resolve("stream/incoming"));
    Path checkpoint = fresh(settings.workDir.resolve("stream/checkpoint"));
    List<Path> files = partFiles(input.dir);
    List<String> args = List.of("--stream", "--input", incoming.toString(), "--output",
        output.toString(), "--checkpoint", checkpoint.toString(), "--trigger", "1s");
    for (Path file : files.subList(0, FIRST_FILES)) {
      arrive(file, incoming);
    }

    int fed;
    long pid;
    JobResult killed;
    try (Submission first = cluster.submit("stream-killed", List.of(), args)) {
      fed = feedUntilMidBatch(first, files, incoming, output);
      pid = first.killDriver();
      killed = first.await(Duration.ofSeconds(30));
    }
    cluster.awaitNoExecutors();
    long committed = checking.spark.read().parquet(output.toString()).count();
    System.out.printf("Killed the stream's driver (pid %d) in a batch, after %d of %d files had"
        + " arrived: %,d rows in its completed batches, %d files in the output that its log does"
        + " not list.%n", pid, fed, files.size(), committed, unlisted(checking, output));
    assertTrue(committed > 0 && committed < LogitFiles.ROWS, killed.describe());
    for (Path file : files.subList(fed, files.size())) {
      arrive(file, incoming);
    }

    JobResult restarted;
    try (Submission second = cluster.submit("stream-restarted", List.of(), args)) {
      Poll.until("the restarted stream has written every row", Duration.ofMinutes(5), () -> {
        if (!second.isAlive()) {
          throw new IllegalStateException("The restarted stream ended on its own.");
        }
        return checking.spark.read().parquet(output.toString()).count() >= LogitFiles.ROWS;
      });
      second.terminate();
      restarted = second.await(Duration.ofMinutes(1));
    }

    assertEquals(143, restarted.exitCode, restarted.describe());
    assertTrue(restarted.stderr.contains("Stopping the stream: the job was asked to exit"),
        restarted.describe());
    assertTrue(restarted.stderr.contains("Taking over the lock file:" + output.getParent()
        + "/.scored.softmax-lock-0 of application " + killed.applicationId()),
        restarted.describe());
    JobSummary summary = JobSummary.of(restarted);
    assertEquals(LogitFiles.ROWS - committed, summary.rowsRead, summary.line);
    assertEquals(LogitFiles.ROWS - committed, summary.rowsWritten, summary.line);
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), restarted);
    ScoredOutput.assertScored(checking, output, input.expected, new SoftmaxTransformer(),
        restarted);
  }

  /**
   * Moves input files into the folder one at a time, each once the stream has completed a batch
   * after the last one arrived, until the stream has completed two batches and is in a third;
   * returns how many files arrived by then.
   */
  private static int feedUntilMidBatch(Submission stream, List<Path> files, Path incoming,
      Path output) throws InterruptedException {
    int[] fed = {FIRST_FILES};
    long[] batchesAtLastArrival = {0};
    Poll.until("the stream is in a batch after two completed ones", Duration.ofMinutes(5), () -> {
      if (!stream.isAlive()) {
        throw new IllegalStateException("The stream ended before its driver could be killed.");
      }
      long completed = completedBatches(output);
      boolean inBatch = stream.driverApi("stages?status=active")
          .orElse(MissingNode.getInstance()).size() > 0;
      if (inBatch && completed >= 2) {
        return true;
      }
      if (completed > batchesAtLastArrival[0]) {
        if (fed[0] == FILES_BEFORE_KILL) {
          throw new IllegalStateException("No batch was seen under way by the time " + fed[0]
              + " files had arrived.");
        }
        arrive(files.get(fed[0]++), incoming);
        batchesAtLastArrival[0] = completed;
      }
      return false;
    });
    return fed[0];
  }

  /** The batches in the output's log: its files named by batch number. */
  private static long completedBatches(Path output) throws IOException {
    Path log = output.resolve("_spark_metadata");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(log)) {
      return entries.filter(f -> f.getFileName().toString().matches("\\d+")).count();
    }
  }

  /** Data files in the output that its log does not list: left by the batch that was killed. */
  private static long unlisted(CheckingSession checking, Path output) throws IOException {
    Set<String> listed = Arrays.stream(checking.spark.read().parquet(output.toString())
        .inputFiles()).map(f -> f.substring(f.lastIndexOf('/') + 1)).collect(Collectors.toSet());
    return Folders.names(output).stream()
        .filter(name -> name.endsWith(".parquet") && !listed.contains(name)).count();
  }

  /** Puts {@code file} into {@code folder} as a producer should: complete when it appears. */
  private static void arrive(Path file, Path folder) throws IOException {
    Path hidden = folder.resolve("." + file.getFileName());
    Files.copy(file, hidden);
    Files.move(hidden, folder.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<Path> partFiles(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(f -> f.getFileName().toString().startsWith("part-")).sorted()
          .collect(Collectors.toList());
    }
  }

  private static Path fresh(Path dir) throws IOException {
    FileUtils.deleteDirectory(dir.toFile());
    return Files.createDirectories(dir);
  }
}
