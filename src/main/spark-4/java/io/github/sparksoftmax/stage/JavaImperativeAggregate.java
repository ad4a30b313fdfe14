package io.github.sparksoftmax.stage;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import scala.collection.immutable.IndexedSeq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Catalyst aggregate function written in Java, updated in place in Spark's aggregation buffer:
 * the one tree method whose parameter names a Scala collection that differs between Spark 3.5
 * (Scala 2.12) and Spark 4 (Scala 2.13); this is the Spark 4 build's copy. The methods that
 * return collections return immutable lists, which both lines accept.
 */
public abstract class JavaImperativeAggregate extends ImperativeAggregate implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A copy of this aggregate with {@code newChildren} in place of its children. */
  protected abstract Expression withChildList(List<Expression> newChildren);

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withChildList(CollectionConverters.asJava(newChildren));
  }
}
