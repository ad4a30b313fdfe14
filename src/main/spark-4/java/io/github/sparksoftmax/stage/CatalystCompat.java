package io.github.sparksoftmax.stage;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The few Catalyst calls whose signatures differ between Spark 3.5 and Spark 4; this is the Spark
 * 4 (Scala 2.13) build's copy. Each Spark line compiles its own copy of this class.
 */
public final class CatalystCompat {

  private CatalystCompat() {}

  /** A Column over a Catalyst expression. */
  public static Column column(Expression expression) {
    return ExpressionUtils.column(expression);
  }

  /** The Catalyst expression of a Column. */
  public static Expression expression(Column column) {
    return ExpressionUtils.expression(column);
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
        CollectionConverters.asScala(arguments).toList(),
        CollectionConverters.asScala(List.<AbstractDataType>of()).toList(),
        propagateNull, true, true, Option.empty());
  }

  /** An immutable Scala list of {@code elements}: a {@code Seq} in the sense of both Scala lines. */
  public static <T> scala.collection.immutable.List<T> list(List<T> elements) {
    return CollectionConverters.asScala(elements).toList();
  }

  /** The elements of a Scala sequence, as a Java list. */
  public static <T> List<T> javaList(scala.collection.Seq<T> elements) {
    return CollectionConverters.asJava(elements);
  }
}
