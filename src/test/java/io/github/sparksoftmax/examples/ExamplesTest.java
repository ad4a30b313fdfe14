package io.github.sparksoftmax.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code spark.master} system property, so that they cannot rot; checks what they print against
 * an independent high-precision softmax; and checks that the committed example data is what
 * {@link ExampleData} writes.
 */
class ExamplesTest extends ExampleTestBase {
  /** The stage's bound on the error of each probability. */
  private static final double MAX_ULPS = 4;
  /**
   * How far the pipeline's temperature-scaled probability may be from the exact softmax of the
   * log of the printed probability, which itself is up to 4 ulps off: about ten ulps of 1.
   */
  private static final double PIPELINE_TOLERANCE = 4e-15;

  @Test
  void scoringExamplePrintsTheExactSoftmaxAtTemperatureTwoOfItsValidRows() {
    String printed = printedBy(() -> JavaSoftmaxScoringExample.main(new String[0]));
    assertTrue(printed.startsWith("Softmax at temperature 2.0:\n"), printed);
    // The example's logits, the sparse row written out; the row with id 3 has a NaN and is skipped.
    double[][] logits = {{0.0, Math.log(2.0), Math.log(3.0)}, {1000.0, 1001.0, 1002.0},
        {0.0, 4.0, 0.0}};
    List<String[]> rows = tableRows(printed);
    assertEquals(List.of("0", "1", "2"),
        rows.stream().map(row -> row[0]).collect(Collectors.toList()), printed);
    for (String[] row : rows) {
      int id = Integer.parseInt(row[0]);
      double[] probabilities = numbers(row[2]);
      ExactSoftmax exact = ExactSoftmax.of(logits[id], 2.0);
      assertEquals(exact.size(), probabilities.length, row[2]);
      for (int i = 0; i < probabilities.length; i++) {
        assertTrue(exact.probabilityUlps(i, probabilities[i]) <= MAX_ULPS, row[2]);
      }
      assertEquals(argmax(probabilities), Double.parseDouble(row[3]), row[0]);
    }
  }

  /**
   * The pipeline's SoftmaxTransformer at temperature 2.5 reads the classifier's raw predictions,
   * whose softmax is the classifier's probability: so its output is the softmax of the log of that
   * probability divided by 2.5.
   */
  @Test
  void pipelineExampleTemperatureScalesTheClassifiersProbabilities(@TempDir Path dir) {
    String printed = printedBy(
        () -> JavaSoftmaxPipelineExample.main(new String[] {dir.resolve("model").toString()}));
    assertTrue(printed.startsWith("Pipeline saved to and loaded from " + dir.resolve("model")),
        printed);
    assertTrue(Files.isDirectory(dir.resolve("model/stages")));
    List<String[]> rows = tableRows(printed);
    assertEquals(9, rows.size(), printed);
    for (String[] row : rows) {
      double[] probability = numbers(row[2]);
      double[] logProbability = Arrays.stream(probability).map(Math::log).toArray();
      ExactSoftmax exact = ExactSoftmax.of(logProbability, 2.5);
      double[] calibrated = numbers(row[3]);
      for (int i = 0; i < calibrated.length; i++) {
        assertEquals(exact.probability(i), calibrated[i], PIPELINE_TOLERANCE, row[3]);
      }
      assertEquals(argmax(probability), Double.parseDouble(row[1]), String.join(" | ", row));
    }
  }

  /**
   * Its three tables: each document's probability within its query, the top 3 of each query
   * (ties to the earlier row), and the same probabilities from SQL with each query's log-sum-exp.
   */
  @Test
  void longFormatRankingExamplePrintsExactProbabilitiesAndTheTopThree() {
    List<String[]> rows = tableRows(printedBy(
        () -> JavaLongFormatRankingExample.main(new String[0])));
    assertEquals(11 + 8 + 11, rows.size());
    Map<String, List<String[]>> byQuery = new TreeMap<>();
    for (String[] row : rows.subList(0, 11)) {
      byQuery.computeIfAbsent(row[0], query -> new ArrayList<>()).add(row);
    }
    for (List<String[]> documents : byQuery.values()) {
      ExactSoftmax exact = ExactSoftmax.of(
          documents.stream().mapToDouble(row -> Double.parseDouble(row[2])).toArray(), 1.0);
      for (int i = 0; i < documents.size(); i++) {
        String doc = documents.get(i)[1];
        assertTrue(exact.probabilityUlps(i, Double.parseDouble(documents.get(i)[3])) <= MAX_ULPS,
            doc);
        String[] sql = rows.subList(19, 30).stream().filter(row -> row[1].equals(doc))
            .findFirst().orElseThrow();
        assertTrue(exact.probabilityUlps(i, Double.parseDouble(sql[2])) <= MAX_ULPS, doc);
        assertTrue(exact.logSumExpUlps(Double.parseDouble(sql[3])) <= MAX_ULPS, doc);
      }
    }
    assertEquals(List.of("doc-1", "doc-10", "doc-11", "doc-2", "doc-4", "doc-6", "doc-7",
        "doc-9"), rows.subList(11, 19).stream().map(row -> row[1]).sorted()
        .collect(Collectors.toList()));
  }

  @Test
  void committedExampleDataIsWhatTheGeneratorWrites(@TempDir Path dir) throws Exception {
    String printed = printedBy(() -> ExampleData.main(new String[] {dir.toString()}));
    assertEquals("Wrote " + dir.resolve("logits.parquet") + " and " + dir.resolve("logits.csv")
        + "\n", printed);
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

  /** The index of the largest entry, the lowest among ties. */
  private static double argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      best = values[i] > values[best] ? i : best;
    }
    return best;
  }

  private static List<Row> rows(SparkSession spark, Path parquet) {
    return spark.read().parquet(parquet.toString()).orderBy("id").collectAsList();
  }
}
