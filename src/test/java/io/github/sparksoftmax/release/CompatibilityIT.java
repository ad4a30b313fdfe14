package io.github.sparksoftmax.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.ForkedJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The thin jar on every Spark runtime of its Scala line that Maven serves ({@code
 * compat.spark.versions} in the pom): Maven resolves each runtime's {@code spark-mllib} with its
 * dependencies, and {@link CompatibilitySmoke} runs on it in a JVM of its own, two JVMs at a time.
 * Every check must pass on every runtime, except the known faults of Spark itself, which must
 * fail exactly where they are known.
 */
class CompatibilityIT {
  private static final int PARALLEL_JVMS = 2;
  /** The checks that fail on a runtime because of a fault of that Spark release. */
  private static final Map<String, List<String>> KNOWN_SPARK_FAULTS = Map.of(
      "3.4.0", List.of(CompatibilitySmoke.SPARK_READS_VECTORS),
      "3.4.1", List.of(CompatibilitySmoke.SPARK_READS_VECTORS));

  @Test
  void theThinJarPassesTheSmokeTestOnEveryServedRuntime() throws Exception {
    List<String> versions = Arrays.asList(
        ForkedJvm.requiredProperty("release.compatVersions").split("\\s*,\\s*"));
    Path work = ReleaseSettings.freshDir("compatibility");
    String scalaVersion = ForkedJvm.requiredProperty("cluster.scalaVersion");
    Map<String, List<String>> runtimes = resolve(work, scalaVersion, versions);

    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_JVMS);
    Map<String, Future<ForkedJvm.Outcome>> runs = new LinkedHashMap<>();
    for (String version : versions) {
      List<String> classpath = new ArrayList<>(runtimes.get(version));
      classpath.add(ReleaseSettings.jar().toString());
      classpath.add(ReleaseSettings.path("release.testClasses").toString());
      classpath.add(testDependency("big-math"));
      Path scratch = Files.createDirectories(work.resolve("spark-" + version + "-scratch"));
      runs.put(version, pool.submit(() -> ForkedJvm.of(String.join(File.pathSeparator, classpath),
          CompatibilitySmoke.class.getName()).run(Duration.ofMinutes(5),
          List.of(scratch.toString()))));
    }
    pool.shutdown();
    Map<String, List<String>> failed = new LinkedHashMap<>();
    Map<String, List<String>> expected = new LinkedHashMap<>();
    StringBuilder report = new StringBuilder("Spark runtime | smoke\n");
    for (Map.Entry<String, Future<ForkedJvm.Outcome>> run : runs.entrySet()) {
      ForkedJvm.Outcome outcome = run.getValue().get();
      List<String> lines = outcome.out.lines().collect(Collectors.toList());
      String summary = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      failed.put(run.getKey(), summary.startsWith("smoke: ")
          ? lines.stream().filter(l -> l.startsWith("FAIL ")).collect(Collectors.toList())
          : List.of("no summary: " + outcome));
      expected.put(run.getKey(), KNOWN_SPARK_FAULTS.getOrDefault(run.getKey(), List.of()));
      report.append(run.getKey()).append(" | ").append(summary).append('\n');
    }
    pool.awaitTermination(1, TimeUnit.MINUTES);
    System.out.print(report);
    Map<String, List<String>> failedChecks = new LinkedHashMap<>();
    failed.forEach((version, lines) -> failedChecks.put(version, lines.stream()
        .map(l -> l.startsWith("FAIL ") ? l.substring(5, l.indexOf(": ")) : l)
        .collect(Collectors.toList())));
    assertEquals(expected, failedChecks, "failed checks by runtime; the failures:\n" + failed);
  }

  /**
   * The classpath of each runtime, resolved by one Maven run over a generated project with a
   * module per version, each of which writes its dependencies' classpath to a file.
   */
  private static Map<String, List<String>> resolve(Path work, String scalaVersion,
      List<String> versions) throws Exception {
    StringBuilder modules = new StringBuilder();
    for (String version : versions) {
      Path module = Files.createDirectories(work.resolve("spark-" + version));
      Files.writeString(module.resolve("pom.xml"), "<project>\n"
          + "  <modelVersion>4.0.0</modelVersion>\n"
          + "  <groupId>compatibility</groupId><artifactId>spark-" + version + "</artifactId>"
          + "<version>1</version><packaging>pom</packaging>\n"
          // Spark's parent pom pins every dependency, Scala's library among them, to the
          // versions of that Spark release, as its distribution ships them.
          + "  <dependencyManagement><dependencies><dependency><groupId>org.apache.spark</groupId>"
          + "<artifactId>spark-parent_" + scalaVersion + "</artifactId><version>" + version
          + "</version><type>pom</type><scope>import</scope></dependency></dependencies>"
          + "</dependencyManagement>\n"
          + "  <dependencies><dependency><groupId>org.apache.spark</groupId>"
          + "<artifactId>spark-mllib_" + scalaVersion + "</artifactId><version>" + version
          + "</version></dependency></dependencies>\n"
          + "  <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
          + "<artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version>"
          + "<executions><execution><phase>validate</phase><goals><goal>build-classpath</goal>"
          + "</goals><configuration><outputFile>${project.basedir}/classpath.txt</outputFile>"
          + "</configuration></execution></executions></plugin></plugins></build>\n"
          + "</project>\n");
      modules.append("<module>spark-").append(version).append("</module>");
    }
    Files.writeString(work.resolve("pom.xml"), "<project>\n"
        + "  <modelVersion>4.0.0</modelVersion>\n"
        + "  <groupId>compatibility</groupId><artifactId>runtimes</artifactId><version>1</version>"
        + "<packaging>pom</packaging>\n"
        + "  <modules>" + modules + "</modules>\n"
        + "</project>\n");
    Process maven = new ProcessBuilder(
        Paths.get(ForkedJvm.requiredProperty("release.mavenHome"), "bin", "mvn").toString(),
        "-B", "-q", "-f", work.resolve("pom.xml").toString(),
        "-Dmaven.repo.local=" + ForkedJvm.requiredProperty("release.localRepository"), "validate")
        .redirectErrorStream(true).redirectOutput(work.resolve("maven.log").toFile()).start();
    if (!maven.waitFor(15, TimeUnit.MINUTES) || maven.exitValue() != 0) {
      maven.destroyForcibly();
      throw new AssertionError("Maven could not resolve the runtimes; see "
          + work.resolve("maven.log"));
    }
    Map<String, List<String>> classpaths = new LinkedHashMap<>();
    for (String version : versions) {
      classpaths.put(version, Arrays.asList(Files.readString(
          work.resolve("spark-" + version + "/classpath.txt")).strip().split(File.pathSeparator)));
    }
    return classpaths;
  }

  /** The jar of a test dependency, from this JVM's classpath. */
  private static String testDependency(String name) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> Paths.get(entry).getFileName().toString().startsWith(name + "-"))
        .collect(Collectors.toList()).get(0);
  }
}
