package io.github.sparksoftmax.cluster;

import java.time.Duration;

/** Limits for jobs on the test cluster. */
final class Jobs {
  private Jobs() {}

  /** How long a job over {@code rows} rows may take: 5 minutes plus 1 second per 10,000 rows. */
  static Duration timeout(long rows) {
    return Duration.ofMinutes(5).plusSeconds(rows / 10_000);
  }
}
