package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Every JVM that the harness forks, so that each one (and whatever it forked in turn, such as a
 * worker's executors) is stopped by process id when the tests end, fail, or the JVM exits.
 * Stopping is {@code destroyForcibly} (SIGKILL) of the process and of each of its descendants.
 */
final class LaunchedProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private boolean stopped;
  private final Thread shutdownHook = new Thread(this::stopAll, "stop-spark-cluster");

  LaunchedProcesses() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code builder} and tracks the process until {@link #close}.
   *
   * @throws IllegalStateException once the processes were stopped, as when the JVM exits while a
   *     test is about to start a job: the job would outlive the JVM
   */
  synchronized Process start(ProcessBuilder builder) throws IOException {
    if (stopped) {
      throw new IllegalStateException("the cluster's processes were stopped");
    }
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Kills a process tree now, waiting until every process in it has exited. */
  static void kill(ProcessHandle root) {
    // Descendants are listed before the root dies: afterwards they would be orphans, not ours.
    List<ProcessHandle> tree = root.descendants().collect(Collectors.toList());
    tree.add(0, root);
    tree.forEach(ProcessHandle::destroyForcibly);
    CompletableFuture<?>[] exits =
        tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("processes of " + root.pid() + " did not exit", e);
    }
  }

  private synchronized void stopAll() {
    stopped = true;
    for (int i = processes.size() - 1; i >= 0; i--) {
      kill(processes.get(i).toHandle());
    }
    processes.clear();
  }

  @Override
  public void close() {
    stopAll();
    Runtime.getRuntime().removeShutdownHook(shutdownHook);
  }
}
