package io.github.sparksoftmax.kernel;

import java.util.Locale;

/**
 * Decides once per JVM whether dense rows use {@link VectorSoftmax}. That class imports
 * {@code jdk.incubator.vector}, so it is loaded by name, and only after the module is known to be
 * resolved: on a JVM started without {@code --add-modules jdk.incubator.vector} it is never
 * touched and the scalar kernel runs.
 *
 * <p>The SIMD kernel runs whenever the module is resolved, unless the system property
 * {@value #PROPERTY} is {@code false}. Its results do not depend on the JIT (see {@link Exp}), so a
 * row gives the same bits on every executor that runs the same kernel on the same vector width.
 */
final class DenseKernels {

  /** The system property that turns the SIMD kernel off when {@code false}. */
  static final String PROPERTY = "spark.softmax.simd";

  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** The SIMD kernel, or null when dense rows take the scalar path. */
  static final DenseSoftmax VECTOR = load();

  private DenseKernels() {}

  private static DenseSoftmax load() {
    String choice = System.getProperty(PROPERTY, "true").trim().toLowerCase(Locale.ROOT);
    if (choice.equals("false") || ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
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
}
