package io.github.sparksoftmax;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import io.github.sparksoftmax.job.JobLogging;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test (or every test of a class) that makes a Spark task fail on purpose, such as an
 * invalid row under {@code handleInvalid=error}. While it runs, the loggers that report each failed
 * task and aborted write with a stack trace are off, so that the build log shows an ERROR only where
 * something really went wrong. The test itself still sees the exception, and asserts on it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ExpectsTaskFailures.Quiet.class)
public @interface ExpectsTaskFailures {

  /**
   * More loggers to turn off, whose ERROR lines the test provokes on purpose (such as the job's
   * own report of a lost output lock).
   */
  String[] alsoQuiet() default {};

  /** Turns the task-failure loggers off before the test and back to their levels after it. */
  final class Quiet implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(ExpectsTaskFailures.class);

    @Override
    public void beforeEach(ExtensionContext context) {
      Map<String, Level> levels = new HashMap<>();
      List<String> names = new ArrayList<>(JobLogging.TASK_FAILURE_LOGGERS);
      context.getTestMethod().map(m -> m.getAnnotation(ExpectsTaskFailures.class))
          .or(() -> context.getTestClass().map(c -> c.getAnnotation(ExpectsTaskFailures.class)))
          .ifPresent(expected -> names.addAll(Arrays.asList(expected.alsoQuiet())));
      for (String name : names) {
        levels.put(name, LogManager.getLogger(name).getLevel());
        Configurator.setLevel(name, Level.OFF);
      }
      context.getStore(NAMESPACE).put(context.getUniqueId(), levels);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) {
      Map<String, Level> levels =
          context.getStore(NAMESPACE).remove(context.getUniqueId(), Map.class);
      if (levels != null) {
        levels.forEach(Configurator::setLevel);
      }
    }
  }
}
