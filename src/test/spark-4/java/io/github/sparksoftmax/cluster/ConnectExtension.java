package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives the Connect test classes the one {@link ConnectServer} of the test run (and the {@link
 * ConnectJars} it was started from) as parameters. The server is started on first use without
 * waiting for it, so that a class can write its inputs while it boots, and kept in the root store,
 * which closes it (killing its process) after the last test class.
 */
final class ConnectExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ConnectExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ConnectServer.class || type == ConnectJars.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    ConnectJars jars = store.getOrComputeIfAbsent(ConnectJars.class,
        key -> ConnectJars.fromSystemProperties(), ConnectJars.class);
    if (parameter.getParameter().getType() == ConnectJars.class) {
      return jars;
    }
    return store.getOrComputeIfAbsent(ConnectServer.class, key -> {
      try {
        return ConnectServer.launch(HarnessSettings.fromSystemProperties(), jars);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, ConnectServer.class);
  }
}
