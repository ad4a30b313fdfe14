package io.github.sparksoftmax.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
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

  /** Its probabilities within each query match the reference; its top 3 are the right rows. */
  @Test
  void longFormatRankingExampleGivesTheExactProbabilitiesAndTopThree(@TempDir Path dir) {
    JavaLongFormatRankingExample.main(new String[] {dir.toString()});
    SparkSession spark = SparkSession.builder().getOrCreate();
    try {
      Map<String, List<Row>> byQuery = new TreeMap<>();
      for (Row row : spark.read().parquet(dir.resolve("probabilities").toString())
          .orderBy("doc").collectAsList()) {
        byQuery.computeIfAbsent(row.getString(0), q -> new ArrayList<>()).add(row);
      }
      assertEquals(3, byQuery.size());
      for (List<Row> docs : byQuery.values()) {
        ExactSoftmax exact = ExactSoftmax.of(
            docs.stream().mapToDouble(r -> r.getDouble(2)).toArray(), 1.0);
        for (int i = 0; i < docs.size(); i++) {
          assertTrue(exact.probabilityUlps(i, docs.get(i).getDouble(3)) <= 4, docs.get(i)
              + " vs exact " + exact.probability(i));
        }
      }
      List<String> top = spark.read().parquet(dir.resolve("top3").toString()).orderBy("doc")
          .collectAsList().stream().map(r -> r.getString(1)).collect(Collectors.toList());
      assertEquals(List.of("doc-1", "doc-10", "doc-11", "doc-2", "doc-4", "doc-6", "doc-7",
          "doc-9"), top);
    } finally {
      spark.stop();
    }
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
