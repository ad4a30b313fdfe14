package io.github.sparksoftmax.job;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The rows that one streaming query read and wrote, summed over the batches it completed, from
 * the {@link ScoringRun#ROWS_READ} and {@link ScoringRun#ROWS_WRITTEN} metrics of each batch's
 * progress. A batch that the output's log already holds (written before a restart) is not
 * computed again, so it counts no rows.
 */
final class StreamCounts extends StreamingQueryListener {
  private final String queryName;
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile UUID queryId;

  /** Counts for the query named {@code queryName}; register it before the query starts. */
  StreamCounts(String queryName) {
    this.queryName = queryName;
  }

  long rowsRead() {
    return rowsRead.get();
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  /**
   * Waits at most {@code timeout} until the listener has seen the query end. Events arrive in
   * order, so every batch's progress has been counted by then.
   */
  void awaitTerminated(Duration timeout) throws InterruptedException {
    terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    if (queryName.equals(event.name())) {
      queryId = event.id();
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    if (queryName.equals(progress.name())) {
      rowsRead.addAndGet(count(progress.observedMetrics().get(ScoringRun.ROWS_READ)));
      rowsWritten.addAndGet(count(progress.observedMetrics().get(ScoringRun.ROWS_WRITTEN)));
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.id().equals(queryId)) {
      terminated.countDown();
    }
  }

  private static long count(Row metric) {
    return metric == null || metric.isNullAt(0) ? 0 : metric.getLong(0);
  }
}
