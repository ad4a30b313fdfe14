package io.github.sparksoftmax.job;

import java.time.Duration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a streaming query cleanly when the JVM is asked to exit (SIGTERM, Ctrl-C): the query is
 * stopped while Spark still runs, and the exit waits until the run has released its output
 * lock, so that it can print its summary. A batch under way is abandoned; the output's log never
 * lists it, and the next run from the checkpoint does it again. The JVM then exits with the
 * signal's code (143 for SIGTERM, 130 for Ctrl-C).
 *
 * <p>The hook runs in Hadoop's shutdown hook manager, which runs hooks one at a time by priority,
 * before the one in which Spark stops its context.
 */
final class StopOnSignal implements AutoCloseable {
  /** Spark stops its context in the hook of priority {@code SHUTDOWN_HOOK_PRIORITY + 30}. */
  private static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(StopOnSignal.class);

  private final Runnable hook;

  /** Stops {@code query} on a signal, then waits for {@code lock} to be released. */
  StopOnSignal(StreamingQuery query, OutputLock lock) {
    hook = () -> {
      LOG.warn("Stopping the stream: the job was asked to exit");
      try {
        query.stop();
        lock.awaitClosed(RELEASE_TIMEOUT);
      } catch (Exception e) {
        LOG.warn("Could not stop the stream cleanly: {}", e.toString());
      }
    };
    ShutdownHookManager.get().addShutdownHook(hook, PRIORITY);
  }

  /** Removes the hook, unless the JVM is already exiting. */
  @Override
  public void close() {
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }
}
