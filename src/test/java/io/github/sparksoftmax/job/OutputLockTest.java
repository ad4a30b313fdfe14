package io.github.sparksoftmax.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output lock on the local file system: one holder at a time, a live holder's lock is never
 * taken, a dead one's is taken over at once on its host or once its heartbeat is stale, and a
 * holder that was taken over learns it before it publishes.
 */
class OutputLockTest {
  private static final long OWN_PID = ProcessHandle.current().pid();

  @TempDir
  Path dir;

  @Test
  void aSecondRunFailsWhileTheFirstHoldsTheLockAndTakesItAfterwards() throws IOException {
    OutputPath output = output();
    OutputLock first = OutputLock.acquire(output, "app-first");
    JobFailure failure = assertThrows(JobFailure.class,
        () -> OutputLock.acquire(output, "app-second"));
    assertEquals(JobFailure.DATA, failure.exitCode());
    assertTrue(failure.getMessage().startsWith("another run is writing the output '"
        + output.target + "': application app-first (pid " + OWN_PID + " on host "),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("Wait for it to end, or stop it; if it has died, the"
        + " next run takes over once its heartbeat is 60 s old (at once on its host). Its lock is "
        + output.target.getParent() + "/.out.softmax-lock-0"), failure.getMessage());
    first.close();
    assertEquals(List.of(), Folders.names(dir));

    try (OutputLock second = OutputLock.acquire(output, "app-second")) {
      second.checkHeld();
      assertEquals(List.of(".out.softmax-lock-0"), Folders.names(dir));
    }
  }

  @Test
  void ofRunsThatTryAtOnceExactlyOneGetsTheLock() throws Exception {
    int runs = 8;
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      // Many rounds, so that some runs list the folder before any has created its lock file.
      for (int round = 0; round < 40; round++) {
        OutputPath output = OutputPath.of(new Configuration(),
            dir.resolve("round-" + round + "/out").toString());
        CyclicBarrier start = new CyclicBarrier(runs);
        List<Future<OutputLock>> attempts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          String application = "app-" + i;
          attempts.add(pool.submit(() -> {
            start.await();
            return OutputLock.acquire(output, application);
          }));
        }
        List<OutputLock> held = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<OutputLock> attempt : attempts) {
          try {
            held.add(attempt.get());
          } catch (ExecutionException e) {
            refusals.add(e.getCause().getMessage());
          }
        }
        held.forEach(OutputLock::close);
        assertEquals(1, held.size(), "round " + round + ": " + refusals);
        assertTrue(refusals.stream().allMatch(m -> m.startsWith("another run is writing")),
            refusals.toString());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aHolderWhoseProcessIsGoneIsTakenOverAtOnceOnItsHost() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    writeLock(0, LockFileText.of(LockFileText.thisHost(), finished.pid(), null,
        Instant.now()));
    Files.createDirectory(dir.resolve("unrelated"));

    try (OutputLock lock = OutputLock.acquire(output(), "app-new")) {
      assertEquals(List.of(".out.softmax-lock-1", "unrelated"), Folders.names(dir));
    }
  }

  @Test
  void aHolderWhosePidBelongsToAnotherProcessNowIsTakenOver() throws Exception {
    writeLock(0, LockFileText.of(LockFileText.thisHost(), OWN_PID,
        Instant.parse("2001-01-01T00:00:00Z"), Instant.now()));
    try (OutputLock lock = OutputLock.acquire(output(), "app-new")) {
      assertEquals(List.of(".out.softmax-lock-1"), Folders.names(dir));
    }
  }

  @Test
  void aHolderOnAnotherHostIsLiveUntilItsHeartbeatIsAMinuteOld() throws Exception {
    writeLock(4, LockFileText.of("another-host", OWN_PID, null,
        Instant.now().minusSeconds(50)));
    JobFailure live = assertThrows(JobFailure.class, () -> OutputLock.acquire(output(), "app"));
    assertTrue(live.getMessage().contains("(pid " + OWN_PID + " on host another-host), started"
        + " 2020-05-01T10:00:00Z, last heartbeat 50 s ago"), live.getMessage());

    writeLock(4, LockFileText.of("another-host", OWN_PID, null,
        Instant.now().minusSeconds(61)));
    try (OutputLock lock = OutputLock.acquire(output(), "app")) {
      assertEquals(List.of(".out.softmax-lock-5"), Folders.names(dir));
    }
  }

  @Test
  void anUnreadableLockIsJudgedByItsAge() throws Exception {
    Path file = writeLock(0, "run=cut short");
    assertThrows(JobFailure.class, () -> OutputLock.acquire(output(), "app"));

    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(120)));
    try (OutputLock lock = OutputLock.acquire(output(), "app")) {
      assertEquals(List.of(".out.softmax-lock-1"), Folders.names(dir));
    }
  }

  @Test
  void aHolderThatWasTakenOverStopsBeforePublishingAndLeavesTheNewLock() throws Exception {
    OutputLock stale = OutputLock.acquire(output(), "app-paused");
    stale.checkHeld();
    writeLock(1, LockFileText.of("another-host", 42, null, Instant.now()));

    JobFailure lost = assertThrows(JobFailure.class, stale::checkHeld);
    assertTrue(lost.getMessage().startsWith("this run lost its lock on the output '"
        + output().target + "' (another run took it over: application app-test (pid 42 on host"
        + " another-host)"), lost.getMessage());
    stale.close();
    assertEquals(List.of(".out.softmax-lock-0", ".out.softmax-lock-1"), Folders.names(dir));
  }

  @Test
  void theHolderRenewsItsHeartbeat() throws Exception {
    try (OutputLock lock = OutputLock.acquire(output(), "app", Duration.ofMillis(50))) {
      Path file = dir.resolve(".out.softmax-lock-0");
      String first = readComplete(file);
      Thread.sleep(1_000);
      String later = readComplete(file);
      assertEquals(value(first, "started"), value(later, "started"));
      assertTrue(Instant.parse(value(later, "heartbeat"))
          .isAfter(Instant.parse(value(first, "heartbeat")).plusMillis(500)), later);
    }
  }

  /**
   * Closing while a heartbeat rewrites the lock file must still delete it: a close that
   * interrupted the heartbeat mid-write left a truncated file, which it then took for another
   * run's and left behind (seen once in ExecutorLossIT).
   */
  @Test
  void closingDuringAHeartbeatDeletesTheLock() throws Exception {
    for (int run = 0; run < 200; run++) {
      OutputLock lock = OutputLock.acquire(output(), "app-" + run, Duration.ofMillis(1));
      Thread.sleep(run % 3);
      lock.close();
      assertEquals(List.of(), Folders.names(dir), "after run " + run);
    }
  }

  private OutputPath output() {
    return OutputPath.of(new Configuration(), dir.resolve("out").toString());
  }

  private Path writeLock(int number, String content) throws IOException {
    return Files.writeString(dir.resolve(".out.softmax-lock-" + number), content,
        StandardCharsets.ISO_8859_1);
  }

  /** The lock file's content, read again while its holder is rewriting it. */
  private static String readComplete(Path file) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 50; attempt++) {
      String content = Files.readString(file, StandardCharsets.ISO_8859_1);
      if (content.endsWith("\n") && content.contains("\nheartbeat=")
          && content.contains("\nstarted=")) {
        return content;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the lock file stays incomplete: " + file);
  }

  private static String value(String properties, String key) {
    return properties.lines().filter(l -> l.startsWith(key + "=")).findFirst()
        .map(l -> l.substring(key.length() + 1).replace("\\:", ":")).orElseThrow();
  }
}
