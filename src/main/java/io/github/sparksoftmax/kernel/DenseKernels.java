package io.github.sparksoftmax.kernel;

import java.util.Locale;

/**
 * Decides once per JVM whether dense rows use {@link VectorSoftmax}. That class imports
 * {@code jdk.incubator.vector}, so it is loaded by name, and only after the module is known to be
 * resolved: on a JVM started without {@code --add-modules jdk.incubator.vector} it is never
 * touched and the scalar kernel runs.
 *
 * <p>The system property {@value #PROPERTY} selects the kernel: unset (or {@code false}) keeps
 * the scalar kernel; {@code true} uses the SIMD kernel whenever the module is resolved;
 * {@code auto} uses it only on x86-64, where the JDK compiles the vector exponential to SIMD
 * instructions (elsewhere Java 17 evaluates it lane by lane, slower than the scalar loop).
 *
 * <p>SIMD is opt-in because its results depend on the JIT: until C2 compiles the vector code, the
 * Vector API evaluates the exponential in Java, which rounds differently from the compiled
 * intrinsic. Both are within the accuracy contract, but the same row can differ in its last bits
 * between a cold and a warm JVM, so two executors could disagree. The scalar kernel gives the same
 * bits in every JVM.
 */
final class DenseKernels {

  /** The system property that selects the kernel: {@code true}, {@code false} or {@code auto}. */
  static final String PROPERTY = "spark.softmax.simd";

  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** The SIMD kernel, or null when dense rows take the scalar path. */
  static final DenseSoftmax VECTOR = load();

  private DenseKernels() {}

  private static DenseSoftmax load() {
    String choice = System.getProperty(PROPERTY, "false").trim().toLowerCase(Locale.ROOT);
    boolean wanted = choice.equals("true") || (choice.equals("auto") && isX86());
    if (!wanted || ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return null;
    }
    try {
      return (DenseSoftmax) Class.forName(DenseKernels.class.getPackageName() + ".VectorSoftmax")
          .getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static boolean isX86() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("amd64") || arch.equals("x86_64");
  }
}
