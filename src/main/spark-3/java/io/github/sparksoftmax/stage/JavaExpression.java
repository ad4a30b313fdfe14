package io.github.sparksoftmax.stage;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.IndexedSeq;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * A Catalyst expression written in Java, its children as a {@link List}: the two tree methods whose
 * signatures name Scala collections, which differ between Spark 3.5 (Scala 2.12) and Spark 4
 * (Scala 2.13), and {@link Serializable}, which Spark's own expressions are as case classes;
 * this is the Spark 3.5 build's copy. Each Spark line compiles its own copy.
 */
public abstract class JavaExpression extends Expression implements Serializable {
  private static final long serialVersionUID = 1L;

  private transient Seq<Expression> children;

  /** The children, in order. */
  protected abstract List<Expression> childList();

  /** A copy of this expression with {@code newChildren} in place of its children. */
  protected abstract Expression withChildList(List<Expression> newChildren);

  @Override
  public final Seq<Expression> children() {
    if (children == null) {
      children = JavaConverters.asScalaBuffer(childList()).toList();
    }
    return children;
  }

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withChildList(JavaConverters.seqAsJavaList(newChildren));
  }
}
