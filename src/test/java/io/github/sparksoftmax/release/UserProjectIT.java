package io.github.sparksoftmax.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.ForkedJvm;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A user's own Maven project, {@code examples/pom.xml}, builds against the deployed artifact, and
 * its jar runs under spark-submit with the library's jar from that build. Maven runs it with a
 * local repository of its own, in which spark-softmax can only come from the file repository the
 * build deployed it to (this machine's local repository, which it reads before Maven Central to
 * save downloads, holds no snapshot of it: snapshots are not read from there).
 */
class UserProjectIT {
  /** A row of the example's table: id, logits (dense or sparse), probabilities, prediction. */
  private static final Pattern SCORED_ROW = Pattern.compile("\\|(\\d+)\\s*\\|"
      + "(\\[[^\\]]*\\]|\\(\\d+,\\[[^\\]]*\\],\\[[^\\]]*\\]\\))\\s*\\|"
      + "\\[([^\\]]*)\\]\\s*\\|([0-9.]+)\\s*\\|");

  @Test
  void examplesProjectCompilesAndRunsAgainstTheDeployedArtifact() throws Exception {
    Path work = ReleaseSettings.freshDir("user-project");
    Path classpathFile = work.resolve("classpath.txt");
    String[] coordinates = ReleaseSettings.coordinates().split(":");
    String scalaVersion = coordinates[1].substring(coordinates[1].lastIndexOf('_') + 1);
    int code = maven(work, List.of("-B", "-q", "-s", settings(work).toString(),
        "-f", "examples/pom.xml",
        "-Dexamples.build.directory=" + work.resolve("build"),
        "-Dscala.binary.version=" + scalaVersion,
        "-Dspark.version=" + ForkedJvm.requiredProperty("release.sparkVersion"),
        "-Dspark-softmax.version=" + coordinates[2],
        "package", "dependency:build-classpath",
        "-Dmdep.includeScope=compile", "-Dmdep.outputFile=" + classpathFile));
    assertEquals(0, code, "the examples project did not build; see " + work.resolve("maven.log"));

    List<String> classpath = Arrays.asList(Files.readString(classpathFile).split(File.pathSeparator));
    Path library = classpath.stream().map(Paths::get)
        .filter(p -> p.getFileName().toString().startsWith(coordinates[1] + "-"))
        .findFirst().orElseThrow(() -> new AssertionError("no " + coordinates[1] + " in "
            + classpath));
    assertTrue(library.startsWith(work.resolve("m2")), library.toString());
    assertArrayEquals(Files.readAllBytes(ReleaseSettings.jar()), Files.readAllBytes(library),
        "the examples project did not get the jar this build deployed");

    ForkedJvm.Outcome run = ForkedJvm.of(ReleaseSettings.sparkClasspath(),
            "org.apache.spark.deploy.SparkSubmit")
        .run(Duration.ofMinutes(3), List.of("--master", "local[1]",
            "--conf", "spark.ui.enabled=false", "--jars", library.toString(),
            "--class", "io.github.sparksoftmax.examples.JavaSoftmaxScoringExample",
            onlyJar(work.resolve("build")).toString()));
    assertEquals(0, run.code, run.toString());
    assertScoredAtTemperatureTwo(run.out);
  }

  /**
   * The example's table: the rows with ids 0, 1 and 2 (the NaN row 3 is skipped), each with the
   * exact softmax of its logits at temperature 2 and its argmax as the prediction.
   */
  private static void assertScoredAtTemperatureTwo(String out) {
    Matcher row = SCORED_ROW.matcher(out);
    List<String> ids = new ArrayList<>();
    while (row.find()) {
      ids.add(row.group(1));
      double[] logits = vector(row.group(2));
      double[] probabilities = doubles(row.group(3));
      ExactSoftmax exact = ExactSoftmax.of(logits, 2.0);
      int argmax = 0;
      for (int i = 0; i < logits.length; i++) {
        assertTrue(exact.probabilityUlps(i, probabilities[i]) <= 4, row.group());
        argmax = logits[i] > logits[argmax] ? i : argmax;
      }
      assertEquals(argmax, Double.parseDouble(row.group(4)), row.group());
    }
    assertEquals(List.of("0", "1", "2"), ids, out);
  }

  /** A vector as Spark prints it: {@code [1.0,2.0]} or {@code (3,[1],[4.0])}. */
  private static double[] vector(String printed) {
    if (printed.startsWith("[")) {
      return doubles(printed.substring(1, printed.length() - 1));
    }
    String[] parts = printed.substring(1, printed.length() - 1).split(",\\[|\\],\\[|\\]");
    double[] dense = new double[Integer.parseInt(parts[0])];
    double[] indices = doubles(parts[1]);
    double[] values = doubles(parts[2]);
    for (int i = 0; i < indices.length; i++) {
      dense[(int) indices[i]] = values[i];
    }
    return dense;
  }

  private static double[] doubles(String values) {
    return Arrays.stream(values.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static Path onlyJar(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> jars = files.filter(f -> f.toString().endsWith(".jar"))
          .collect(Collectors.toList());
      assertEquals(1, jars.size(), "jars in " + dir + ": " + jars);
      return jars.get(0);
    }
  }

  /**
   * Settings for the nested build: a local repository of its own; this machine's local repository
   * read as a remote one before Maven Central, so that what is there is copied, not downloaded;
   * and the deployed repository.
   */
  private static Path settings(Path work) throws Exception {
    String thisMachine = Paths.get(ForkedJvm.requiredProperty("release.localRepository")).toUri()
        .toString();
    String repositories = repository("repository", "this-machine", thisMachine, false)
        + repository("repository", "deployed", ReleaseSettings.repository().toUri().toString(),
            true);
    String xml = "<settings>\n"
        + "  <localRepository>" + work.resolve("m2") + "</localRepository>\n"
        + "  <profiles><profile><id>release-test</id>\n"
        + "    <repositories>" + repositories + "</repositories>\n"
        + "    <pluginRepositories>"
        + repository("pluginRepository", "this-machine", thisMachine, false)
        + "</pluginRepositories>\n"
        + "  </profile></profiles>\n"
        + "  <activeProfiles><activeProfile>release-test</activeProfile></activeProfiles>\n"
        + "</settings>\n";
    return Files.writeString(work.resolve("settings.xml"), xml);
  }

  private static String repository(String element, String id, String url, boolean snapshots) {
    return "<" + element + "><id>" + id + "</id><url>" + url + "</url><snapshots><enabled>"
        + snapshots + "</enabled></snapshots></" + element + ">";
  }

  private static int maven(Path work, List<String> arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(ForkedJvm.requiredProperty("release.mavenHome"), "bin", "mvn")
        .toString());
    command.addAll(arguments);
    Process process = new ProcessBuilder(command)
        .directory(ForkedJvm.repositoryRoot().toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("maven.log").toFile())
        .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new AssertionError("the examples build did not finish in 5 minutes");
    }
    return process.exitValue();
  }
}
