package io.github.sparksoftmax.sql;

import io.github.sparksoftmax.stage.CatalystCompat;
import io.github.sparksoftmax.stage.GroupSoftmaxExpression;
import io.github.sparksoftmax.stage.LogSumExpAggregate;
import io.github.sparksoftmax.stage.LogSumExpAggregate.Output;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.Option;
import scala.runtime.AbstractPartialFunction;

/**
 * The plan rule behind {@code softmax(score) OVER (...)} and {@code log_softmax(score) OVER
 * (...)}: a window aggregate gives every row of a frame the same value, but a row's probability
 * depends on its own score, so each such call is computed in two steps. The window computes the
 * frame's normaliser ({@link LogSumExpAggregate} with {@link Output#NORMALISER}), and a projection
 * right above it computes each row's probability from its score and that normaliser ({@link
 * GroupSoftmaxExpression}), under the call's name and id so that the rest of the plan is
 * unchanged. A call that is not over a window fails with {@code WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE}.
 *
 * <p>{@link SoftmaxFunctions} installs it with the functions: as an optimizer rule of the
 * extensions, or among a running session's extra optimizations.
 */
public final class WindowSoftmaxRule extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return plan.transformUp(new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
      @Override
      public boolean isDefinedAt(LogicalPlan node) {
        return CatalystCompat.javaList(node.expressions()).stream()
            .anyMatch(WindowSoftmaxRule::holdsCall);
      }

      @Override
      public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 node, Function1<A1, B1> otherwise) {
        if (!isDefinedAt(node)) {
          return otherwise.apply(node);
        }
        if (!(node instanceof Window)) {
          throw AnalysisErrors.windowFunctionWithoutOver(firstCall(node).prettyName());
        }
        @SuppressWarnings("unchecked")
        B1 rewritten = (B1) rewrite((Window) node);
        return rewritten;
      }
    });
  }

  /**
   * The window with each call's normaliser in place of the call, under a projection that gives
   * the window's output, each call's column computed from its score and normaliser.
   */
  private static LogicalPlan rewrite(Window window) {
    Map<Expression, Expression> normalisers = new IdentityHashMap<>();
    List<NamedExpression> projection =
        new ArrayList<>(CatalystCompat.javaList(window.child().output()));
    for (NamedExpression named : CatalystCompat.javaList(window.windowExpressions())) {
      LogSumExpAggregate call = directCall(named);
      if (call == null) {
        projection.add(named.toAttribute());
        continue;
      }
      Alias alias = (Alias) named;
      WindowExpression over = (WindowExpression) alias.child();
      AggregateExpression aggregate = (AggregateExpression) over.windowFunction();
      Alias normaliser = new Alias(new WindowExpression(new AggregateExpression(
              call.withOutput(Output.NORMALISER), aggregate.mode(), aggregate.isDistinct(),
              aggregate.filter(), NamedExpression.newExprId()), over.windowSpec()),
          alias.name() + "_normaliser", NamedExpression.newExprId(), alias.qualifier(),
          Option.empty(), alias.nonInheritableMetadataKeys());
      normalisers.put((Expression) named, normaliser);
      GroupSoftmaxExpression probability = new GroupSoftmaxExpression(call.value(),
          normaliser.toAttribute(), Literal.create(null, DataTypes.NullType),
          call.constantTemperature(), call.output() == Output.LOG_SOFTMAX, false, "", "");
      projection.add(new Alias(probability, alias.name(), alias.exprId(), alias.qualifier(),
          alias.explicitMetadata(), alias.nonInheritableMetadataKeys()));
    }
    Function1<Expression, Expression> replace = e -> normalisers.getOrDefault(e, e);
    return new Project(CatalystCompat.list(projection), window.mapExpressions(replace));
  }

  /** The call that a window expression is, as the analyzer leaves it: an alias of it; or null. */
  private static LogSumExpAggregate directCall(NamedExpression named) {
    if (named instanceof Alias alias && alias.child() instanceof WindowExpression over
        && over.windowFunction() instanceof AggregateExpression aggregate
        && isCall(aggregate.aggregateFunction())) {
      return (LogSumExpAggregate) aggregate.aggregateFunction();
    }
    return null;
  }

  private static boolean holdsCall(Expression expression) {
    return expression.exists(WindowSoftmaxRule::isCall);
  }

  private static LogSumExpAggregate firstCall(LogicalPlan node) {
    for (Expression expression : CatalystCompat.javaList(node.expressions())) {
      Option<Expression> call = expression.find(WindowSoftmaxRule::isCall);
      if (call.isDefined()) {
        return (LogSumExpAggregate) call.get();
      }
    }
    throw new IllegalStateException("no softmax call in " + node.nodeName());
  }

  private static boolean isCall(Expression expression) {
    return expression instanceof LogSumExpAggregate aggregate
        && (aggregate.output() == Output.SOFTMAX || aggregate.output() == Output.LOG_SOFTMAX);
  }
}
