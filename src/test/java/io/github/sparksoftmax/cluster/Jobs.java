package io.github.sparksoftmax.cluster;

import java.time.Duration;

/** Limits and settings for jobs on the test cluster. */
final class Jobs {
  /**
   * 8 MB splits: the generated input then makes many tasks (32 at 2 million rows), so that a
   * fault injected in the middle of the write falls between done and to-do tasks.
   */
  static final String MANY_TASKS = "spark.sql.files.maxPartitionBytes=8m";

  private Jobs() {}

  /** How long a job over {@code rows} rows may take: 5 minutes plus 1 second per 10,000 rows. */
  static Duration timeout(long rows) {
    return Duration.ofMinutes(5).plusSeconds(rows / 10_000);
  }
}
