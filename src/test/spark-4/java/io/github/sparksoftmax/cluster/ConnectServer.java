package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.io.FileUtils;

/**
 * A Spark Connect server started as users start one from Maven artifacts: {@value #MAIN_CLASS}
 * in a JVM of its own, over a local Spark with two cores, its gRPC port on 127.0.0.1, this
 * library's jar on its classpath and nothing configured for it. {@link #close} kills it by process
 * id. Each client is a session of its own.
 */
final class ConnectServer implements AutoCloseable {
  static final String MAIN_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private final LaunchedProcesses processes = new LaunchedProcesses();
  private final int port;
  private final Path folder;
  private Process process;

  private ConnectServer(int port, Path folder) {
    this.port = port;
    this.folder = folder;
  }

  /**
   * Launches a server whose log, temporary files and model cache are under {@code
   * connect/server} in the work folder, without waiting for it: see {@link #awaitListening}.
   */
  static ConnectServer launch(HarnessSettings settings, ConnectJars jars) throws IOException {
    Path folder = settings.workDir.resolve("connect").resolve("server");
    FileUtils.deleteDirectory(folder.toFile());
    Files.createDirectories(folder.resolve("tmp"));
    ConnectServer server = new ConnectServer(StandaloneCluster.freePort(), folder);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Djava.io.tmpdir=" + folder.resolve("tmp")));
    command.addAll(settings.jvmFlags);
    command.addAll(List.of(
        "-Dspark.master=local[2]",
        "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=" + StandaloneCluster.LOOPBACK,
        "-Dspark.driver.bindAddress=" + StandaloneCluster.LOOPBACK,
        "-Dspark.sql.shuffle.partitions=2",
        "-Dspark.connect.grpc.binding.address=" + StandaloneCluster.LOOPBACK,
        "-Dspark.connect.grpc.binding.port=" + server.port,
        "-cp", jars.serverClasspath(settings).stream().map(Path::toString)
            .collect(Collectors.joining(":")),
        MAIN_CLASS));
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
        .redirectErrorStream(true).redirectOutput(server.log().toFile());
    builder.environment().put("SPARK_LOCAL_IP", StandaloneCluster.LOOPBACK);
    server.process = server.processes.start(builder);
    return server;
  }

  /**
   * Returns once the server accepts connections.
   *
   * @throws IllegalStateException if it exits or does not listen within two minutes of its
   *     launch (the message holds the end of its log)
   */
  void awaitListening() throws InterruptedException {
    Poll.until("the Connect server listens on port " + port, STARTUP_TIMEOUT, () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("The Connect server exited with " + process.exitValue()
            + "; its log ends:\n" + tail(log()));
      }
      return listening();
    });
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(StandaloneCluster.LOOPBACK, port), 1000);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** {@code sc://127.0.0.1:PORT}. */
  String url() {
    return "sc://" + StandaloneCluster.LOOPBACK + ":" + port;
  }

  /** The folder of the server's temporary files, where its model cache offloads models. */
  Path tmpDir() {
    return folder.resolve("tmp");
  }

  /** The server's output, standard and error. */
  Path log() {
    return folder.resolve("server.log");
  }

  /** The last 40 lines of a log, for failure messages. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    processes.close();
  }
}
