package io.github.sparksoftmax.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Scales the tries of every fuzz property by the system property {@value #SCALE} (default 1),
 * which the build sets from the Maven property of the same name: each property's own {@code
 * tries} is its share of the CI run, sized so that the fuzz suites of one build take about a
 * minute, and {@code -Dfuzz.scale=20} makes a run twenty times as long.
 */
public final class FuzzTries implements AroundPropertyHook {
  /** The system property that multiplies the tries. */
  public static final String SCALE = "fuzz.scale";

  /** The multiplier, at least 1. */
  static int scale() {
    return Math.max(1, Integer.getInteger(SCALE, 1));
  }

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    context.attributes().tries().ifPresent(tries -> context.attributes().setTries(tries * scale()));
    return property.execute();
  }

  /** Registered on a class, it applies to every property in it. */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }
}
