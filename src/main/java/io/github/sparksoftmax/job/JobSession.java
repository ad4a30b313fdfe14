package io.github.sparksoftmax.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the job's SparkSession. Under spark-submit the master and settings are spark-submit's
 * (it passes them as {@code spark.*} system properties, which {@link SparkConf} reads). With no
 * master set, as under a plain {@code java} command, the job runs on the embedded default: local
 * Spark on all cores ({@value #EMBEDDED_MASTER}), with the settings of
 * {@code $SPARK_CONF_DIR/spark-defaults.conf} where that file exists, as spark-submit would read
 * them. The job's {@code --conf} settings win over both. Unless a setting says otherwise, Spark's
 * console progress bar is on only when the job runs on a terminal.
 */
public final class JobSession {
  /** The master of the embedded default. */
  public static final String EMBEDDED_MASTER = "local[*]";

  private static final Logger LOG = LoggerFactory.getLogger(JobSession.class);

  private JobSession() {}

  /**
   * A new session (or the one already running in this JVM, as {@code getOrCreate} gives).
   *
   * @param settings the job's {@code --conf} settings
   * @throws JobFailure a usage error if {@code spark-defaults.conf} exists but cannot be read
   */
  public static SparkSession start(Map<String, String> settings) {
    SparkConf conf = new SparkConf();
    boolean embedded = !conf.contains("spark.master");
    if (embedded) {
      loadDefaults(conf);
    }
    settings.forEach(conf::set);
    conf.setIfMissing("spark.master", EMBEDDED_MASTER);
    conf.setIfMissing("spark.app.name", "softmax-job");
    conf.setIfMissing("spark.ui.showConsoleProgress", String.valueOf(System.console() != null));
    LOG.info("Spark master {} ({})", conf.get("spark.master"),
        embedded ? "without spark-submit" : "from spark-submit or spark.master");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  private static void loadDefaults(SparkConf conf) {
    String dir = System.getenv("SPARK_CONF_DIR");
    if (dir == null) {
      return;
    }
    Path file = Paths.get(dir, "spark-defaults.conf");
    if (!Files.isRegularFile(file)) {
      return;
    }
    Properties defaults = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      defaults.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.usage("cannot read " + file + ": " + e.getMessage());
    }
    for (String key : defaults.stringPropertyNames()) {
      if (key.startsWith("spark.")) {
        conf.setIfMissing(key, defaults.getProperty(key).trim());
      }
    }
    LOG.info("Spark settings from {}", file);
  }
}
