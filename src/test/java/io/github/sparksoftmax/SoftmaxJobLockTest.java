package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.job.LockFileText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job beside another run's lock: a live run's lock stops it before it reads the input, and
 * leaves that run's staging folder alone; a dead run's lock is taken over, its staging folder
 * removed, and the old output it had moved aside put back.
 */
class SoftmaxJobLockTest extends LocalSparkTest {
  @TempDir
  Path dir;

  @Test
  void aLiveRunsLockStopsTheJobBeforeItReadsTheInputAndItsStagingFolderStays()
      throws IOException {
    writeLock(LockFileText.of("another-host", 4242, null, Instant.now()));
    Path staging = Files.createDirectories(dir.resolve(".out.softmax-writing-live-run"));
    Files.writeString(staging.resolve("part-0.parquet"), "being written");

    JobOutcome.inProcess("--input", path("no-such-input"), "--output", path("out"))
        .assertFailed(1, "another run is writing the output 'file:" + path("out") + "':"
            + " application app-test (pid 4242 on host another-host), started"
            + " 2020-05-01T10:00:00Z, last heartbeat ");

    assertEquals(List.of(".out.softmax-lock-0", ".out.softmax-writing-live-run"), Folders.names(dir));
    assertEquals("being written", Files.readString(staging.resolve("part-0.parquet")));
  }

  @Test
  void aDeadRunsStagingFolderIsRemovedAndTheJobWritesEveryRowOnce() throws Exception {
    writeLock(LockFileText.of(LockFileText.thisHost(), finishedPid(), null, Instant.now()));
    Files.createDirectories(dir.resolve(".out.softmax-writing-dead-run/_temporary/0"));
    String input = input("logits");

    JobOutcome.inProcess("--input", input, "--output", path("out")).assertSucceeded(2, 2);

    assertEquals(List.of("logits", "out"), Folders.names(dir));
    assertEquals(2, spark.read().parquet(path("out")).count());
  }

  @Test
  void theOldOutputThatADeadRunMovedAsideIsPutBack() throws Exception {
    writeLock(LockFileText.of(LockFileText.thisHost(), finishedPid(), null, Instant.now()));
    String input = input("logits");
    JobOutcome.inProcess("--input", input, "--output", path(".out.softmax-replaced-dead-run"))
        .assertSucceeded(2, 2);

    JobOutcome.inProcess("--input", input, "--output", path("out"))
        .assertFailed(1, "the output 'file:" + path("out") + "' already exists");

    assertEquals(List.of("logits", "out"), Folders.names(dir));
    assertEquals(2, spark.read().parquet(path("out")).count());
  }

  private void writeLock(String content) throws IOException {
    Files.writeString(dir.resolve(".out.softmax-lock-0"), content);
  }

  private String input(String name) {
    SoftmaxTransformerTest.vectorFrame(Vectors.dense(1.0, 2.0), Vectors.dense(3.0))
        .write().parquet(path(name));
    return path(name);
  }

  private static long finishedPid() throws IOException, InterruptedException {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    return finished.pid();
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

}
