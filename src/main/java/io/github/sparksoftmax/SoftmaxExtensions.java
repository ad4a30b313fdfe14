package io.github.sparksoftmax;

import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import scala.runtime.BoxedUnit;

/**
 * Makes the SQL functions {@code softmax} and {@code log_softmax} (see {@link SoftmaxFunctions})
 * built-in functions of every session whose classpath holds this library, with nothing to
 * configure: the jar lists this class in {@code
 * META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider}, which Spark reads as it
 * builds each session (driver programs, {@code spark-submit}, the {@code spark-sql} and {@code
 * pyspark} shells, a Spark Connect server).
 *
 * <p>Naming it in {@code spark.sql.extensions=io.github.sparksoftmax.SoftmaxExtensions} as well
 * is harmless: Spark then applies it twice to the same extensions, and the second time adds
 * nothing. A function that a user registers under either name in a session (for instance with
 * {@code spark.udf().register("softmax", ...)}) replaces the library's in that session only on
 * Spark 3.5. Spark 4 looks built-in functions up first: there the user's function is {@code
 * session.softmax}, and plain {@code softmax} once the session sets {@code
 * spark.sql.functionResolution.sessionOrder=first}.
 */
public final class SoftmaxExtensions implements SparkSessionExtensionsProvider {

  /**
   * The extensions already given the functions. Weak, so that the extensions of a stopped session
   * can be collected; identity, since Spark keeps one extensions object per root session.
   */
  private static final Set<SparkSessionExtensions> INJECTED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** Spark instantiates the class by this constructor. */
  public SoftmaxExtensions() {}

  /** Injects both functions into {@code extensions}, unless this class already did. */
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    if (INJECTED.add(extensions)) {
      SoftmaxFunctions.inject(extensions);
    }
    return BoxedUnit.UNIT;
  }
}
