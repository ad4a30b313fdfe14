package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scores {@code cluster.rows} generated rows of 10 logits (2 million by default; 20 million with
 * {@code -Dcluster.rows=20000000}) on two executors of one core and 1 GB, with Spark's default
 * splits, and reports the throughput.
 */
@ExtendWith(ClusterExtension.class)
class ScaleIT {

  @Test
  void scoresEveryGeneratedRowWithinOneGigabyteExecutors(StandaloneCluster cluster,
      GeneratedLogits input, CheckingSession checking, HarnessSettings settings)
      throws Exception {
    Path output = OutputDirs.fresh(settings, "scale");
    JobResult result = cluster.submit("scale", List.of(),
        List.of("--input", input.dir.toString(), "--output", output.toString()))
        .await(Jobs.timeout(input.rows));

    assertEquals(0, result.exitCode, result.describe());
    assertFalse(result.stderr.contains("Lost executor"), "an executor died\n" + result.describe());
    List<Path> executorLogs = cluster.executorLogs(result.applicationId());
    assertFalse(executorLogs.isEmpty(), "no executor logs\n" + result.describe());
    for (Path log : executorLogs) {
      assertFalse(Files.readString(log).contains("OutOfMemoryError"), log.toString());
    }
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    assertEquals(input.expected,
        Checksum.of(checking.spark.read().parquet(output.toString()), "probability"));
    System.out.printf("Scale: %,d rows scored in %.1f s of spark-submit (%,.0f rows/s)."
        + " Job summary: %s%n", input.rows, result.seconds, input.rows / result.seconds,
        result.stdout.strip());
  }
}
