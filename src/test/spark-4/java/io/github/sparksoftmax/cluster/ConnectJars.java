package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Spark Connect jars that the Spark 4 build copies from Maven beside the assembled Spark home
 * ({@code connect.jars}: {@code server/} and {@code client/}), and the folders of the client
 * program's sources ({@code connect.clientSources}, comma-separated), as the failsafe plugin hands
 * them over.
 */
final class ConnectJars {
  /**
   * The Spark modules that the JVM client depends on. The client jar bundles the rest of what it
   * needs of Spark (the SQL API, the protocol) under its own names, so the Spark home's other
   * Spark modules are left out: they would clash with it.
   */
  private static final List<String> CLIENT_SPARK_MODULES = List.of("spark-common-utils_",
      "spark-common-utils-java_", "spark-unsafe_", "spark-variant_", "spark-sketch_",
      "spark-tags_");

  private final Path serverJars;
  private final Path clientJars;
  final List<Path> clientSources;

  private ConnectJars(Path serverJars, Path clientJars, List<Path> clientSources) {
    this.serverJars = serverJars;
    this.clientJars = clientJars;
    this.clientSources = clientSources;
  }

  static ConnectJars fromSystemProperties() {
    String jars = System.getProperty("connect.jars");
    String sources = System.getProperty("connect.clientSources");
    if (jars == null || sources == null) {
      throw new IllegalStateException("System properties connect.jars and connect.clientSources"
          + " are not set; run the Connect tests with 'mvn -Pspark4 verify'.");
    }
    return new ConnectJars(Paths.get(jars, "server"), Paths.get(jars, "client"),
        Arrays.stream(sources.split(",")).map(Paths::get).collect(Collectors.toList()));
  }

  /**
   * The server's classpath: the Spark home (which has Spark SQL and MLlib), the Connect server
   * and what it needs beyond them, and the library's jar.
   */
  List<Path> serverClasspath(HarnessSettings settings) throws IOException {
    List<Path> classpath = jars(settings.sparkHome.resolve("jars"));
    classpath.addAll(jars(serverJars));
    classpath.add(settings.appJar);
    return classpath;
  }

  /**
   * The client's classpath: the client jar and its dependencies, which are the Spark home's
   * third-party jars (the client names the same artifacts at the same versions) and the few
   * Spark modules in {@link #CLIENT_SPARK_MODULES}.
   */
  List<Path> clientClasspath(HarnessSettings settings) throws IOException {
    List<Path> classpath = jars(clientJars);
    for (Path jar : jars(settings.sparkHome.resolve("jars"))) {
      String name = jar.getFileName().toString();
      if (!name.startsWith("spark-") || CLIENT_SPARK_MODULES.stream().anyMatch(name::startsWith)) {
        classpath.add(jar);
      }
    }
    return classpath;
  }

  private static List<Path> jars(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> jars = files.filter(file -> file.toString().endsWith(".jar")).sorted()
          .collect(Collectors.toCollection(ArrayList::new));
      if (jars.isEmpty()) {
        throw new IllegalStateException("No jar in " + folder + "; run 'mvn -Pspark4 verify'.");
      }
      return jars;
    }
  }
}
