package io.github.sparksoftmax.kernel;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link KernelBenchmark} and prints its scores per element: one line per parameter set,
 * columns Math.exp loop, scalar kernel, SIMD kernel, the stage's per-row call on the dense row, on
 * a sparse row and on the dense row in a columnar batch (ns/element), then the speed-ups. Each
 * score is the best measurement iteration, not JMH's mean: on a shared machine the mean mostly
 * measures the neighbours, and the fastest iteration is the one they disturbed least (JMH's own
 * report, with means and errors, is printed above the table). With {@code -prof
 * io.github.sparksoftmax.kernel.WorkerCpuProfiler} the scores are the benchmark threads' CPU time
 * instead (the lowest iteration), which a loaded machine disturbs far less. Takes the usual JMH
 * command-line options, e.g. {@code -p k=10,1000 -i 3 -prof gc}; with {@code -prof gc} the
 * allocated bytes per operation are printed too. Keep the warm-up iterations: until C2 compiles the SIMD kernel, the Vector API runs
 * interpreted, hundreds of times slower (a single 200 ms warm-up iteration is not enough).
 */
public final class KernelBenchmarkMain {

  private KernelBenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(KernelBenchmark.class.getName())
        .build();
    Collection<RunResult> results = new Runner(options).run();

    Map<String, Map<String, RunResult>> byParams = new TreeMap<>();
    for (RunResult result : results) {
      var params = result.getParams();
      String key = String.format("%6d %-5s %s", Integer.parseInt(params.getParam("k")),
          params.getParam("logSpace"), params.getParam("temperature"));
      String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      byParams.computeIfAbsent(key, x -> new TreeMap<>()).put(method, result);
    }
    System.out.println();
    boolean cpu = !results.isEmpty()
        && results.iterator().next().getSecondaryResults().containsKey("cpu.time.norm");
    System.out.println((cpu ? "CPU ns per element" : "ns per element")
        + ", best iteration (lower is better); B/op with -prof gc");
    System.out.printf("%6s %-5s %-4s | %11s %8s %8s %9s %10s %12s | %9s %11s | %s%n", "k",
        "log", "t", "Math.exp", "scalar", "SIMD", "stage row", "sparse row", "columnar row",
        "SIMD/scal", "SIMD/exp", "B/op scalar, SIMD, stage row, sparse row, columnar row");
    for (var entry : byParams.entrySet()) {
      Map<String, RunResult> row = entry.getValue();
      int k = Integer.parseInt(entry.getKey().trim().split("\\s+")[0]);
      double exp = perElement(row.get("mathExpLoop"), k);
      double scalar = perElement(row.get("scalar"), k);
      double simd = perElement(row.get("simd"), k);
      double stage = perElement(row.get("stageRow"), k);
      double sparse = perElement(row.get("stageSparseRow"), k);
      double columnar = perElement(row.get("stageColumnarRow"), k);
      System.out.printf(
          "%s | %11.3f %8.3f %8.3f %9.3f %10.3f %12.3f | %8.2fx %10.2fx | %s, %s, %s, %s, %s%n",
          entry.getKey(), exp, scalar, simd, stage, sparse, columnar, scalar / simd, exp / simd,
          allocated(row.get("scalar")), allocated(row.get("simd")), allocated(row.get("stageRow")),
          allocated(row.get("stageSparseRow")), allocated(row.get("stageColumnarRow")));
    }
  }

  private static double perElement(RunResult result, int k) {
    if (result == null) {
      return Double.NaN;
    }
    Result<?> cpu = result.getSecondaryResults().get("cpu.time.norm");
    if (cpu != null) {
      return cpu.getScore() / k;
    }
    double best = Double.POSITIVE_INFINITY;
    for (BenchmarkResult fork : result.getBenchmarkResults()) {
      for (IterationResult iteration : fork.getIterationResults()) {
        best = Math.min(best, iteration.getPrimaryResult().getScore());
      }
    }
    return best / k;
  }

  private static String allocated(RunResult result) {
    if (result == null) {
      return "-";
    }
    Result<?> bytes = result.getSecondaryResults().get("gc.alloc.rate.norm");
    return bytes == null ? "-" : String.format("%.0f", bytes.getScore());
  }
}
