package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** What one run of {@link SoftmaxJob} gave: its exit code and what it printed. */
final class JobOutcome {
  final int code;
  final String out;
  final String err;

  JobOutcome(int code, String out, String err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  /** Runs {@link SoftmaxJob#run} in this JVM, in its default Spark session, with {@code args}. */
  static JobOutcome inProcess(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SoftmaxJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new JobOutcome(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** A regular expression for the summary line with these counts. */
  static String summaryLine(long read, long written) {
    return "softmax-job: rows read " + read + ", rows written " + written
        + ", rows skipped as invalid " + (read - written)
        + ", seconds \\d+\\.\\d\\d, rows per second \\d+\\.\\d";
  }

  /** Exit code 0, nothing on stderr, and the summary as the last line of stdout. */
  void assertSucceeded(long read, long written) {
    assertEquals(0, code, err);
    assertEquals("", err);
    List<String> lines = out.lines().collect(Collectors.toList());
    String summary = lines.get(lines.size() - 1);
    assertTrue(summary.matches(summaryLine(read, written)), summary);
  }

  /** The exit code, nothing on stdout, and one error line on stderr containing {@code message}. */
  void assertFailed(int expectedCode, String message) {
    assertEquals(expectedCode, code, err + out);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("softmax-job: error: "), err);
    assertTrue(err.contains(message), err);
    assertEquals("", out);
  }
}
