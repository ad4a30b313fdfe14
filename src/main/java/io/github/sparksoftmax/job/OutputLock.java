package io.github.sparksoftmax.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that lets one run at a time write an output path, taken before any data is read.
 *
 * <p>The lock is a numbered file beside the output, {@code .NAME.softmax-lock-N} (see {@link
 * LockRecord} for its content), and the file with the highest number holds it. A run takes a free
 * output by creating number 0, and the output of a dead holder by creating the next number, each
 * time exclusively, so that of two runs that try at once only one succeeds; it then deletes the
 * lower numbers. The holder rewrites its file with a new heartbeat every {@link #HEARTBEAT}, and
 * before it publishes its output it checks that its file is still the highest: a run that was
 * taken for dead (say, paused for over a minute) then stops without writing. It deletes its file
 * when it ends.
 *
 * <p>Exclusive creation is atomic on HDFS, and on local and NFS file systems, where the lock is
 * created with {@code O_EXCL}. Hadoop's other file systems, object stores among them, check and
 * then create; there the creator reads its file back after {@link #SETTLE}, so that of runs whose
 * creations fall within that time of each other only the last writer goes on.
 */
final class OutputLock implements AutoCloseable {
  /** How often the holder renews its heartbeat. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  /** A holder whose heartbeat is older than this is dead. */
  static final Duration STALE_AFTER = Duration.ofSeconds(60);
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final Set<String> ATOMIC_CREATE = Set.of("file", "hdfs");
  private static final String ROLE = "lock";
  private static final int ATTEMPTS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);

  private final OutputPath output;
  private final FileSystem fs;
  private final long number;
  private final Path file;
  private final ScheduledExecutorService heartbeat;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile LockRecord record;
  private volatile String lost;

  private OutputLock(OutputPath output, FileSystem fs, long number, Path file, LockRecord record,
      Duration heartbeatInterval) {
    this.output = output;
    this.fs = fs;
    this.number = number;
    this.file = file;
    this.record = record;
    heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "softmax-job-output-lock");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, heartbeatInterval.toMillis(),
        heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of {@code output} for a run of Spark application {@code application}, taking
   * it over from a dead holder, whose lock file is then deleted with a log line.
   *
   * @throws JobFailure a data error if a live run holds the lock (naming it, since when, and what
   *     to do), or if the lock files cannot be read or written
   */
  static OutputLock acquire(OutputPath output, String application) {
    return acquire(output, application, HEARTBEAT);
  }

  /** {@link #acquire(OutputPath, String)} with the heartbeat renewed every {@code interval}. */
  static OutputLock acquire(OutputPath output, String application, Duration interval) {
    FileSystem fs = output.fs instanceof LocalFileSystem
        ? ((LocalFileSystem) output.fs).getRaw() : output.fs;
    LockRecord self = LockRecord.ofThisProcess(application, Instant.now());
    try {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        TreeMap<Long, Path> locks = locks(output);
        long next = 0;
        if (!locks.isEmpty()) {
          Path top = locks.lastEntry().getValue();
          Optional<LockRecord> holder = read(fs, top);
          if (holder.isPresent()) {
            Optional<String> dead = holder.get().whyDead(Instant.now(), STALE_AFTER);
            if (dead.isEmpty()) {
              throw heldBy(output, holder.get(), top);
            }
            LOG.warn("Taking over the lock {} of {}: the run died ({})", top,
                holder.get().describe(), dead.get());
          }
          next = locks.lastKey() + 1;
        }
        Path file = output.sibling(ROLE, Long.toString(next));
        if (create(fs, file, self)) {
          locks.headMap(next).values().forEach(superseded -> deleteSuperseded(fs, superseded));
          return new OutputLock(output, fs, next, file, self, interval);
        }
      }
    } catch (IOException e) {
      throw JobFailure.data("cannot lock the output '" + output.target + "'", e);
    }
    throw JobFailure.data("cannot lock the output '" + output.target + "': other runs took its"
        + " lock " + ATTEMPTS + " times while this one tried");
  }

  /** The id of the run that holds this lock. */
  String runId() {
    return record.run;
  }

  /**
   * Checks that this run still holds the lock.
   *
   * @throws JobFailure a data error if another run took it over or the lock file was removed
   */
  void checkHeld() {
    String why = lost;
    if (why == null) {
      try {
        why = whyLost();
      } catch (IOException e) {
        throw JobFailure.data("cannot check the lock " + file + " of the output '"
            + output.target + "'", e);
      }
    }
    if (why != null) {
      throw JobFailure.data("this run lost its lock on the output '" + output.target + "' ("
          + why + "), so it stops without writing there; run the job again");
    }
  }

  /** Waits at most {@code timeout} for {@link #close} to have released the lock. */
  void awaitClosed(Duration timeout) throws InterruptedException {
    closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the heartbeat and deletes the lock file if this run still holds it. A heartbeat under
   * way is let finish, not interrupted: an interrupted rewrite leaves the file truncated, which
   * would then read as another run's lock and stay behind.
   */
  @Override
  public void close() {
    heartbeat.shutdown();
    try {
      heartbeat.awaitTermination(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
      if (whyLost() == null) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("Could not delete the lock {}: {}", file, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed.countDown();
    }
  }

  private void beat() {
    if (lost != null) {
      return;
    }
    try {
      String why = whyLost();
      if (why != null) {
        lost = why;
        LOG.error("This run lost its lock on the output {}: {}", output.target, why);
        return;
      }
      LockRecord renewed = record.beating(Instant.now());
      try (FSDataOutputStream out = fs.create(file, true)) {
        out.write(renewed.toBytes());
      }
      record = renewed;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not renew the heartbeat of the lock {}: {}", file, e.toString());
    }
  }

  /** Why this run no longer holds the lock, or null while it does. */
  private String whyLost() throws IOException {
    TreeMap<Long, Path> locks = locks(output);
    if (!locks.isEmpty() && locks.lastKey() > number) {
      return "another run took it over: " + read(fs, locks.lastEntry().getValue())
          .map(LockRecord::describe).orElse("a run that has ended since");
    }
    Optional<LockRecord> current = read(fs, file);
    return current.isPresent() && record.run.equals(current.get().run) ? null
        : "its lock file " + file + " was removed or replaced";
  }

  private static JobFailure heldBy(OutputPath output, LockRecord holder, Path file) {
    long silence = Duration.between(holder.heartbeat, Instant.now()).toSeconds();
    return JobFailure.data("another run is writing the output '" + output.target + "': "
        + holder.describe() + ", last heartbeat " + silence + " s ago. Wait for it to end, or"
        + " stop it; if it has died, the next run takes over once its heartbeat is "
        + STALE_AFTER.toSeconds() + " s old (at once on its host). Its lock is " + file);
  }

  /** Deletes a dead run's lock file; one left behind is harmless, as a lower number. */
  private static void deleteSuperseded(FileSystem fs, Path superseded) {
    try {
      fs.delete(superseded, false);
    } catch (IOException e) {
      LOG.warn("Could not delete the superseded lock {}: {}", superseded, e.toString());
    }
  }

  /** The lock files by number. */
  private static TreeMap<Long, Path> locks(OutputPath output) throws IOException {
    TreeMap<Long, Path> locks = new TreeMap<>();
    for (Map.Entry<String, FileStatus> entry : output.siblings(ROLE).entrySet()) {
      if (entry.getKey().matches("\\d{1,18}")) {
        locks.put(Long.parseLong(entry.getKey()), entry.getValue().getPath());
      }
    }
    return locks;
  }

  /** Creates {@code file} holding {@code record} if no file of that name exists. */
  private static boolean create(FileSystem fs, Path file, LockRecord record) throws IOException {
    byte[] bytes = record.toBytes();
    if (fs.getUri().getScheme().equals("file")) {
      java.nio.file.Path local = Paths.get(file.toUri());
      Files.createDirectories(local.getParent());
      try {
        Files.write(local, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(bytes);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
    if (ATOMIC_CREATE.contains(fs.getUri().getScheme())) {
      return true;
    }
    try {
      Thread.sleep(SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating the lock " + file, e);
    }
    return read(fs, file).map(written -> record.run.equals(written.run)).orElse(false);
  }

  /**
   * The record in {@code file}, or empty if there is no such file. Content that does not parse,
   * as while its holder rewrites it, is read again a few times before the file's modification
   * time stands for its heartbeat.
   */
  private static Optional<LockRecord> read(FileSystem fs, Path file) throws IOException {
    try {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try (InputStream in = fs.open(file)) {
          Optional<LockRecord> record = LockRecord.parse(in.readAllBytes());
          if (record.isPresent()) {
            return record;
          }
        }
        Thread.sleep(100);
      }
      return Optional.of(LockRecord.unreadable(
          Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime())));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the lock " + file, e);
    }
  }
}
