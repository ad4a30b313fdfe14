package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes and methods the one {@link StandaloneCluster}, {@link CheckingSession},
 * {@link GeneratedLogits}, {@link LogitFiles} and {@link HarnessSettings} of the test run as
 * parameters. They are
 * made on first use and kept in the root store, which closes them (killing every cluster
 * process) after the last test class; a shutdown hook kills the processes if the JVM exits
 * before that.
 */
final class ClusterExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == StandaloneCluster.class || type == CheckingSession.class
        || type == HarnessSettings.class || type == GeneratedLogits.class
        || type == LogitFiles.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    HarnessSettings settings = store.getOrComputeIfAbsent(HarnessSettings.class,
        key -> HarnessSettings.fromSystemProperties(), HarnessSettings.class);
    Class<?> type = parameter.getParameter().getType();
    if (type == HarnessSettings.class) {
      return settings;
    }
    CheckingSession checking = store.getOrComputeIfAbsent(CheckingSession.class,
        key -> CheckingSession.start(), CheckingSession.class);
    if (type == CheckingSession.class) {
      return checking;
    }
    if (type == GeneratedLogits.class) {
      return store.getOrComputeIfAbsent(GeneratedLogits.class,
          key -> GeneratedLogits.write(checking, settings), GeneratedLogits.class);
    }
    if (type == LogitFiles.class) {
      return store.getOrComputeIfAbsent(LogitFiles.class,
          key -> LogitFiles.write(checking, settings), LogitFiles.class);
    }
    return store.getOrComputeIfAbsent(StandaloneCluster.class,
        key -> startCluster(settings), StandaloneCluster.class);
  }

  private static StandaloneCluster startCluster(HarnessSettings settings) {
    try {
      return StandaloneCluster.start(settings);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the cluster", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
