package io.github.sparksoftmax;

import static io.github.sparksoftmax.LongFormatGroups.assertWithinContract;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The softmax stage's group mode ({@code groupCol}): long-format rows, one score per row, each row
 * getting its probability within its group, against the exact reference; numeric score types;
 * invalid groups under each {@code handleInvalid}; null keys; top-k rows per group; schema errors;
 * persistence and pipelines; a group that spills.
 */
class SoftmaxGroupTest extends LocalSparkTest {
  private static final double ULPS = 4;
  private static final LongFormatGroups GROUPS = LongFormatGroups.random(41, 30, 300);

  private static SoftmaxTransformer stage() {
    return new SoftmaxTransformer().setInputCol("score").setGroupCol("g");
  }

  @Test
  void everyRowGetsItsExactProbabilityWithinItsGroup() {
    Dataset<Row> scores = GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 4, 3);
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      for (boolean log : new boolean[] {false, true}) {
        double t = log ? 0.6 : 2.5;
        List<Row> rows = withConf(mode, () -> stage().setTemperature(t).setLogSoftmax(log)
            .transform(scores).collectAsList());
        assertEquals(scores.count(), rows.size());
        for (Row row : rows) {
          ExactSoftmax exact = GROUPS.exact(row.getInt(0), t);
          assertWithinContract(exact, GROUPS.position(row.getLong(1)), row.getDouble(3), log,
              "row " + row.getLong(1));
        }
      }
    }
  }

  @Test
  void everyNumericScoreTypeIsReadAsTheNearestDouble() {
    double[] scores = {3, -2, 40, 7, 7, 0.5};
    ExactSoftmax exact = ExactSoftmax.of(scores, 1.5);
    for (DataType type : new DataType[] {DataTypes.FloatType, DataTypes.IntegerType,
        DataTypes.LongType, DataTypes.ShortType, DataTypes.createDecimalType(10, 2)}) {
      Dataset<Row> typed = LongFormatGroups.of(scores)
          .frame(spark, LongFormatGroups.Order.SHUFFLED, 2, 1)
          .withColumn("score", col("score").cast(type));
      for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
        for (Row row : withConf(mode, () -> stage().setTemperature(1.5).transform(typed)
            .collectAsList())) {
          int i = (int) row.getLong(1);
          double expected = type == DataTypes.IntegerType || type == DataTypes.LongType
              || type == DataTypes.ShortType ? ExactSoftmax.of(truncated(scores), 1.5)
              .probability(i) : exact.probability(i);
          assertEquals(expected, row.getDouble(3), ULPS * Math.ulp(expected),
              type.simpleString() + " row " + i);
        }
      }
    }
  }

  private static double[] truncated(double[] scores) {
    double[] whole = scores.clone();
    for (int i = 0; i < whole.length; i++) {
      whole[i] = (long) whole[i];
    }
    return whole;
  }

  /** Groups 1 (valid), 2 (a NaN), 3 (a null), 4 (every score -Infinity), 5 (+Infinity twice). */
  private static Dataset<Row> mixedGroups() {
    double inf = Double.POSITIVE_INFINITY;
    List<Row> rows = List.of(
        RowFactory.create(1, 0L, 0.0), RowFactory.create(1, 1L, Math.log(3)),
        RowFactory.create(2, 2L, 1.0), RowFactory.create(2, 3L, Double.NaN),
        RowFactory.create(3, 4L, 1.0), RowFactory.create(3, 5L, null),
        RowFactory.create(4, 6L, -inf), RowFactory.create(4, 7L, -inf),
        RowFactory.create(5, 8L, inf), RowFactory.create(5, 9L, 3.0),
        RowFactory.create(5, 10L, inf));
    return spark.createDataFrame(rows, LongFormatGroups.SCHEMA).repartition(3);
  }

  @Test
  @ExpectsTaskFailures
  void errorFailsOnAnInvalidGroupNamingItCompiledAndInterpreted() {
    String[][] cases = {{"2", "a score is NaN"}, {"3", "a score is null"},
        {"4", "every score is -Infinity"}};
    for (String[] invalid : cases) {
      Dataset<Row> frame = mixedGroups().filter("g IN (1, 5, " + invalid[0] + ")");
      for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
        SparkException e = assertThrows(SparkException.class,
            () -> withConf(mode, () -> stage().transform(frame).collectAsList()));
        String message = SoftmaxTransformerTest.fullMessage(e);
        assertTrue(message.contains("Softmax is undefined for the group g = " + invalid[0]
            + " of column 'score': " + invalid[1]), message);
        assertTrue(message.contains("handleInvalid"), message);
      }
    }
  }

  @Test
  void skipDropsTheRowsOfInvalidGroupsAndKeepGivesThemNaN() {
    Map<Long, Double> skipped = byRow(stage().setHandleInvalid("skip").transform(mixedGroups()));
    assertEquals(List.of(0L, 1L, 8L, 9L, 10L), new ArrayList<>(skipped.keySet()));
    assertEquals(0.25, skipped.get(0L), 1e-16);
    assertEquals(0.75, skipped.get(1L), 1e-16);
    assertEquals(List.of(0.5, 0.0, 0.5),
        List.of(skipped.get(8L), skipped.get(9L), skipped.get(10L)));
    Map<Long, Double> kept = byRow(stage().setHandleInvalid("keep").setLogSoftmax(true)
        .transform(mixedGroups()));
    assertEquals(11, kept.size());
    for (long i = 2; i < 8; i++) {
      assertTrue(kept.get(i).isNaN(), "row " + i);
    }
    assertEquals(Math.log(0.25), kept.get(0L), 1e-15);
    assertEquals(-Math.log(2), kept.get(8L));
    assertEquals(Double.NEGATIVE_INFINITY, kept.get(9L));
  }

  @Test
  void rowsWithANullKeyFormOneGroup() {
    StructType schema = new StructType().add("g", DataTypes.StringType)
        .add("i", DataTypes.LongType).add("score", DataTypes.DoubleType);
    Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(null, 0L, 0.0),
        RowFactory.create("a", 1L, 5.0), RowFactory.create(null, 2L, Math.log(3))), schema)
        .repartition(2);
    Map<Long, Double> p = byRow(stage().transform(frame));
    assertEquals(0.25, p.get(0L), 1e-16);
    assertEquals(0.75, p.get(2L), 1e-16);
    assertEquals(1.0, p.get(1L));
  }

  @Test
  void topKKeepsEachGroupsMostProbableRowsTiesToTheEarlierRow() {
    // One partition, so that input order is row order: rows 1 and 3 tie, as do rows 5 and 6.
    List<Row> rows = List.of(
        RowFactory.create(1, 0L, 0.5), RowFactory.create(1, 1L, 2.0),
        RowFactory.create(1, 2L, 1.0), RowFactory.create(1, 3L, 2.0),
        RowFactory.create(2, 4L, -1.0), RowFactory.create(2, 5L, 9.0),
        RowFactory.create(2, 6L, 9.0), RowFactory.create(3, 7L, 4.0));
    Dataset<Row> frame = spark.createDataFrame(rows, LongFormatGroups.SCHEMA).coalesce(1);
    for (boolean log : new boolean[] {false, true}) {
      Dataset<Row> top = stage().setTopK(2).setLogSoftmax(log).transform(frame);
      assertEquals(List.of("g", "i", "score", "probability"), List.of(top.columns()));
      Map<Long, Double> kept = byRow(top);
      assertEquals(List.of(1L, 3L, 5L, 6L, 7L), new ArrayList<>(kept.keySet()));
      ExactSoftmax first = ExactSoftmax.of(new double[] {0.5, 2.0, 1.0, 2.0}, 1.0);
      assertWithinContract(first, 1, kept.get(1L), log, "row 1");
      assertWithinContract(first, 3, kept.get(3L), log, "row 3");
      assertEquals(log ? 0.0 : 1.0, kept.get(7L));
    }
    Map<Long, Double> topOne = byRow(stage().setTopK(1).transform(frame));
    assertEquals(List.of(1L, 5L, 7L), new ArrayList<>(topOne.keySet()));
  }

  @Test
  void schemaErrorsNameTheColumnAndTheProblemBeforeAnyRowIsRead() {
    Dataset<Row> frame = GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 1, 1)
        .withColumn("logits", org.apache.spark.sql.functions.array(col("score")))
        .withColumn("text", org.apache.spark.sql.functions.lit("a"));
    assertSchemaError(stage().setInputCol("logits"), frame, "Input column 'logits' must be of"
        + " type numeric (a score per row, as groupCol is set) but got array<double>");
    assertSchemaError(stage().setInputCol("text"), frame, "Input column 'text' must be of type"
        + " numeric");
    assertSchemaError(stage().setGroupCol("query"), frame, "Group column 'query' does not exist");
    assertSchemaError(stage().setOutputCol("text"), frame, "Output column 'text' already exists");
    assertSchemaError(stage().setPredictionCol("best"), frame,
        "Prediction column 'best' cannot be set with groupCol");
    assertEquals(DataTypes.DoubleType,
        stage().transformSchema(frame.schema()).apply("probability").dataType());
  }

  @Test
  void aStreamIsRefusedWhenTransformed(@TempDir Path dir) {
    String source = dir.resolve("in").toString();
    GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 1, 1).write().parquet(source);
    Dataset<Row> stream = spark.readStream().schema(LongFormatGroups.SCHEMA).parquet(source);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage().transform(stream));
    assertTrue(e.getMessage().contains("groupCol needs a batch Dataset"), e.getMessage());
  }

  @Test
  void persistsAndRoundTripsInPipelinesWithIdenticalOutput(@TempDir Path dir) throws IOException {
    SoftmaxTransformer stage = stage().setTemperature(0.8).setLogSoftmax(true).setTopK(3)
        .setHandleInvalid("skip").setOutputCol("logp");
    String path = dir.resolve("stage").toString();
    stage.write().save(path);
    assertThrows(IOException.class, () -> stage.write().save(path));
    stage.write().overwrite().save(path);
    SoftmaxTransformer loaded = SoftmaxTransformer.load(path);
    assertEquals(stage.uid(), loaded.uid());
    assertEquals("g", loaded.getGroupCol());
    assertEquals(stage.extractParamMap().toString(), loaded.extractParamMap().toString());

    Dataset<Row> frame = GROUPS.frame(spark, LongFormatGroups.Order.SHUFFLED, 3, 7);
    List<String> expected = sorted(stage.transform(frame));
    assertEquals(expected, sorted(loaded.transform(frame)));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new SQLTransformer().setStatement("SELECT g, i, score FROM __THIS__"), stage});
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().save(pipelinePath);
    PipelineModel model = Pipeline.load(pipelinePath).fit(frame);
    assertEquals(expected, sorted(model.transform(frame)));
    String modelPath = dir.resolve("model").toString();
    model.write().save(modelPath);
    assertEquals(expected, sorted(PipelineModel.load(modelPath).transform(frame)));
  }

  /** A group larger than the window's in-memory buffer, which Spark spills to disk. */
  @Test
  void aGroupLargerThanTheWindowBufferSpillsAndStaysExact() throws Exception {
    int n = 200_000;
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = (i % 97) * 0.125 - 3;
    }
    AtomicLong spilled = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          spilled.addAndGet(end.taskMetrics().diskBytesSpilled());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      Map<String, String> smallBuffer = Map.of(
          "spark.sql.windowExec.buffer.in.memory.threshold", "1000",
          "spark.sql.windowExec.buffer.spill.threshold", "20000");
      Row sums = withConf(smallBuffer, () -> stage().transform(
              LongFormatGroups.of(scores).frame(spark, LongFormatGroups.Order.SHUFFLED, 4, 1))
          .filter("i < 97").orderBy("i").agg(org.apache.spark.sql.functions.collect_list(
              "probability")).first());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertTrue(spilled.get() > 0, "no bytes spilled");
      ExactSoftmax exact = ExactSoftmax.of(scores, 1.0);
      List<Double> p = sums.getList(0);
      assertEquals(97, p.size());
      for (int i = 0; i < 97; i++) {
        assertWithinContract(exact, i, p.get(i), false, "row " + i);
      }
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  private static void assertSchemaError(SoftmaxTransformer stage, Dataset<Row> frame,
      String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage.transform(frame));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static Map<Long, Double> byRow(Dataset<Row> out) {
    Map<Long, Double> map = new TreeMap<>();
    for (Row row : out.collectAsList()) {
      map.put(row.getLong(1), row.getDouble(row.fieldIndex(out.columns()[out.columns().length
          - 1])));
    }
    return map;
  }

  private static List<String> sorted(Dataset<Row> out) {
    List<String> rows = new ArrayList<>();
    for (Row row : out.orderBy("i").collectAsList()) {
      rows.add(row.toString());
    }
    return rows;
  }
}
