package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /**
   * Runs a process to its end, at most five minutes, and gives its exit code and output.
   *
   * @throws AssertionError if it runs longer; it is killed then
   */
  static JobOutcome of(ProcessBuilder builder) throws IOException, InterruptedException {
    Path out = Files.createTempFile("job", ".out");
    Path err = Files.createTempFile("job", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("did not finish in 5 minutes: " + builder.command());
      }
      return new JobOutcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** The lines of stderr but the JVM's notice that it uses the incubating vector module. */
  List<String> errLines() {
    return err.lines().filter(line -> !line.startsWith("WARNING: Using incubator modules"))
        .collect(Collectors.toList());
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
