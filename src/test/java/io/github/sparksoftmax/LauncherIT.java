package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/softmax-job} and {@code bin/run-example} as a user runs them after {@code mvn
 * package}: from another folder, through a symlink, from a copy of the repository at a path with
 * spaces; with java on local Spark, and with spark-submit from a Spark home. That Spark home holds
 * the build's Spark jars and a stand-in {@code bin/spark-submit} that runs the command Spark's own
 * launcher library builds from the arguments, as the real script does, so the driver gets Spark's
 * Java options and memory settings and Spark's default logging.
 */
class LauncherIT {
  private static final String SCALA = System.getProperty("cluster.scalaVersion");
  private static final Path SPARK_JARS =
      Paths.get(System.getProperty("cluster.sparkHome")).resolve("jars");
  /** The example parquet file's rows: id, logits; the row with id 5 has a NaN logit. */
  private static final double[][] EXAMPLE_LOGITS = {
      {0.0, Math.log(2.0), Math.log(3.0), Math.log(4.0)}, {2.0, 1.0, 0.1, -1.0},
      {1000.0, 1001.0, 1002.0, 1003.0}, {0.0, 0.0, 3.5, 0.0},
      {Double.NEGATIVE_INFINITY, 0.0, 0.0, 0.0}, null, {0.5, -0.25, 3.0, 1.75},
      {5.0, 5.0, 5.0, 5.0}};

  @TempDir
  Path dir;
  /** Links from the temporary folder to the build, removed before the folder is. */
  private final List<Path> linksOut = new ArrayList<>();

  @AfterEach
  void removeTheLinksOut() throws IOException {
    for (Path link : linksOut) {
      Files.delete(link);
    }
  }

  @Test
  void javaRunsTheJobFromAnyFolderThroughASymlinkWithSpacesInEveryPath() throws Exception {
    Path link = Files.createDirectories(dir.resolve("links")).resolve("softmax-job");
    Files.createSymbolicLink(link, repositoryCopy(true).resolve("bin/softmax-job"));
    Path input = Files.createDirectories(dir.resolve("in data")).resolve("logits of day 1.csv");
    Files.copy(ForkedJvm.repositoryRoot().resolve("examples/data/logits.csv"), input);
    Path output = dir.resolve("out put/probabilities");
    ForkedJvm.Outcome run = launch(null, link.toString(), "--input", input.toString(),
        "--logit-prefix", "logit_", "--output", output.toString(), "--show", "6",
        "--conf", "spark.sql.shuffle.partitions=2");
    assertEquals(0, run.code, run.err);
    assertEquals(List.of(), run.errLines());
    List<String> lines = run.out.lines().collect(Collectors.toList());
    assertEquals(8, lines.size(), run.out);
    assertEquals("id | animal | logit_cat | logit_dog | logit_bird | probability", lines.get(0));
    for (String line : lines.subList(1, 7)) {
      String[] fields = line.split(" \\| ");
      double[] logits = Arrays.stream(fields, 2, 5).mapToDouble(Double::parseDouble).toArray();
      SoftmaxTransformerTest.assertClose(SoftmaxTransformerTest.expected(logits, 1.0, false),
          SoftmaxJobIT.doubles(fields[5]), false);
    }
    assertTrue(lines.get(7).matches(JobOutcome.summaryLine(6, 6)), lines.get(7));
    assertTrue(Files.exists(output.resolve("_SUCCESS")));

    ForkedJvm.Outcome version = launch(null, link.toString(), "--driver-memory", "600m", "--conf",
        "spark.driver.extraJavaOptions=-Da=1 -Db=2", "--version", "--verbose");
    assertEquals(0, version.code, version.err);
    String launched = version.errLines().get(0);
    assertTrue(launched.matches("softmax-job: running \\S*/java -XX:\\S+ .* -Da=1 -Db=2 -Xmx600m"
        + " -cp .* io\\.github\\.sparksoftmax\\.SoftmaxJob"
        + " --conf spark\\.driver\\.extraJavaOptions=-Da=1\\\\ -Db=2"
        + " --conf spark\\.driver\\.memory=600m --version --verbose"), launched);
    assertTrue(version.out.startsWith("spark-softmax_" + SCALA + " "), version.out);
  }

