package io.github.sparksoftmax.job;

import java.util.Locale;

/**
 * The counts and the time of one run, as the job reports them on its last line. Rows skipped as
 * invalid are the rows read less the rows written.
 */
public final class RunSummary {
  private final long rowsRead;
  private final long rowsWritten;
  private final double seconds;

  /**
   * @param rowsRead rows of the input
   * @param rowsWritten rows of the output; fewer only when invalid rows were skipped
   * @param seconds wall-clock time from reading to the complete output
   */
  public RunSummary(long rowsRead, long rowsWritten, double seconds) {
    this.rowsRead = rowsRead;
    this.rowsWritten = rowsWritten;
    this.seconds = seconds;
  }

  /**
   * E.g. {@code rows read 12, rows written 11, rows skipped as invalid 1, seconds 2.41, rows per
   * second 5.0} (rows read per second).
   */
  public String line() {
    return String.format(Locale.ROOT, "rows read %d, rows written %d, rows skipped as invalid %d,"
        + " seconds %.2f, rows per second %.1f", rowsRead, rowsWritten, rowsRead - rowsWritten,
        seconds, rowsRead / Math.max(seconds, 1e-3));
  }
}
