package io.github.sparksoftmax.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Adds up the executor CPU time of finished tasks. On a shared, loaded machine a task's CPU time
 * varies far less than wall-clock time, which also counts the time its thread waited for a core.
 */
final class TaskCpuTime extends SparkListener {
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskMetrics() != null) {
      nanos.addAndGet(taskEnd.taskMetrics().executorCpuTime());
    }
    tasks.incrementAndGet();
  }

  /** Starts a new count. */
  void reset() {
    nanos.set(0);
    tasks.set(0);
  }

  /**
   * The CPU seconds of the tasks counted since {@link #reset()}, once {@code expectedTasks} have
   * been reported (listener events arrive asynchronously, shortly after the job ends).
   */
  double seconds(long expectedTasks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (tasks.get() < expectedTasks && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return nanos.get() / 1e9;
  }
}