  @Test
  void sparkSubmitGetsTheSparkOptionsAndRunsTheJarOfItsScalaVersion() throws Exception {
    Path home = sparkHome(dir.resolve("spark home"));
    Path output = dir.resolve("probabilities");
    ForkedJvm.Outcome run = launch(Map.of("SPARK_HOME", home.toString(),
            "SPARK_PRINT_LAUNCH_COMMAND", "1"), "bin/softmax-job", "--master", "local[1]",
        "--input", "examples/data/logits.parquet", "--conf", "spark.driver.memory=700m",
        "--handle-invalid", "skip", "--output", output.toString(), "--output-format", "json",
        "--show", "7");
    assertEquals(0, run.code, run.err);
    String launched = run.err.lines().filter(line -> line.startsWith("Spark Command: "))
        .findFirst().orElseThrow(() -> new AssertionError(run.err));
    assertTrue(launched.contains(" -Xmx700m "), launched);
    assertTrue(launched.contains(" --add-modules=jdk.incubator.vector "), launched);
    assertTrue(launched.contains("org.apache.spark.deploy.SparkSubmit --master local[1] --conf"
        + " spark.driver.memory=700m"), launched);
    assertTrue(launched.contains(" --class io.github.sparksoftmax.SoftmaxJob "
        + SoftmaxJobIT.JAR.toRealPath() + " --input"), launched);
    List<String> lines = run.out.lines().collect(Collectors.toList());
    assertEquals(9, lines.size(), run.out);
    assertEquals("id | image | logits | probability", lines.get(0));
    for (String line : lines.subList(1, 8)) {
      String[] fields = line.split(" \\| ");
      double[] logits = EXAMPLE_LOGITS[Integer.parseInt(fields[0])];
      SoftmaxTransformerTest.assertClose(SoftmaxTransformerTest.expected(logits, 1.0, false),
          SoftmaxJobIT.doubles(fields[3]), false);
    }
    assertTrue(lines.get(8).matches(JobOutcome.summaryLine(8, 7)), lines.get(8));

    ForkedJvm.Outcome version = launch(Map.of("SPARK_HOME", home.toString()), "bin/softmax-job",
        "--version");
    assertEquals(0, version.code, version.err);
    assertTrue(version.out.contains("running on Spark "
        + System.getProperty("release.sparkVersion") + ", Scala " + SCALA + "."), version.out);
  }

  /**
   * The measure: under spark-submit with Spark's default logging (INFO on stderr), a run
   * that fails on an invalid row prints at most 20 lines on stderr, no stack trace, and the error
   * line last.
   */
  @Test
  void aFailingRunUnderSparkSubmitPrintsAtMostTwentyLinesEndingWithTheError() throws Exception {
    Path home = sparkHome(dir.resolve("spark"));
    ForkedJvm.Outcome run = launch(Map.of("SPARK_HOME", home.toString()), "bin/softmax-job",
        "--input", "examples/data/logits.parquet", "--output", dir.resolve("never").toString());
    assertEquals(1, run.code, run.err);
    List<String> lines = run.err.lines().collect(Collectors.toList());
    assertTrue(lines.size() <= 20, lines.size() + " lines:\n" + run.err);
    assertTrue(lines.get(lines.size() - 1).startsWith("softmax-job: error: Softmax is undefined"
        + " for a row of column 'logits': the row has a NaN entry. The first invalid row: id=5,"),
        run.err);
    assertFalse(run.err.contains("\tat "), run.err);
    assertEquals("", run.out);
    System.out.println("A failing run under spark-submit printed " + lines.size()
        + " lines on stderr.");

    ForkedJvm.Outcome verbose = launch(Map.of("SPARK_HOME", home.toString()), "bin/softmax-job",
        "--input", "examples/data/logits.parquet", "--output", dir.resolve("never").toString(),
        "--verbose");
    assertEquals(1, verbose.code, verbose.err);
    assertTrue(verbose.err.contains(" INFO SparkContext: Running Spark version"), verbose.err);
    assertTrue(verbose.err.contains("ERROR Executor: Exception in task"), verbose.err);
    assertTrue(verbose.err.contains("\tat "), verbose.err);
    assertTrue(verbose.err.startsWith("softmax-job: running "), verbose.err);
    assertTrue(verbose.err.contains("\n" + lines.get(lines.size() - 1) + "\n"), verbose.err);
  }

