package io.github.sparksoftmax;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A JVM that an integration test forks as a user would start it: {@code java} of this JDK, the
 * pom's {@code spark.jvm.flags}, a classpath and a main class, run in the repository root with
 * {@code SPARK_LOCAL_IP=127.0.0.1}. {@link #run} waits for it and returns what it printed; a JVM that
 * outlives its timeout is killed with its descendants.
 */
public final class ForkedJvm {
  private final List<String> jvmOptions = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final String classpath;
  private final String mainClass;

  private ForkedJvm(String classpath, String mainClass) {
    this.classpath = classpath;
    this.mainClass = mainClass;
    environment.put("SPARK_LOCAL_IP", "127.0.0.1");
  }

  /** A JVM of 1 GB with the Spark flags that runs {@code mainClass} from {@code classpath}. */
  public static ForkedJvm of(String classpath, String mainClass) {
    ForkedJvm jvm = new ForkedJvm(classpath, mainClass);
    jvm.jvmOptions.add("-Xmx1g");
    jvm.jvmOptions.addAll(sparkFlags());
    return jvm;
  }

  /** The pom's {@code spark.jvm.flags}, which the build hands the integration tests. */
  public static List<String> sparkFlags() {
    return Arrays.asList(requiredProperty("spark.jvm.flags").trim().split("\\s+"));
  }

  /** The repository root: the working directory of every forked JVM. */
  public static Path repositoryRoot() {
    return requiredPath("project.basedir");
  }

  /**
   * A path that the build sets for the integration tests, absolute and normalized, as the job
   * writes paths in its messages (the build's folders are reached through {@code ../..}).
   */
  public static Path requiredPath(String name) {
    return Paths.get(requiredProperty(name)).toAbsolutePath().normalize();
  }

  /** Adds a JVM option, such as {@code -Dkey=value}. */
  public ForkedJvm option(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** Sets an environment variable of the JVM. */
  public ForkedJvm env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Runs the JVM with {@code arguments} and waits at most {@code timeout} for it.
   *
   * @throws AssertionError if it has not exited by then (it is killed first)
   */
  public Outcome run(Duration timeout, List<String> arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(repositoryRoot().toFile());
    builder.environment().putAll(environment);
    return run(builder, timeout);
  }

  /**
   * Runs any process and waits at most {@code timeout} for it.
   *
   * @throws AssertionError if it has not exited by then (it is killed first, with its descendants)
   */
  public static Outcome run(ProcessBuilder builder, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("forked", ".out");
    Path err = Files.createTempFile("forked", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new AssertionError("did not finish within " + timeout.toSeconds() + " s: "
            + String.join(" ", builder.command()) + "\nstderr:\n" + Files.readString(err));
      }
      return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A system property that the build sets for the integration tests. */
  public static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("System property " + name + " is not set; run the"
          + " integration tests with 'mvn verify', which sets it (and assembles the Spark home they"
          + " run on).");
    }
    return value;
  }

  /** What a forked JVM printed, and its exit code. */
  public static final class Outcome {
    public final int code;
    public final String out;
    public final String err;

    Outcome(int code, String out, String err) {
      this.code = code;
      this.out = out;
      this.err = err;
    }

    /** The lines of stderr but the JVM's notice that it uses the incubating vector module. */
    public List<String> errLines() {
      return err.lines().filter(line -> !line.startsWith("WARNING: Using incubator modules"))
          .collect(Collectors.toList());
    }

    /** Stdout and stderr, for assertion messages. */
    @Override
    public String toString() {
      return "exit code " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }
}
