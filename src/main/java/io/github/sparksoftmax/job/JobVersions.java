package io.github.sparksoftmax.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code --version} prints: this build of the job (its artifact, version and the Spark it was
 * built with) and the Spark, Scala and Java it runs on, read from their own jars.
 */
public final class JobVersions {
  private static final String UNKNOWN = "unknown";

  private JobVersions() {}

  /**
   * Two lines, e.g. {@code spark-softmax_2.12 0.1.0, built with Spark 3.5.9} and {@code running
   * on Spark 3.5.9, Scala 2.12.18, Java 17.0.15}.
   */
  public static String describe() {
    Properties build = resource("io/github/sparksoftmax/job/build.properties");
    Properties spark = resource("spark-version-info.properties");
    return build.getProperty("artifact", "spark-softmax") + " "
        + build.getProperty("version", UNKNOWN) + ", built with Spark "
        + build.getProperty("spark.version", UNKNOWN) + "\n"
        + "running on Spark " + spark.getProperty("version", UNKNOWN) + ", Scala "
        + scala.util.Properties.versionNumberString() + ", Java "
        + System.getProperty("java.version");
  }

  /** A properties resource of the classpath; empty if there is none. */
  private static Properties resource(String name) {
    Properties properties = new Properties();
    try (InputStream in = JobVersions.class.getClassLoader().getResourceAsStream(name)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
    return properties;
  }
}
