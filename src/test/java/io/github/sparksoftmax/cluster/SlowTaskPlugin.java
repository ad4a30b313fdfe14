package io.github.sparksoftmax.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A test-only Spark plugin that makes one task attempt slow: on the executors, the first attempt
 * of partition {@value #PARTITION} of every stage that has one sleeps for {@code
 * spark.softmax.test.slowTaskMillis} before it runs, unless it is killed first. Partition 1, not
 * 0, so that the one-task jobs Spark runs on its own (reading a parquet footer) are not slowed.
 * It is shipped to the cluster as a jar of its own, built by {@link #jar}, never in the job's jar.
 */
public final class SlowTaskPlugin implements SparkPlugin {
  /** The Spark setting of how long the slow attempt sleeps, in milliseconds. */
  static final String MILLIS = "spark.softmax.test.slowTaskMillis";
  static final int PARTITION = 1;

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Slow();
  }

  /** The Spark settings that load the plugin from the jar at {@code jar}, with its sleep. */
  static List<String> sparkConf(Path jar, long millis) {
    return List.of("spark.jars=" + jar.toUri(), "spark.plugins=" + SlowTaskPlugin.class.getName(),
        MILLIS + "=" + millis);
  }

  /** Writes a jar of this plugin's classes, from the test classes, into {@code dir}. */
  static Path jar(Path dir) throws IOException, URISyntaxException {
    Path classes = Paths.get(SlowTaskPlugin.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    String packageDir = SlowTaskPlugin.class.getPackageName().replace('.', '/');
    List<Path> files;
    try (Stream<Path> all = Files.list(classes.resolve(packageDir))) {
      files = all.filter(f -> f.getFileName().toString().startsWith("SlowTaskPlugin"))
          .collect(Collectors.toList());
    }
    Path jar = Files.createDirectories(dir).resolve("slow-task-plugin.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries = new JarOutputStream(out)) {
      for (Path file : files) {
        entries.putNextEntry(new JarEntry(packageDir + "/" + file.getFileName()));
        entries.write(Files.readAllBytes(file));
        entries.closeEntry();
      }
    }
    return jar;
  }

  /** The executor side: the sleep. */
  private static final class Slow implements ExecutorPlugin {
    private long millis;

    @Override
    public void init(PluginContext context, Map<String, String> extraConf) {
      millis = context.conf().getLong(MILLIS, 0);
    }

    @Override
    public void onTaskStart() {
      TaskContext task = TaskContext.get();
      if (task.partitionId() == PARTITION && task.attemptNumber() == 0) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          // Killed, as when another attempt succeeded: let the task see the kill.
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
