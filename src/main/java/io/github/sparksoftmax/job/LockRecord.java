package io.github.sparksoftmax.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * What an output lock file says about the run that holds it: the run's id, its Spark
 * application, the driver's host and process, when the run started and when it last showed it
 * was alive (its heartbeat). Stored as a properties file, which a user can read.
 *
 * <p>A holder is dead when its driver ran on this machine and its process is gone (decided at
 * once), or when its heartbeat is older than the staleness limit by this machine's clock. The
 * machine is the host name together with the Linux pid namespace, so that two containers that
 * share a host name are not taken for one; a host named {@code localhost}, or one whose name is
 * unknown, tells no machines apart and is judged by its heartbeat alone.
 */
final class LockRecord {
  private static final String THIS_HOST = localHost();
  private static final String THIS_PID_NAMESPACE = pidNamespace();
  /** A process whose start differs by more than this from the recorded one reuses the pid. */
  private static final Duration SAME_START = Duration.ofSeconds(1);

  /** The run's id, or null for a lock file that could not be read. */
  final String run;
  final String application;
  final String host;
  final long pid;
  private final Instant processStart;
  private final String pidNamespace;
  final Instant started;
  final Instant heartbeat;

  private LockRecord(String run, String application, String host, long pid,
      Instant processStart, String pidNamespace, Instant started, Instant heartbeat) {
    this.run = run;
    this.application = application;
    this.host = host;
    this.pid = pid;
    this.processStart = processStart;
    this.pidNamespace = pidNamespace;
    this.started = started;
    this.heartbeat = heartbeat;
  }

  /** A record of a new run of this process, in Spark application {@code application}. */
  static LockRecord ofThisProcess(String application, Instant now) {
    ProcessHandle self = ProcessHandle.current();
    return new LockRecord(UUID.randomUUID().toString(), application,
        THIS_HOST == null ? "unknown" : THIS_HOST, self.pid(),
        self.info().startInstant().orElse(null), THIS_PID_NAMESPACE, now, now);
  }

  /**
   * The record of a lock file whose content cannot be read (it is being rewritten, or was cut
   * short): it is judged by the file's modification time alone.
   */
  static LockRecord unreadable(Instant modified) {
    return new LockRecord(null, null, null, -1, null, null, modified, modified);
  }

  /** This record with a new heartbeat. */
  LockRecord beating(Instant now) {
    return new LockRecord(run, application, host, pid, processStart, pidNamespace, started, now);
  }

  /** Why the holder is dead at {@code now}, or empty while it may be alive. */
  Optional<String> whyDead(Instant now, Duration staleAfter) {
    if (run != null && THIS_HOST != null && host.equals(THIS_HOST)
        && Objects.equals(pidNamespace, THIS_PID_NAMESPACE)) {
      Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      if (process.isEmpty()) {
        return Optional.of("its driver process " + pid + " on this host is gone");
      }
      Optional<Instant> start = process.get().info().startInstant();
      if (processStart != null && start.isPresent()
          && Duration.between(processStart, start.get()).abs().compareTo(SAME_START) > 0) {
        return Optional.of("its driver process " + pid + " on this host is gone (the pid now"
            + " belongs to a process started at " + start.get() + ")");
      }
    }
    Duration silence = Duration.between(heartbeat, now);
    return silence.compareTo(staleAfter) > 0
        ? Optional.of("its last heartbeat is " + silence.toSeconds() + " s old")
        : Optional.empty();
  }

  /** The holder in words, e.g. {@code application app-1 (pid 42 on host h), started T}. */
  String describe() {
    return run == null ? "a run whose lock file cannot be read (last written " + heartbeat + ")"
        : "application " + application + " (pid " + pid + " on host " + host + "), started "
            + started;
  }

  byte[] toBytes() {
    Properties properties = new Properties();
    properties.setProperty("run", run);
    properties.setProperty("application", application);
    properties.setProperty("host", host);
    properties.setProperty("pid", Long.toString(pid));
    if (processStart != null) {
      properties.setProperty("process-start", processStart.toString());
    }
    if (pidNamespace != null) {
      properties.setProperty("pid-namespace", pidNamespace);
    }
    properties.setProperty("started", started.toString());
    properties.setProperty("heartbeat", heartbeat.toString());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      properties.store(bytes, "spark-softmax: the run that writes the output beside this file");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The record stored in {@code bytes}, or empty if they do not hold a complete one. */
  static Optional<LockRecord> parse(byte[] bytes) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
      String run = properties.getProperty("run");
      String application = properties.getProperty("application");
      String host = properties.getProperty("host");
      String heartbeat = properties.getProperty("heartbeat");
      if (run == null || application == null || host == null || heartbeat == null) {
        return Optional.empty();
      }
      String processStart = properties.getProperty("process-start");
      return Optional.of(new LockRecord(run, application, host,
          Long.parseLong(properties.getProperty("pid")),
          processStart == null ? null : Instant.parse(processStart),
          properties.getProperty("pid-namespace"),
          Instant.parse(properties.getProperty("started")), Instant.parse(heartbeat)));
    } catch (IOException | NumberFormatException | NullPointerException
        | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** This host's name, or null if it is unknown or names no machine in particular. */
  private static String localHost() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.equals("localhost") || name.startsWith("localhost.") ? null : name;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The pid namespace on Linux ({@code pid:[4026531836]}); null elsewhere. */
  private static String pidNamespace() {
    try {
      return Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }
}
