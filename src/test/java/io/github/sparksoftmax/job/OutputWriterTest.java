package io.github.sparksoftmax.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.LocalSparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer publishes its output only while its run holds the output's lock: a run that another
 * run took over (say, after a long pause) writes nothing at the output path and leaves the new
 * holder's lock alone.
 */
class OutputWriterTest extends LocalSparkTest {
  @TempDir
  Path dir;

  @Test
  void aRunWhoseLockWasTakenOverDoesNotPublish() throws IOException {
    OutputPath output = OutputPath.of(spark, dir.resolve("out").toString());
    JobOptions options = JobOptions.parse(new String[] {"--input", "unused", "--output",
        output.target.toString()});
    try (OutputLock lock = OutputLock.acquire(output, "app-paused")) {
      Files.writeString(dir.resolve(".out.softmax-lock-1"),
          LockFileText.of("another-host", 42, null, Instant.now()));

      JobFailure failure = assertThrows(JobFailure.class,
          () -> new OutputWriter(output, lock, options).write(spark.range(3).toDF()));
      assertTrue(failure.getMessage().startsWith("this run lost its lock on the output"),
          failure.getMessage());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(".out.softmax-lock-0", ".out.softmax-lock-1"),
          files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
  }
}
