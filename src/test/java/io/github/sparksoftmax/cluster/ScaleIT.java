package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scores {@code cluster.rows} generated rows of 10 logits (2 million by default; 20 million with
 * {@code -Dcluster.rows=20000000}) on two executors of one core and 1 GB, with Spark's default
 * splits, and reports the throughput and the executors' peak heap use.
 */
@ExtendWith(ClusterExtension.class)
class ScaleIT {

  @Test
  void scoresEveryGeneratedRowWithinOneGigabyteExecutors(StandaloneCluster cluster,
      GeneratedLogits input, CheckingSession checking, HarnessSettings settings)
      throws Exception {
    Path output = OutputDirs.fresh(settings, "scale");
    Submission job = cluster.submit("scale", List.of(),
        List.of("--input", input.dir.toString(), "--output", output.toString()));
    AtomicLong peakHeap = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(() -> peakHeap.accumulateAndGet(executorPeakHeap(job),
        Math::max), 1, 1, TimeUnit.SECONDS);
    JobResult result;
    try {
      result = job.await(Jobs.timeout(input.rows));
    } finally {
      sampler.shutdownNow();
    }

    assertEquals(0, result.exitCode, result.describe());
    JobSummary summary = JobSummary.of(result);
    assertEquals(input.rows, summary.rowsRead, summary.line);
    assertEquals(input.rows, summary.rowsWritten, summary.line);
    assertFalse(result.stderr.contains("Lost executor"), "an executor died\n" + result.describe());
    List<Path> executorLogs = cluster.executorLogs(result.applicationId());
    assertFalse(executorLogs.isEmpty(), "no executor logs\n" + result.describe());
    for (Path log : executorLogs) {
      assertFalse(Files.readString(log).contains("OutOfMemoryError"), log.toString());
    }
    OutputDirs.assertHolds(output.getParent(), List.of("scored"), result);
    ScoredOutput.assertScored(checking, output, input.expected, new SoftmaxTransformer(), result);
    String heap = peakHeap.get() == 0 ? "not reported before the end"
        : (peakHeap.get() >> 20) + " MiB of 1024";
    System.out.printf("Scale: %,d rows in %.1f s of spark-submit (%,.0f rows/s); the job"
        + " reports %.1f s (%,.0f rows/s); peak executor heap %s.%n", input.rows, result.seconds,
        input.rows / result.seconds, summary.seconds, summary.rowsPerSecond, heap);
  }

  /**
   * The largest heap use that the driver has seen reported by a live executor (in executor
   * heartbeats, as {@code peakMemoryMetrics.JVMHeapMemory}); 0 if none yet.
   */
  private static long executorPeakHeap(Submission job) {
    long peak = 0;
    for (JsonNode executor : job.driverApi("executors").orElse(MissingNode.getInstance())) {
      if (!"driver".equals(executor.path("id").asText())) {
        peak = Math.max(peak, executor.path("peakMemoryMetrics").path("JVMHeapMemory").asLong());
      }
    }
    return peak;
  }
}
