package io.github.sparksoftmax.cluster;

import io.github.sparksoftmax.ForkedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the build hands the integration tests, as system properties set by the failsafe plugin
 * in the pom: where the assembled Spark home, the application jar and the scratch folder are,
 * the JVM flags every forked Spark JVM needs, and how many rows to score.
 */
final class HarnessSettings {
  final Path sparkHome;
  final String scalaVersion;
  final Path appJar;
  final Path workDir;
  final List<String> jvmFlags;
  final long rows;

  private HarnessSettings(Path sparkHome, String scalaVersion, Path appJar, Path workDir,
      List<String> jvmFlags, long rows) {
    this.sparkHome = sparkHome;
    this.scalaVersion = scalaVersion;
    this.appJar = appJar;
    this.workDir = workDir;
    this.jvmFlags = jvmFlags;
    this.rows = rows;
  }

  /**
   * Reads the settings and checks that the Spark home and the jar exist.
   *
   * @throws IllegalStateException naming the missing property or file, e.g. when the tests are
   *     run without {@code mvn verify}
   */
  static HarnessSettings fromSystemProperties() {
    Path sparkHome = ForkedJvm.requiredPath("cluster.sparkHome");
    Path appJar = ForkedJvm.requiredPath("job.jar");
    requireFile(sparkHome.resolve("RELEASE"));
    requireFile(sparkHome.resolve("jars"));
    requireFile(appJar);
    return new HarnessSettings(
        sparkHome,
        ForkedJvm.requiredProperty("cluster.scalaVersion"),
        appJar,
        ForkedJvm.requiredPath("cluster.workDir"),
        ForkedJvm.sparkFlags(),
        Long.parseLong(ForkedJvm.requiredProperty("cluster.rows")));
  }

  private static void requireFile(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(path + " does not exist; run 'mvn verify'.");
    }
  }
}
