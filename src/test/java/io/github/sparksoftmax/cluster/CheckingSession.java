package io.github.sparksoftmax.cluster;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session that writes the tests' inputs and checks the jobs' outputs: a {@code
 * local[2]} session in the test JVM, apart from the cluster, so that what it reads back is
 * judged independently of the run that wrote it.
 */
final class CheckingSession implements AutoCloseable {
  final SparkSession spark;

  private CheckingSession(SparkSession spark) {
    this.spark = spark;
  }

  static CheckingSession start() {
    return new CheckingSession(SparkSession.builder()
        .master("local[2]")
        .appName("spark-softmax-cluster-checks")
        .config("spark.driver.host", StandaloneCluster.LOOPBACK)
        .config("spark.driver.bindAddress", StandaloneCluster.LOOPBACK)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate());
  }

  @Override
  public void close() {
    spark.stop();
  }
}
