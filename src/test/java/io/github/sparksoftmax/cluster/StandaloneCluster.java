package io.github.sparksoftmax.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * A Spark standalone cluster on this machine: one master and two workers of one core and 1 GB
 * each, started as plain {@code java -cp 'jars/*'} processes from the assembled Spark home, with
 * every port and web UI on 127.0.0.1. Applications are submitted with {@code SparkSubmit} in
 * client mode. {@link #close} kills every process the cluster started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final int LOWEST_PORT = 20000;
  private static final int PORT_SPAN = 12000;
  private static final Random PORTS = new Random();
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  static final String LOOPBACK = "127.0.0.1";
  static final String EXECUTOR_MAIN_CLASS =
      "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final String JOB_CLASS = "io.github.sparksoftmax.SoftmaxJob";
  private static final int WORKERS = 2;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

  private final HarnessSettings settings;
  private final LaunchedProcesses processes = new LaunchedProcesses();
  private final Path logDir;
  private final List<Process> workers = new ArrayList<>();
  private final int masterPort;
  private final int masterUiPort;

  private StandaloneCluster(HarnessSettings settings) throws IOException {
    this.settings = settings;
    // Logs and worker folders of an earlier run would be mistaken for this run's.
    FileUtils.deleteDirectory(settings.workDir.resolve("logs").toFile());
    for (int i = 1; i <= WORKERS; i++) {
      FileUtils.deleteDirectory(workerDir(i).toFile());
    }
    this.logDir = Files.createDirectories(settings.workDir.resolve("logs"));
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /**
   * Starts the master and the workers and waits until the master lists every worker as alive.
   *
   * @throws IllegalStateException if a process exits or the cluster is not up within 90
   *     seconds (the message points to the logs); whatever was started is stopped first
   */
  static StandaloneCluster start(HarnessSettings settings)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(settings);
    try {
      cluster.startDaemons();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startDaemons() throws IOException, InterruptedException {
    Process master = launchDaemon("master", "org.apache.spark.deploy.master.Master",
        "--host", LOOPBACK, "--port", String.valueOf(masterPort),
        "--webui-port", String.valueOf(masterUiPort));
    List<Process> daemons = new ArrayList<>(List.of(master));
    for (int i = 1; i <= WORKERS; i++) {
      Path workDir = Files.createDirectories(workerDir(i));
      Process worker = launchDaemon("worker-" + i, "org.apache.spark.deploy.worker.Worker",
          "--host", LOOPBACK, "--port", String.valueOf(freePort()),
          "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "1g",
          "--work-dir", workDir.toString(), masterUrl());
      workers.add(worker);
      daemons.add(worker);
    }
    Poll.until("the master lists " + WORKERS + " alive workers", STARTUP_TIMEOUT, () -> {
      for (Process daemon : daemons) {
        if (!daemon.isAlive()) {
          throw new IllegalStateException("A cluster process exited with " + daemon.exitValue()
              + "; see the logs in " + logDir);
        }
      }
      return aliveWorkers() == WORKERS;
    });
  }

  /** {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return "spark://" + LOOPBACK + ":" + masterPort;
  }

  /** The master's state as its web UI serves it at {@code /json/}. */
  private Optional<JsonNode> masterState() {
    return Http.getJson("http://" + LOOPBACK + ":" + masterUiPort + "/json/");
  }

  private int aliveWorkers() {
    return masterState().map(state -> {
      int alive = 0;
      for (JsonNode worker : state.path("workers")) {
        alive += "ALIVE".equals(worker.path("state").asText()) ? 1 : 0;
      }
      return alive;
    }).orElse(0);
  }

  /**
   * The running executor JVM of the given id: a descendant of a worker whose command line has
   * the main class {@value #EXECUTOR_MAIN_CLASS} and {@code --executor-id ID}.
   */
  Optional<ProcessHandle> executorProcess(String executorId) {
    return workers.stream()
        .flatMap(Process::descendants)
        .filter(ProcessHandle::isAlive)
        .filter(process -> {
          List<String> arguments = argumentsOf(process);
          int flag = arguments.indexOf("--executor-id");
          return arguments.contains(EXECUTOR_MAIN_CLASS)
              && flag >= 0 && flag + 1 < arguments.size()
              && arguments.get(flag + 1).equals(executorId);
        })
        .findFirst();
  }

  private static List<String> argumentsOf(ProcessHandle process) {
    return process.info().arguments().map(Arrays::asList).orElse(List.of());
  }

  /** The log of each worker, where it records how each of its executors ended. */
  List<Path> workerLogs() {
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= WORKERS; i++) {
      logs.add(logDir.resolve("worker-" + i + ".log"));
    }
    return logs;
  }

  /** The stderr files of every executor that the workers ran for application {@code appId}. */
  List<Path> executorLogs(String appId) throws IOException {
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= WORKERS; i++) {
      Path appDir = workerDir(i).resolve(appId);
      if (Files.isDirectory(appDir)) {
        try (Stream<Path> executors = Files.list(appDir)) {
          executors.map(dir -> dir.resolve("stderr")).filter(Files::exists).forEach(logs::add);
        }
      }
    }
    return logs;
  }

  /**
   * Submits {@code SoftmaxJob} from the project's jar with {@code SparkSubmit} in client mode; the
   * driver runs in a forked JVM of 1 GB, its executors have 1 GB and one core each.
   *
   * @param name the application name, also the name of its log files
   * @param sparkConf extra {@code key=value} Spark properties
   * @param jobArgs the job's own arguments
   */
  Submission submit(String name, List<String> sparkConf, List<String> jobArgs) throws IOException {
    int uiPort = freePort();
    List<String> conf = new ArrayList<>(List.of(
        "spark.driver.host=" + LOOPBACK,
        "spark.driver.bindAddress=" + LOOPBACK,
        "spark.driver.port=" + freePort(),
        "spark.driver.blockManager.port=" + freePort(),
        "spark.ui.port=" + uiPort,
        "spark.executor.memory=1g",
        "spark.executor.cores=1",
        "spark.executor.extraJavaOptions=" + String.join(" ", settings.jvmFlags)));
    conf.addAll(sparkConf);
    List<String> arguments = new ArrayList<>(List.of(
        "--master", masterUrl(), "--deploy-mode", "client", "--name", name, "--class", JOB_CLASS));
    for (String property : conf) {
      arguments.add("--conf");
      arguments.add(property);
    }
    arguments.add(settings.appJar.toString());
    // The checks read the driver's INFO log (its application id, lost executors).
    arguments.add("--verbose");
    arguments.addAll(jobArgs);
    ProcessBuilder builder = javaProcess("1g", "org.apache.spark.deploy.SparkSubmit", arguments)
        .redirectOutput(logDir.resolve(name + ".out").toFile())
        .redirectError(logDir.resolve(name + ".err").toFile());
    return new Submission(name, processes.start(builder), logDir, uiPort);
  }

  /**
   * Submits {@code SoftmaxJob} with {@code jobArgs} as {@link #submit} does and waits at most
   * five minutes for it to end.
   */
  JobResult run(String name, String... jobArgs) throws IOException, InterruptedException {
    return submit(name, List.of(), Arrays.asList(jobArgs)).await(Duration.ofMinutes(5));
  }

  private Process launchDaemon(String name, String mainClass, String... arguments)
      throws IOException {
    ProcessBuilder builder = javaProcess("512m", mainClass, Arrays.asList(arguments))
        .redirectErrorStream(true)
        .redirectOutput(logDir.resolve(name + ".log").toFile());
    return processes.start(builder);
  }

  private ProcessBuilder javaProcess(String heap, String mainClass, List<String> arguments)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Djava.io.tmpdir=" + Files.createDirectories(settings.workDir.resolve("tmp")));
    command.addAll(settings.jvmFlags);
    command.add("-cp");
    command.add(settings.sparkHome.resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(settings.workDir.toFile());
    // The workers build executor command lines from SPARK_HOME and SPARK_SCALA_VERSION.
    builder.environment().put("SPARK_HOME", settings.sparkHome.toString());
    builder.environment().put("SPARK_SCALA_VERSION", settings.scalaVersion);
    builder.environment().put("SPARK_LOCAL_IP", LOOPBACK);
    builder.environment().put("SPARK_LOCAL_DIRS",
        Files.createDirectories(settings.workDir.resolve("local")).toString());
    return builder;
  }

  /** Where worker {@code i} keeps each application's executor folders. */
  private Path workerDir(int i) {
    return settings.workDir.resolve("worker-" + i);
  }

  /**
   * A port that is free on 127.0.0.1 now and has not been handed out before. It is drawn below
   * the kernel's ephemeral range (32768 and up on Linux), where executors and clients bind their
   * own random ports: a port from that range could be taken by an executor before the process it
   * was chosen for binds it, and the driver's REST API would then be looked for on an RPC port.
   */
  static synchronized int freePort() throws IOException {
    InetAddress loopback = InetAddress.getByName(LOOPBACK);
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = LOWEST_PORT + PORTS.nextInt(PORT_SPAN);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, loopback)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // In use by another process: draw again.
      }
    }
    throw new IOException("no free port on " + LOOPBACK + " in [" + LOWEST_PORT + ", "
        + (LOWEST_PORT + PORT_SPAN) + ")");
  }

  @Override
  public void close() {
    processes.close();
  }
}
