package io.github.sparksoftmax.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples' {@code main} as spark-submit would, the master coming from the
 * {@code spark.master} system property, so that they cannot rot; and checks that the committed
 * example data is what {@link ExampleData} writes.
 */
class ExamplesTest extends ExampleTestBase {
  @Test
  void scoringExampleRuns() {
    JavaSoftmaxScoringExample.main(new String[0]);
  }

  @Test
  void pipelineExampleSavesAndLoadsThePipeline(@TempDir Path dir) throws Exception {
    JavaSoftmaxPipelineExample.main(new String[] {dir.resolve("model").toString()});
    assertTrue(Files.isDirectory(dir.resolve("model/stages")));
  }

  @Test
  void committedExampleDataIsWhatTheGeneratorWrites(@TempDir Path dir) throws Exception {
    ExampleData.main(new String[] {dir.toString()});
    Path committed = Paths.get("examples/data");
    assertEquals(Files.readString(committed.resolve("logits.csv")),
        Files.readString(dir.resolve("logits.csv")));
    SparkSession spark = SparkSession.builder().getOrCreate();
    try {
      assertEquals(rows(spark, committed.resolve("logits.parquet")),
          rows(spark, dir.resolve("logits.parquet")));
    } finally {
      spark.stop();
    }
  }

  private static List<Row> rows(SparkSession spark, Path parquet) {
    return spark.read().parquet(parquet.toString()).orderBy("id").collectAsList();
  }
}
