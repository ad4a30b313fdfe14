package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which dense kernel a JVM selects, checked in forked JVMs started with and without
 * {@code --add-modules jdk.incubator.vector}, since a JVM cannot drop a module it has resolved.
 */
class KernelSelectionTest {

  private static final String ADD_VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  @Test
  void withoutTheModuleTheScalarKernelRunsAndGivesTheScalarResults() throws Exception {
    List<String> lines = runProbe();
    assertEquals("simd=false", lines.get(0));
    assertEqualsScalarKernel(lines);
  }

  @Test
  void thePropertyForcesTheScalarKernelEvenWithTheModule() throws Exception {
    List<String> lines = runProbe(ADD_VECTOR_MODULE, "-D" + DenseKernels.PROPERTY + "=false");
    assertEquals("simd=false", lines.get(0));
    assertEqualsScalarKernel(lines);
  }

  @Test
  void withTheModuleTheSimdKernelRunsWithinTheContract() throws Exception {
    List<String> lines = runProbe(ADD_VECTOR_MODULE);
    assertEquals("simd=true", lines.get(0));
    int k = KernelSelectionProbe.ROW.length;
    Contract.assertWithinContract(
        ExactSoftmax.of(KernelSelectionProbe.ROW, KernelSelectionProbe.TEMPERATURE),
        values(lines, 1, k), values(lines, 1 + k, k), "SIMD kernel in a forked JVM");
  }

  /**
   * The SIMD kernel gives the same bits interpreted (the Vector API's Java fallback, in a forked
   * {@code -Xint} JVM) as compiled by C2 here after a warm-up.
   */
  @Test
  void theSimdKernelGivesTheSameBitsInterpretedAndCompiled() throws Exception {
    assumeTrue(Softmax.simdEnabled(), "this JVM runs the SIMD kernel");
    List<String> lines = runProbe(ADD_VECTOR_MODULE, "-Xint");
    assertEquals("simd=true", lines.get(0));
    double[] warm = new double[KernelSelectionProbe.ROW.length];
    for (int i = 0; i < 200_000; i++) {
      Softmax.softmax(
          KernelSelectionProbe.ROW, KernelSelectionProbe.TEMPERATURE, (i & 1) == 0, warm);
    }
    assertSameBits(lines, (row, t, logSpace, out) -> Softmax.softmax(row, t, logSpace, out));
  }

  /** The scalar kernel is deterministic, so the forked JVM must reproduce it bit for bit. */
  private static void assertEqualsScalarKernel(List<String> lines) {
    assertSameBits(
        lines, (row, t, logSpace, out) -> Softmax.scalarSoftmax(row, t, logSpace, out, 0));
  }

  private interface Kernel {
    void softmax(double[] row, double t, boolean logSpace, double[] out);
  }

  private static void assertSameBits(List<String> lines, Kernel kernel) {
    int k = KernelSelectionProbe.ROW.length;
    for (boolean logSpace : new boolean[] {false, true}) {
      double[] expected = new double[k];
      kernel.softmax(
          KernelSelectionProbe.ROW, KernelSelectionProbe.TEMPERATURE, logSpace, expected);
      double[] actual = values(lines, logSpace ? 1 + k : 1, k);
      for (int i = 0; i < k; i++) {
        assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
            "log " + logSpace + ", entry " + i);
      }
    }
  }

  private static double[] values(List<String> lines, int from, int count) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = Double.longBitsToDouble(Long.parseLong(lines.get(from + i)));
    }
    return values;
  }

  private static List<String> runProbe(String... jvmOptions)
      throws IOException, InterruptedException, URISyntaxException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(
        codeSource(Softmax.class) + File.pathSeparator + codeSource(KernelSelectionProbe.class));
    command.add(KernelSelectionProbe.class.getName());
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the forked JVM did not finish");
    }
    assertEquals(0, process.exitValue(), output);
    return output.lines().toList();
  }

  private static String codeSource(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
