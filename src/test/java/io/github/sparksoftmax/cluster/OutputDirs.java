package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.io.FileUtils;

/**
 * Each job of the tests writes to {@code output/NAME/scored} in a folder of its own, so that
 * whatever a job leaves beside its output path (a staging folder, a temporary file) shows too.
 */
final class OutputDirs {
  private OutputDirs() {}

  /** A new, empty {@code output/NAME} folder, and in it the output path {@code scored}. */
  static Path fresh(HarnessSettings settings, String name) throws IOException {
    Path parent = settings.workDir.resolve("output").resolve(name);
    FileUtils.deleteDirectory(parent.toFile());
    return Files.createDirectories(parent).resolve("scored");
  }

  /**
   * Asserts that {@code folder} holds exactly the entries named {@code expected} (sorted), e.g.
   * that a failed job left the folder of its output path as it found it.
   */
  static void assertHolds(Path folder, List<String> expected, JobResult result)
      throws IOException {
    assertEquals(expected, Folders.names(folder), "what the job left in " + folder + "\n"
        + result.describe());
  }
}
