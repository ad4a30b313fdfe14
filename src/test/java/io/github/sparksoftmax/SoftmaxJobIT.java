package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users start it, each case in a forked JVM with the pom's {@code spark.jvm.flags}:
 * plain {@code java} (the embedded default, with the settings of {@code conf/}) and spark-submit's
 * own entry point running the thin jar. Runs after {@code package}, in the project directory.
 */
class SoftmaxJobIT {
  private static final Path BASEDIR = Paths.get(System.getProperty("project.basedir"));
  private static final Path JAR = Paths.get(System.getProperty("job.jar"));
  private static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java")
      .toString();
  private static final String LOGGING = "-Dlog4j2.configurationFile=conf/log4j2.properties";

  /** The job's INFO lines, the JVM's notice, progress-bar fragments and blank lines. */
  private static final String QUIET_LINES =
      "\\d\\d:\\d\\d:\\d\\d INFO .*|WARNING: Using incubator.*|\\[Stage \\d+:.*\\]\\s*|\\s*";

  @TempDir
  Path dir;

  @Test
  void plainJavaRunsTheEmbeddedDefaultOnTheExampleWithConf() throws Exception {
    Path output = dir.resolve("probabilities");
    JobOutcome run = java("--conf", "conf/softmax-job.properties", "--input",
        "examples/data/logits.parquet", "--output", output.toString(), "--show", "1");
    assertEquals(0, run.code, run.err);
    assertTrue(run.err.contains("INFO JobSession: Spark settings from conf/spark-defaults.conf"),
        run.err);
    assertTrue(run.err.contains("INFO JobSession: Spark master local[*] (embedded default)"),
        run.err);
    List<String> lines = run.out.lines().collect(Collectors.toList());
    assertEquals(3, lines.size(), run.out);
    assertEquals("id | image | logits | probability | prediction", lines.get(0));
    String[] row = lines.get(1).split(" \\| ");
    assertEquals("0", row[0]);
    double[] expected = SoftmaxTransformerTest.expected(
        new double[] {0.0, Math.log(2), Math.log(3), Math.log(4)}, 2.0, false);
    SoftmaxTransformerTest.assertClose(expected, doubles(row[3]), false);
    assertTrue(lines.get(2).matches(JobOutcome.summaryLine(8, 7)), lines.get(2));
    assertTrue(Files.exists(output.resolve("_SUCCESS")));
  }

  @Test
  void anInvalidRowFailsMidWriteWithOneLineOnStderrAndNoOutput() throws Exception {
    Path output = dir.resolve("probabilities");
    JobOutcome run = java("--conf", "conf/softmax-job.properties", "--handle-invalid", "error",
        "--input", "examples/data/logits.parquet", "--output", output.toString());
    assertEquals(1, run.code, run.err);
    List<String> problems = run.err.lines()
        .filter(l -> !l.matches(QUIET_LINES))
        .collect(Collectors.toList());
    assertEquals(1, problems.size(), run.err);
    assertTrue(problems.get(0).startsWith("softmax-job: error: Softmax is undefined for a row of"
        + " column 'logits': the row has a NaN entry."), problems.get(0));
    assertEquals("", run.out);
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.collect(Collectors.toList()));
    }
  }

  @Test
  void aUsageErrorExitsWithTwoBeforeSparkStarts() throws Exception {
    JobOutcome run = java("--input", "examples/data/logits.parquet", "--output",
        dir.resolve("out").toString(), "--mode", "append");
    assertEquals(2, run.code, run.err);
    assertEquals(List.of("softmax-job: error: --mode must be one of error, overwrite, got"
        + " 'append' (see --help)"), run.err.lines()
        .filter(l -> !l.startsWith("WARNING: Using incubator")).collect(Collectors.toList()));
  }

  @Test
  void sparkSubmitRunsTheThinJarOnTheMasterItIsGiven() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals(SoftmaxJob.class.getName(),
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/")));
    }
    Path output = dir.resolve("probabilities.csv");
    List<String> command = new ArrayList<>(jvm(sparkClasspath()));
    command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[1]",
        "--class", SoftmaxJob.class.getName(), "--conf", "spark.ui.enabled=false",
        JAR.toString(), "--input", "examples/data/logits.csv", "--logit-prefix", "logit_",
        "--output", output.toString(), "--output-format", "csv"));
    JobOutcome run = start(command);
    assertEquals(0, run.code, run.err);
    assertTrue(run.err.contains(
        "INFO JobSession: Spark master local[1] (from spark-submit or spark.master)"), run.err);
    assertTrue(run.out.strip().matches(JobOutcome.summaryLine(6, 6)), run.out);
    assertTrue(Files.exists(output.resolve("_SUCCESS")));
  }

  private JobOutcome java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(jvm(System.getProperty("java.class.path")));
    command.add(SoftmaxJob.class.getName());
    command.addAll(Arrays.asList(args));
    return start(command);
  }

  private static List<String> jvm(String classpath) {
    List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx1g"));
    command.addAll(Arrays.asList(System.getProperty("spark.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of(LOGGING, "-cp", classpath));
    return command;
  }

  /** The test classpath without the project's own classes, as spark-submit has Spark's jars. */
  private static String sparkClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Paths.get(entry).toAbsolutePath().startsWith(
            BASEDIR.resolve("target").toAbsolutePath()))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private JobOutcome start(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("job", ".out");
    Path err = Files.createTempFile("job", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(BASEDIR.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("SPARK_CONF_DIR", "conf");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the job did not finish in 5 minutes: " + command);
    }
    JobOutcome run = new JobOutcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  private static double[] doubles(String array) {
    return Arrays.stream(array.replaceAll("[\\[\\]]", "").split(","))
        .mapToDouble(Double::parseDouble).toArray();
  }
}
