package io.github.sparksoftmax.fuzz;

import java.util.Optional;
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
 *
 * <p>It also sets the seed from {@value #SEED}: unset, the CI share runs on a fixed seed, so that
 * a build passes or fails the same way on every machine, and a longer run on a random one, to
 * find what the fixed seed does not; {@code random}, or a seed that jqwik printed with a
 * failure, chooses.
 */
public final class FuzzTries implements AroundPropertyHook {
  /** The system property that multiplies the tries. */
  public static final String SCALE = "fuzz.scale";
  /** The system property that chooses the seed. */
  public static final String SEED = "fuzz.seed";
  /** The seed of the CI share. */
  static final String CI_SEED = "20261206";

  /** The multiplier, at least 1. */
  static int scale() {
    return Math.max(1, Integer.getInteger(SCALE, 1));
  }

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    context.attributes().tries().ifPresent(tries -> context.attributes().setTries(tries * scale()));
    seed().ifPresent(context.attributes()::setSeed);
    return property.execute();
  }

  /** The seed to run on, or none for a random one. */
  static Optional<String> seed() {
    String seed = System.getProperty(SEED, "").trim();
    if (seed.equals("random")) {
      return Optional.empty();
    }
    if (!seed.isEmpty()) {
      return Optional.of(seed);
    }
    return scale() == 1 ? Optional.of(CI_SEED) : Optional.empty();
  }

  /** Registered on a class, it applies to every property in it. */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }
}
