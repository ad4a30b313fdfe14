package io.github.sparksoftmax.stage;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.JavaConverters;

/**
 * The few Catalyst calls whose signatures differ between Spark 3.5 and Spark 4; this is the Spark
 * 3.5 (Scala 2.12) build's copy. Each Spark line compiles its own copy of this class.
 */
public final class CatalystCompat {

  private CatalystCompat() {}

  /** A Column over a Catalyst expression. */
  public static Column column(Expression expression) {
    return new Column(expression);
  }

  /** The Catalyst expression of a Column. */
  public static Expression expression(Column column) {
    return column.expr();
  }

  /**
   * A call of the public static method {@code function} of {@code owner} on the internal values
   * of {@code arguments}, compiled into the generated code of the stage.
   *
   * @param propagateNull if true, a null argument gives null without calling the method
   */
  public static Expression staticCall(Class<?> owner, DataType resultType, String function,
      List<Expression> arguments, boolean propagateNull) {
    return new StaticInvoke(owner, resultType, function,
        JavaConverters.asScalaBuffer(arguments).toSeq(),
        JavaConverters.asScalaBuffer(List.<AbstractDataType>of()).toSeq(),
        propagateNull, true, true);
  }

  /** An immutable Scala list of {@code elements}: a {@code Seq} in the sense of both Scala lines. */
  public static <T> scala.collection.immutable.List<T> list(List<T> elements) {
    return JavaConverters.asScalaBuffer(elements).toList();
  }

  /** The elements of a Scala sequence, as a Java list. */
  public static <T> List<T> javaList(scala.collection.Seq<T> elements) {
    return JavaConverters.seqAsJavaList(elements);
  }
}
