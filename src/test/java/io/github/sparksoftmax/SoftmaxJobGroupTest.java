package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.kernel.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on long-format input ({@code --group-col}): one score per row, each row's probability
 * taken within the rows of its group, from parquet, JSON and CSV; an invalid group and the flags
 * that do not go with the group column.
 */
class SoftmaxJobGroupTest extends LocalSparkTest {
  /** query, doc, score: three groups of different sizes, one score beyond exp's range. */
  private static final String CSV = "query,doc,score\n"
      + "q1,a,0.0\nq1,b,0.6931471805599453\nq1,c,1.0986122886681098\n"
      + "q2,d,-3.5\nq2,e,1000.0\n"
      + "q3,f,2.25\n";

  @TempDir
  Path dir;

  @Test
  void eachFormatGivesEveryRowItsExactProbabilityWithinItsGroup() throws IOException {
    Path csv = Files.writeString(dir.resolve("scores.csv"), CSV);
    job("--input", csv.toString(), "--output", path("from-csv"), "--group-col", "query",
        "--input-col", "score", "--temperature", "2").assertSucceeded(6, 6);
    assertExactWithinGroups(spark.read().parquet(path("from-csv")), 2.0, false);

    spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
        .write().parquet(path("scores.parquet"));
    job("--input", path("scores.parquet"), "--output", path("from-parquet"), "--group-col",
        "query", "--input-col", "score", "--log-softmax").assertSucceeded(6, 6);
    assertExactWithinGroups(spark.read().parquet(path("from-parquet")), 1.0, true);

    spark.read().parquet(path("scores.parquet")).write().json(path("scores.json"));
    job("--input", path("scores.json"), "--format", "json", "--output", path("from-json"),
        "--group-col", "query", "--input-col", "score", "--output-format", "json")
        .assertSucceeded(6, 6);
    assertExactWithinGroups(spark.read().json(path("from-json")), 1.0, false);
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidGroupFailsNamingItsKeyOrIsSkippedWholeInTheJobsWords() throws IOException {
    Path csv = Files.writeString(dir.resolve("scores.csv"), CSV + "q3,g,NaN\n");
    job("--input", csv.toString(), "--output", path("out"), "--group-col", "query",
        "--input-col", "score").assertFailed(1, "softmax-job: error: Softmax is undefined for the"
            + " group query = q3 of column 'score': a score is NaN. Use --handle-invalid skip to"
            + " drop the rows of such groups or --handle-invalid keep to write NaN for each of"
            + " them.\n");
    job("--input", csv.toString(), "--output", path("skipped"), "--group-col", "query",
        "--input-col", "score", "--handle-invalid", "skip").assertSucceeded(7, 5);
  }

  @Test
  void aScoreColumnOfTextNamesItsFirstNonNumericCell() throws IOException {
    Path csv = Files.writeString(dir.resolve("scores.csv"), CSV + "q3,g,high\n");
    job("--input", csv.toString(), "--output", path("out"), "--group-col", "query",
        "--input-col", "score").assertFailed(1, "column 'score' named by --input-col must be"
            + " numeric; the first row where it is not: data row 7 of " + csv + ", score=high");
  }

  @Test
  void flagsThatNeedLogitsInARowAreUsageErrors() {
    String[] base = {"--input", "x.csv", "--output", "y", "--group-col", "query"};
    assertUsageError(base, List.of("--logit-cols", "a,b"), "--group-col takes one score per row");
    assertUsageError(base, List.of("--prediction-col", "p"),
        "--group-col does not go with --prediction-col");
    assertUsageError(base, List.of("--stream", "--checkpoint", "c"),
        "--group-col does not go with --stream");
  }

  private static void assertUsageError(String[] base, List<String> more, String message) {
    List<String> args = new ArrayList<>(Arrays.asList(base));
    args.addAll(more);
    JobOutcome.inProcess(args.toArray(new String[0])).assertFailed(2, message);
  }

  /**
   * Each row's probability (or log-probability) is, within the contract, the exact softmax of its
   * group's scores at {@code temperature}; every input row is there with its columns.
   */
  private static void assertExactWithinGroups(Dataset<Row> output, double temperature,
      boolean logSpace) {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : output.orderBy("query", "doc").collectAsList()) {
      groups.computeIfAbsent(row.getAs("query"), q -> new ArrayList<>()).add(row);
    }
    assertEquals(List.of("q1", "q2", "q3"), new ArrayList<>(groups.keySet()));
    for (List<Row> group : groups.values()) {
      double[] scores = group.stream().mapToDouble(r -> ((Number) r.getAs("score")).doubleValue())
          .toArray();
      double[] results = group.stream()
          .mapToDouble(r -> ((Number) r.getAs("probability")).doubleValue()).toArray();
      Contract.assertSoftmax(scores, temperature, logSpace, results,
          "group " + group.get(0).getAs("query"));
    }
  }

  private static JobOutcome job(String... args) {
    return JobOutcome.inProcess(args);
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
