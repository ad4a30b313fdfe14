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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users start it, each case in a forked JVM with the pom's {@code spark.jvm.flags} and
 * no logging configuration of its own: plain {@code java} (the embedded default, with the
 * settings of {@code conf/}) and spark-submit's own entry point running the thin jar on Spark's
 * jars, as the build lists them for {@code bin/softmax-job}. Runs after {@code package}, in the
 * project directory. {@link LauncherIT} runs {@code bin/softmax-job} itself.
 */
class SoftmaxJobIT {
  static final Path JAR = Paths.get(ForkedJvm.requiredProperty("job.jar")).toAbsolutePath()
      .normalize();

  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  /** A data row of the example CSV output: id, animal, three logits, the probabilities. */
  private static final Pattern CSV_ROW =
      Pattern.compile("(\\d+),(\\w+),([^,]+),([^,]+),([^,]+),\"\\[(.*)\\]\"");

  @TempDir
  Path dir;

  @Test
  void plainJavaRunsTheEmbeddedDefaultOnTheExampleWithAPropertiesFile() throws Exception {
    Path output = dir.resolve("probabilities");
    ForkedJvm.Outcome run = java("--properties-file", "conf/softmax-job.properties", "--input",
        "examples/data/logits.parquet", "--output", output.toString(), "--show", "1",
        "--verbose");
    assertEquals(0, run.code, run.err);
    assertTrue(run.err.contains("INFO JobSession: Spark settings from conf/spark-defaults.conf"),
        run.err);
    assertTrue(run.err.contains("INFO JobSession: Spark master local[*] (without spark-submit)"),
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
  void anInvalidRowFailsMidWriteWithOnlyItsErrorLineOnStderrAndNoOutput() throws Exception {
    Path output = dir.resolve("probabilities");
    ForkedJvm.Outcome run = java("--properties-file", "conf/softmax-job.properties",
        "--handle-invalid",
        "error", "--input", "examples/data/logits.parquet", "--output", output.toString());
    assertEquals(1, run.code, run.err);
    assertEquals(List.of("softmax-job: error: Softmax is undefined for a row of column 'logits':"
        + " the row has a NaN entry. The first invalid row: id=5, image=img-5,"
        + " logits=[NaN,1.0,2.0,3.0]. Use --handle-invalid skip to drop such rows or"
        + " --handle-invalid keep to write NaN (null for a null row)."), run.errLines());
    assertEquals("", run.out);
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.collect(Collectors.toList()));
    }
  }

  @Test
  void aUsageErrorExitsWithTwoBeforeSparkStarts() throws Exception {
    ForkedJvm.Outcome run = java("--input", "examples/data/logits.parquet", "--output",
        dir.resolve("out").toString(), "--mode", "append");
    assertEquals(2, run.code, run.err);
    assertEquals(List.of("softmax-job: error: --mode must be one of error, overwrite, got"
        + " 'append' (see --help)"), run.errLines());
  }

  /**
   * Under spark-submit with Spark's default logging (INFO on stderr), a run prints no INFO line,
   * and its output holds the softmax of every row.
   */
  @Test
  void sparkSubmitRunsTheThinJarQuietlyOnTheMasterItIsGiven() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals(SoftmaxJob.class.getName(),
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/")));
    }
    Path output = dir.resolve("probabilities.csv");
    ForkedJvm.Outcome run = jvm(sparkJars(), "org.apache.spark.deploy.SparkSubmit").run(TIMEOUT,
        List.of("--master", "local[1]", "--class", SoftmaxJob.class.getName(), "--conf",
            "spark.ui.enabled=false", JAR.toString(), "--input", "examples/data/logits.csv",
            "--logit-prefix", "logit_", "--output", output.toString(), "--output-format", "csv"));
    assertEquals(0, run.code, run.err);
    assertEquals(List.of(), run.errLines().stream().filter(line -> line.contains(" INFO "))
        .collect(Collectors.toList()), run.err);
    assertTrue(run.out.strip().matches(JobOutcome.summaryLine(6, 6)), run.out);
    List<String> rows = new ArrayList<>();
    try (Stream<Path> parts = Files.list(output)) {
      for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".csv"))
          .collect(Collectors.toList())) {
        Files.readAllLines(part, StandardCharsets.UTF_8).stream().skip(1).forEach(rows::add);
      }
    }
    assertEquals(6, rows.size(), String.join("\n", rows));
    for (String row : rows) {
      Matcher fields = CSV_ROW.matcher(row);
      assertTrue(fields.matches(), row);
      double[] logits = {Double.parseDouble(fields.group(3)), Double.parseDouble(fields.group(4)),
          Double.parseDouble(fields.group(5))};
      SoftmaxTransformerTest.assertClose(SoftmaxTransformerTest.expected(logits, 1.0, false),
          doubles(fields.group(6)), false);
    }
  }

  private static ForkedJvm.Outcome java(String... args) throws IOException, InterruptedException {
    return jvm(JAR + File.pathSeparator + sparkJars(), SoftmaxJob.class.getName())
        .run(TIMEOUT, Arrays.asList(args));
  }

  /** A JVM with the settings of {@code conf/}, as the embedded default reads them. */
  private static ForkedJvm jvm(String classpath, String mainClass) {
    return ForkedJvm.of(classpath, mainClass).env("SPARK_CONF_DIR", "conf");
  }

  /** Spark's jars, as {@code mvn package} lists them for {@code bin/softmax-job}. */
  private static String sparkJars() throws IOException {
    return Files.readString(JAR.resolveSibling("launcher/spark.classpath")).strip();
  }

  static double[] doubles(String array) {
    return Arrays.stream(array.replaceAll("[\\[\\]]", "").split(","))
        .mapToDouble(Double::parseDouble).toArray();
  }
}
