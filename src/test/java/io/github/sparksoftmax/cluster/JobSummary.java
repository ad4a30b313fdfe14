package io.github.sparksoftmax.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary line that {@code SoftmaxJob} prints last on success, e.g. {@code softmax-job: rows
 * read 12, rows written 11, rows skipped as invalid 1, seconds 2.41, rows per second 5.0}.
 */
final class JobSummary {
  private static final Pattern LINE = Pattern.compile("rows read (\\d+), rows written (\\d+),"
      + " rows skipped as invalid (\\d+), seconds ([0-9.]+), rows per second ([0-9.]+)");

  final long rowsRead;
  final long rowsWritten;
  final long rowsSkipped;
  final double seconds;
  final double rowsPerSecond;
  final String line;

  private JobSummary(Matcher match) {
    rowsRead = Long.parseLong(match.group(1));
    rowsWritten = Long.parseLong(match.group(2));
    rowsSkipped = Long.parseLong(match.group(3));
    seconds = Double.parseDouble(match.group(4));
    rowsPerSecond = Double.parseDouble(match.group(5));
    line = match.group();
  }

  /**
   * The summary in a job's stdout.
   *
   * @throws AssertionError if there is none
   */
  static JobSummary of(JobResult result) {
    String[] lines = result.stdout.strip().split("\\R");
    Matcher match = LINE.matcher(lines[lines.length - 1]);
    if (!match.find()) {
      throw new AssertionError("no summary line at the end of stdout\n" + result.describe());
    }
    return new JobSummary(match);
  }
}
