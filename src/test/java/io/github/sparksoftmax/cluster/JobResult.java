package io.github.sparksoftmax.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a submitted job ended: its exit code, what it printed, and its wall-clock time. */
final class JobResult {
  private static final Pattern APP_ID =
      Pattern.compile("Connected to Spark cluster with app ID (app-[0-9]+-[0-9]+)");

  final String name;
  final int exitCode;
  final String stdout;
  final String stderr;
  final double seconds;

  JobResult(String name, int exitCode, String stdout, String stderr, double seconds) {
    this.name = name;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.seconds = seconds;
  }

  /**
   * The id that the master gave the application, as the driver logged it.
   *
   * @throws AssertionError if the driver never connected
   */
  String applicationId() {
    Matcher match = APP_ID.matcher(stderr);
    if (!match.find()) {
      throw new AssertionError("the driver did not log its application id\n" + describe());
    }
    return match.group(1);
  }

  /**
   * The one line on which the job names the problem it stopped on ({@code softmax-job: error:
   * ...}), among Spark's log lines on stderr.
   *
   * @throws AssertionError if there is none
   */
  String errorLine() {
    return stderr.lines().filter(line -> line.startsWith("softmax-job: error:")).findFirst()
        .orElseThrow(() -> new AssertionError("no error line on stderr\n" + describe()));
  }

  /** The exit code and the end of both outputs, for assertion messages. */
  String describe() {
    return name + " exited with " + exitCode + " after " + Math.round(seconds) + " s.\n--- stdout"
        + " (end):\n" + tail(stdout) + "\n--- stderr (end):\n" + tail(stderr);
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}
