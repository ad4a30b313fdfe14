package io.github.sparksoftmax.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The content of an output lock file as the documentation gives its format, written by the
 * tests (not by {@link LockRecord}) to stand for another run's lock.
 */
public final class LockFileText {
  private LockFileText() {}

  /**
   * A lock of application {@code app-test}, started 2020-05-01T10:00:00Z, whose driver has pid
   * {@code pid} on {@code host}, in this JVM's pid namespace.
   *
   * @param processStart when that process started, or null to leave it out
   * @param heartbeat its last heartbeat
   */
  public static String of(String host, long pid, Instant processStart, Instant heartbeat) {
    return "run=0f1e2d3c-run\napplication=app-test\nhost=" + host + "\npid=" + pid + "\n"
        + (processStart == null ? "" : "process-start=" + processStart + "\n")
        + pidNamespace() + "started=2020-05-01T10:00:00Z\nheartbeat=" + heartbeat + "\n";
  }

  /** This machine's host name. */
  public static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pid namespace line on Linux, where the job records it. */
  private static String pidNamespace() {
    try {
      return "pid-namespace=" + Files.readSymbolicLink(Path.of("/proc/self/ns/pid")) + "\n";
    } catch (IOException e) {
      return "";
    }
  }
}
