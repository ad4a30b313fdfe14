package io.github.sparksoftmax.release;

import io.github.sparksoftmax.ForkedJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;

/**
 * What the build hands the release tests: the coordinates of the artifact it built, the file
 * repository it deployed the artifact to before the integration tests, and a scratch folder.
 */
final class ReleaseSettings {
  private ReleaseSettings() {}

  /** {@code groupId:artifactId:version} of the artifact this build deployed. */
  static String coordinates() {
    return ForkedJvm.requiredProperty("release.coordinates");
  }

  /** The file repository the build deployed the artifact to. */
  static Path repository() {
    return path("release.repository");
  }

  /** The thin jar the build made. */
  static Path jar() {
    return path("job.jar");
  }

  /** The jars of the Spark this build compiles against, as a classpath. */
  static String sparkClasspath() {
    return path("cluster.sparkHome").resolve("jars") + "/*";
  }

  /** An empty scratch folder of this name, made anew for each run of the tests. */
  static Path freshDir(String name) throws IOException {
    Path dir = path("release.workDir").resolve(name);
    FileUtils.deleteDirectory(dir.toFile());
    return Files.createDirectories(dir);
  }

  static Path path(String property) {
    return ForkedJvm.requiredPath(property);
  }
}
