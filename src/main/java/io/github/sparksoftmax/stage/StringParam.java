package io.github.sparksoftmax.stage;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import scala.Function1;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Makes the {@code Param<String>} params of the stages on every Spark release. Every release has the
 * constructor {@code Param(parent, name, doc, isValid)} but Spark 4.0.0, whose {@code Param} briefly
 * took a {@code ClassTag} as well (SPARK-52259, undone in 4.0.1): there, and only there, the param is
 * made through that constructor, found by reflection once.
 */
public final class StringParam {
  /** Spark 4.0.0's {@code Param(parent, name, doc, isValid, classTag)}; null on other releases. */
  private static final Constructor<?> WITH_CLASS_TAG = classTagConstructor();

  private StringParam() {}

  /**
   * {@code new Param<String>(owner, name, doc, isValid)}.
   *
   * @throws IllegalStateException if Spark 4.0.0's constructor fails, which it does not for valid
   *     arguments
   */
  @SuppressWarnings("unchecked")
  public static Param<String> of(Identifiable owner, String name, String doc,
      Function1<String, Object> isValid) {
    if (WITH_CLASS_TAG == null) {
      return new Param<>(owner, name, doc, isValid);
    }
    try {
      return (Param<String>) WITH_CLASS_TAG.newInstance(owner, name, doc, isValid,
          ClassTag$.MODULE$.apply(String.class));
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot make param " + name + " on this Spark release", e);
    }
  }

  private static Constructor<?> classTagConstructor() {
    try {
      Param.class.getConstructor(Identifiable.class, String.class, String.class, Function1.class);
      return null;
    } catch (NoSuchMethodException spark400) {
      try {
        return Param.class.getConstructor(Identifiable.class, String.class, String.class,
            Function1.class, ClassTag.class);
      } catch (NoSuchMethodException neither) {
        // Neither constructor: the plain call then fails with the JVM's own NoSuchMethodError.
        return null;
      }
    }
  }
}