  @Test
  void aMissingBuildIsNamedWithTheCommandThatMakesIt() throws Exception {
    Path bare = repositoryCopy(false);
    ForkedJvm.Outcome noBuild = launch(null, bare.resolve("bin/softmax-job").toString(), "--help");
    assertEquals(2, noBuild.code, noBuild.err);
    assertTrue(noBuild.err.startsWith("softmax-job: error: the Scala 2.12 build is missing: run"
        + " 'mvn -q -DskipTests package' in " + bare + " first\n"), noBuild.err);
    assertTrue(noBuild.out.contains("Spark options (bin/softmax-job only"), noBuild.out);

    String other = SCALA.equals("2.12") ? "2.13" : "2.12";
    Path home = Files.createDirectories(dir.resolve("other spark"));
    Files.createDirectories(home.resolve("jars"));
    Files.createFile(home.resolve("jars/scala-library-" + other + ".7.jar"));
    Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\nexit 99\n");
    assertTrue(submit.toFile().setExecutable(true));
    Path root = repositoryCopy(true);
    ForkedJvm.Outcome mismatch = launch(Map.of("SPARK_HOME", home.toString()),
        root.resolve("bin/softmax-job").toString(), "--input", "x", "--output", "y");
    assertEquals(2, mismatch.code, mismatch.err);
    assertEquals(List.of("softmax-job: error: " + submit + " runs Spark on Scala " + other
        + ", and the Scala " + other + " build is missing: run 'mvn -q"
        + (other.equals("2.13") ? " -Pspark4" : "") + " -DskipTests package' in " + root
        + " first (or unset SPARK_HOME to run on local Spark)"), mismatch.errLines());
  }

  @Test
  void runExampleRunsAnExampleByItsName() throws Exception {
    ForkedJvm.Outcome run = launch(null, "bin/run-example", "JavaSoftmaxScoringExample");
    assertEquals(0, run.code, run.err);
    assertTrue(run.out.startsWith("Softmax at temperature 2.0:\n+---+"), run.out);
    assertFalse(run.err.contains("ERROR"), run.err);
    ForkedJvm.Outcome unknown = launch(null, "bin/run-example", "Nope");
    assertEquals(2, unknown.code, unknown.err);
    assertTrue(unknown.err.startsWith("run-example: error: no example is named 'Nope'; the"
        + " examples are CalibrationExample ExampleData JavaLongFormatRankingExample"
        + " JavaSoftmaxPipelineExample JavaSoftmaxScoringExample"), unknown.err);
  }

  /**
   * Runs a launcher with the java of this JVM, no Spark home or spark-submit in sight but those
   * of {@code environment}. A launcher named by a relative path is the repository's, run from its
   * root as the docs write it; one named by an absolute path is run from another folder.
   */
  private ForkedJvm.Outcome launch(Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    Path workingDir = Paths.get(command[0]).isAbsolute()
        ? Files.createDirectories(dir.resolve("working folder")) : ForkedJvm.repositoryRoot();
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    Map<String, String> env = builder.environment();
    env.remove("SPARK_HOME");
    env.remove("SPARK_CONF_DIR");
    env.put("PATH", "/usr/bin:/bin");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    if (environment != null) {
      env.putAll(environment);
    }
    return ForkedJvm.run(builder, Duration.ofMinutes(5));
  }

  /** The launchers in a new folder with spaces in its path, and the build if {@code built}. */
  private Path repositoryCopy(boolean built) throws IOException {
    Path root = Files.createDirectories(dir.resolve("my projects/spark softmax " + built));
    Path bin = Files.createDirectories(root.resolve("bin"));
    for (String script : List.of("softmax-job", "run-example", "common.sh")) {
      Files.copy(ForkedJvm.repositoryRoot().resolve("bin").resolve(script), bin.resolve(script),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    if (built) {
      linksOut.add(Files.createSymbolicLink(Files.createDirectories(root.resolve("target"))
          .resolve("scala-" + SCALA), SoftmaxJobIT.JAR.getParent()));
    }
    return root;
  }

  /**
   * A Spark home of the build's Spark jars whose {@code bin/spark-submit} runs what Spark's
   * launcher library ({@code org.apache.spark.launcher.Main}) builds: after any lines of its own,
   * an empty line, then the driver's command as NUL-terminated arguments.
   */
  private Path sparkHome(Path home) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    linksOut.add(Files.createSymbolicLink(home.resolve("jars"), SPARK_JARS));
    Files.writeString(home.resolve("RELEASE"), "Spark for LauncherIT\n");
    Path submit = home.resolve("bin/spark-submit");
    List<String> script = new ArrayList<>(List.of(
        "#!/usr/bin/env bash",
        "SPARK_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"",
        "export SPARK_HOME SPARK_SCALA_VERSION=" + SCALA,
        "command=()",
        "{",
        "  while IFS= read -r line && [ -n \"$line\" ]; do echo \"$line\"; done",
        "  while IFS= read -r -d '' arg; do command+=(\"$arg\"); done",
        "} < <(\"$JAVA_HOME/bin/java\" -cp \"$SPARK_HOME/jars/*\" org.apache.spark.launcher.Main \\",
        "  org.apache.spark.deploy.SparkSubmit \"$@\")",
        "[ ${#command[@]} -gt 0 ] || exit 1",
        "exec \"${command[@]}\""));
    Files.write(submit, script, StandardCharsets.UTF_8);
    assertTrue(submit.toFile().setExecutable(true));
    return home;
  }
}
