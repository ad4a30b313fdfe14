package io.github.sparksoftmax.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The JVM Spark Connect client program ({@code io.github.sparksoftmax.connect.RemoteClient}, under
 * {@code src/test/connect-client/java}, with {@code RowText} of the tests) run in a JVM of its own,
 * with one session of a {@link ConnectServer}. The program is compiled here, against the client's
 * classpath only: the client jar carries Spark's SQL API under the same names as the Spark SQL
 * jars of the tests' classpath, so it can neither be compiled with the test sources nor run in the
 * test JVM.
 *
 * <p>{@link #send} writes one JSON request and reads the program's JSON reply: rows ({@code
 * {"rows": [[cell, ...], ...]}}, each double as its {@code toString}), an ML result, or {@code
 * {"error": {"class": ..., "message": ...}}} with what the client raised.
 */
final class ConnectClient implements AutoCloseable {
  private static final String MAIN_CLASS = "io.github.sparksoftmax.connect.RemoteClient";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long REPLY_TIMEOUT_SECONDS = 180;

  private final LaunchedProcesses processes = new LaunchedProcesses();
  private final Path log;
  private PrintWriter requests;
  private BufferedReader replies;

  private ConnectClient(Path log) {
    this.log = log;
  }

  /** The compiled client program, once compiled. */
  private static Path compiled;

  /**
   * Compiles the client program (once, into {@code connect/client-classes} of the work folder),
   * waits until {@code server} listens and starts the program, connected to it as a new session;
   * its log is {@code connect/NAME.log}.
   */
  static ConnectClient start(HarnessSettings settings, ConnectJars jars, ConnectServer server,
      String name) throws IOException, InterruptedException {
    List<Path> classpath = jars.clientClasspath(settings);
    classpath.add(0, compile(settings, jars, classpath));
    server.awaitListening();
    ConnectClient client = new ConnectClient(
        settings.workDir.resolve("connect").resolve(name + ".log"));
    try {
      client.launch(settings, classpath, server);
      return client;
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static synchronized Path compile(HarnessSettings settings, ConnectJars jars,
      List<Path> classpath) throws IOException {
    if (compiled != null) {
      return compiled;
    }
    Path classes = settings.workDir.resolve("connect").resolve("client-classes");
    List<String> sources = new ArrayList<>();
    for (Path folder : jars.clientSources) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.filter(file -> file.toString().endsWith(".java")).map(Path::toString)
            .forEach(sources::add);
      }
    }
    List<String> arguments = new ArrayList<>(List.of("-d",
        Files.createDirectories(classes).toString(), "--release", "17", "-Xlint:all", "-Werror",
        "-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(":"))));
    arguments.addAll(sources);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    if (compiler.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("The Connect client program did not compile:\n"
          + diagnostics.toString(StandardCharsets.UTF_8));
    }
    compiled = classes;
    return classes;
  }

  private void launch(HarnessSettings settings, List<Path> classpath, ConnectServer server)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    command.addAll(settings.jvmFlags);
    command.addAll(List.of("-cp",
        classpath.stream().map(Path::toString).collect(Collectors.joining(":")),
        MAIN_CLASS, server.url()));
    Process process = processes.start(new ProcessBuilder(command).redirectError(log.toFile()));
    requests = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    replies = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    JsonNode ready = reply();
    if (!ready.path("ready").asBoolean()) {
      throw new IllegalStateException("The Connect client did not start: " + ready);
    }
  }

  /** Sends {@code request} and returns the reply. */
  JsonNode send(ObjectNode request) {
    requests.println(request.toString());
    return reply();
  }

  /** A new request {@code {"op": op}}. */
  static ObjectNode request(String op) {
    return JSON.createObjectNode().put("op", op);
  }

  private JsonNode reply() {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return replies.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      String text = line.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (text == null) {
        throw new IllegalStateException("The Connect client exited; its log ends:\n"
            + ConnectServer.tail(log));
      }
      return JSON.readTree(text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException | IOException e) {
      throw new IllegalStateException("No reply from the Connect client; its log ends:\n"
          + ConnectServer.tail(log), e);
    }
  }

  @Override
  public void close() {
    if (requests != null) {
      requests.close();
    }
    processes.close();
  }
}
