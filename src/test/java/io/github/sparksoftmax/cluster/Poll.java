package io.github.sparksoftmax.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition on the cluster, checking it every 100 ms. */
final class Poll {
  private Poll() {}

  /**
   * Returns once {@code condition} is true.
   *
   * @param what the condition in words, for the timeout message
   * @throws IllegalStateException if it is still false after {@code timeout}; an exception from
   *     the condition itself ends the wait at once
   */
  static void until(String what, Duration timeout, Callable<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!call(condition)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting"
            + " until " + what + ".");
      }
      Thread.sleep(100);
    }
  }

  private static boolean call(Callable<Boolean> condition) throws InterruptedException {
    try {
      return condition.call();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
