package io.github.sparksoftmax.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof io.github.sparksoftmax.kernel.WorkerCpuProfiler}) that reports the
 * CPU time of the benchmark's worker threads per operation, {@code cpu.time.norm}, the lowest over
 * the iterations. On a shared, loaded machine wall-clock time also counts the time a worker
 * waited for a core, and varies several-fold from run to run; CPU time does not count it.
 */
public final class WorkerCpuProfiler implements InternalProfiler {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long start;

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    start = workerCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmark,
      IterationParams iteration, IterationResult result) {
    double perOp = (workerCpuNanos() - start) / (double) result.getMetadata().getAllOps();
    return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.MIN));
  }

  private static long workerCpuNanos() {
    long total = 0;
    for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (thread != null && thread.getThreadName().contains("jmh-worker")) {
        total += Math.max(0, THREADS.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return total;
  }
}
