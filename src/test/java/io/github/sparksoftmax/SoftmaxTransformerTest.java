package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import org.apache.spark.SparkException;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.Seq;

class SoftmaxTransformerTest extends LocalSparkTest {
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final double POS_INF = Double.POSITIVE_INFINITY;

  /** Valid rows whose exact softmax is known independently (edge cases included). */
  private static final double[][] VALID_ROWS = {
      {1.0, 2.0, 3.0},
      {1000.0, 1001.0, 1002.0},
      {1e308, -1e308},
      {0.0, -1000.0},
      {300.123456789, 0.1, -17.25, 299.5},
      {NEG_INF, 0.0, 1.0},
      {POS_INF, 0.0, 1.0},
      {POS_INF, 3.0, POS_INF},
      {42.0},
      {},
      // Issue #22: its log-softmax was NaN.
      {5.751019143863584E307, Double.MAX_VALUE},
  };

  @Test
  void denseVectorsAreWithinFourUlpsOfTheExactSoftmax() {
    for (double temperature : new double[] {1.0, 0.37, 25.0}) {
      for (boolean log : new boolean[] {false, true}) {
        List<double[]> results = vectors(transform(denseFrame(VALID_ROWS),
            new SoftmaxTransformer().setTemperature(temperature).setLogSoftmax(log)));
        for (int r = 0; r < VALID_ROWS.length; r++) {
          Contract.assertSoftmax(VALID_ROWS[r], temperature, log, results.get(r), "row " + r);
        }
      }
    }
  }

  @Test
  void sparseVectorsEqualTheirDenseFormWithImplicitZeros() {
    Vector[] sparse = {
        Vectors.sparse(6, new int[] {1, 4}, new double[] {2.5, -1.0}),
        Vectors.sparse(4, new int[] {0, 1, 2, 3}, new double[] {1.0, 2.0, 3.0, 4.0}),
        Vectors.sparse(3, new int[] {}, new double[] {}),
        Vectors.sparse(5, new int[] {2}, new double[] {NEG_INF}),
        Vectors.sparse(5, new int[] {3}, new double[] {POS_INF}),
        Vectors.sparse(4, new int[] {0, 3}, new double[] {-800.0, -700.0}),
    };
    for (boolean log : new boolean[] {false, true}) {
      List<double[]> results = vectors(transform(vectorFrame(sparse),
          new SoftmaxTransformer().setTemperature(0.5).setLogSoftmax(log)));
      for (int r = 0; r < sparse.length; r++) {
        Contract.assertSoftmax(sparse[r].toArray(), 0.5, log, results.get(r), sparse[r].toString());
      }
    }
  }

  @Test
  void doubleArraysGiveDoubleArrays() {
    Dataset<Row> out = transform(arrayFrame(VALID_ROWS, DataTypes.DoubleType),
        new SoftmaxTransformer().setTemperature(3.0));
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType),
        out.schema().apply("probability").dataType());
    List<Row> rows = out.orderBy("id").collectAsList();
    for (int r = 0; r < VALID_ROWS.length; r++) {
      Seq<Object> result = rows.get(r).getAs("probability");
      double[] actual = new double[result.length()];
      for (int i = 0; i < actual.length; i++) {
        actual[i] = (Double) result.apply(i);
      }
      Contract.assertProbabilities(VALID_ROWS[r], 3.0, actual, "row " + r);
    }
  }

  @Test
  void floatArraysGiveFloatArraysWithinOneFloatUlp() {
    float[][] rows = {{1.5f, -2.25f, 80.0f}, {3.0e38f, -3.0e38f}, {0.0f, 1e-3f, -1e-3f, 7.0f}};
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      Float[] boxed = new Float[rows[r].length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = rows[r][i];
      }
      data.add(RowFactory.create((long) r, boxed));
    }
    Dataset<Row> frame = spark.createDataFrame(data, schema(
        DataTypes.createArrayType(DataTypes.FloatType)));
    for (boolean log : new boolean[] {false, true}) {
      List<Row> out = transform(frame, new SoftmaxTransformer().setLogSoftmax(log))
          .orderBy("id").collectAsList();
      for (int r = 0; r < rows.length; r++) {
        Seq<Object> result = out.get(r).getAs("probability");
        float[] actual = new float[result.length()];
        for (int i = 0; i < actual.length; i++) {
          actual[i] = (Float) result.apply(i);
        }
        Contract.assertFloatSoftmax(rows[r], 1.0, log, actual, "row " + r);
      }
    }
  }

  @Test
  @ExpectsTaskFailures
  void errorModeFailsTheActionNamingTheProblemAndHandleInvalid(@TempDir Path dir) {
    Object[][] cases = {
        {Vectors.dense(1.0, Double.NaN), "the row has a NaN entry"},
        {Vectors.dense(NEG_INF, NEG_INF), "every entry of the row is -Infinity"},
        {null, "the row is null"},
    };
    for (int c = 0; c < cases.length; c++) {
      Dataset<Row> local = vectorFrame(Vectors.dense(0.5, 1.0), (Vector) cases[c][0]);
      String path = dir.resolve("case" + c).toString();
      local.write().parquet(path);
      // A local frame is evaluated on the driver, a file in tasks: both must name the problem.
      for (Dataset<Row> frame : List.of(local, spark.read().parquet(path))) {
        Dataset<Row> out = new SoftmaxTransformer().transform(frame);
        SparkException e = assertThrows(SparkException.class, out::collectAsList);
        String message = e.getMessage();
        assertTrue(message.contains((String) cases[c][1]), message);
        assertTrue(message.contains("handleInvalid"), message);
        assertTrue(message.contains("'logits'"), message);
      }
    }
  }

  @Test
  @ExpectsTaskFailures
  void errorModeReportsANullEntryOfAnArray() {
    Dataset<Row> frame = spark.createDataFrame(
        List.of(RowFactory.create(0L, new Double[] {1.0, null})),
        schema(DataTypes.createArrayType(DataTypes.DoubleType, true)));
    SparkException e = assertThrows(SparkException.class,
        () -> new SoftmaxTransformer().transform(frame).collectAsList());
    assertTrue(fullMessage(e).contains("the row has a null entry"), fullMessage(e));
  }

  @Test
  void keepGivesNaNForAFloatArrayWithANullEntry() {
    Dataset<Row> frame = spark.createDataFrame(
        List.of(RowFactory.create(0L, new Float[] {1.0f, null, 2.0f}),
            RowFactory.create(1L, new Float[] {1.0f, 2.0f})),
        schema(DataTypes.createArrayType(DataTypes.FloatType, true)));
    for (int topK : new int[] {0, 2}) {
      List<Row> out = transform(frame,
          new SoftmaxTransformer().setHandleInvalid("keep").setTopK(topK)).collectAsList();
      double[] invalid = topK == 0
          ? floats(out.get(0).getAs("probability"))
          : ((Vector) out.get(0).getAs("probability")).toArray();
      assertEquals(3, invalid.length);
      for (int i = 0; i < (topK == 0 ? 3 : topK); i++) {
        assertTrue(Double.isNaN(invalid[i]), "topK " + topK + " entry " + i);
      }
      double[] valid = topK == 0
          ? floats(out.get(1).getAs("probability"))
          : ((Vector) out.get(1).getAs("probability")).toArray();
      assertFalse(Double.isNaN(valid[0]) || Double.isNaN(valid[1]), "topK " + topK);
    }
  }

  @Test
  void skipDropsExactlyTheInvalidRows() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0),
        null, Vectors.dense(NEG_INF, NEG_INF), Vectors.sparse(3, new int[] {}, new double[] {}),
        Vectors.sparse(2, new int[] {0, 1}, new double[] {NEG_INF, NEG_INF}));
    List<Row> out = transform(frame, new SoftmaxTransformer().setHandleInvalid("skip"))
        .orderBy("id").collectAsList();
    assertEquals(List.of(0L, 4L), ids(out));
    Contract.assertProbabilities(new double[] {0.0, 0.0, 0.0}, 1.0,
        ((Vector) out.get(1).getAs("probability")).toArray(), "empty sparse vector of size 3");
  }

  @Test
  void keepGivesNullForNullRowsAndNaNForOtherInvalidRows() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0, 3.0),
        null, Vectors.dense(NEG_INF, NEG_INF));
    List<Row> out = transform(frame,
        new SoftmaxTransformer().setHandleInvalid("keep").setPredictionCol("prediction"))
        .orderBy("id").collectAsList();
    assertEquals(List.of(0L, 1L, 2L, 3L), ids(out));
    assertEquals(1.0, out.get(0).<Double>getAs("prediction"));
    double[] nanRow = ((Vector) out.get(1).getAs("probability")).toArray();
    assertEquals(3, nanRow.length);
    assertTrue(Arrays.stream(nanRow).allMatch(Double::isNaN));
    assertTrue(Double.isNaN(out.get(1).<Double>getAs("prediction")));
    assertNull(out.get(2).getAs("probability"));
    assertNull(out.get(2).getAs("prediction"));
    assertTrue(Arrays.stream(((Vector) out.get(3).getAs("probability")).toArray())
        .allMatch(Double::isNaN));
  }

  @Test
  void predictionColumnIsTheArgmaxWithTiesToTheLowerIndex() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(0.5, 3.0, -1.0), Vectors.dense(2.0, 2.0, 1.0),
        Vectors.dense(POS_INF, 1.0, POS_INF), Vectors.dense(-5.0), Vectors.dense(new double[0]));
    List<Row> out = transform(frame, new SoftmaxTransformer().setPredictionCol("prediction"))
        .orderBy("id").collectAsList();
    double[] predictions = out.stream().mapToDouble(r -> r.<Double>getAs("prediction")).toArray();
    assertArrayEquals(new double[] {1.0, 0.0, 0.0, 0.0, Double.NaN}, predictions);
  }

  @Test
  void vectorSizeMetadataCarriesOverToTheOutputAndPrediction() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(1.0, 2.0, 3.0));
    Metadata size3 = new AttributeGroup("logits", 3).toMetadata();
    Dataset<Row> sized = frame.withMetadata("logits", size3);
    Dataset<Row> out = new SoftmaxTransformer().setPredictionCol("prediction").transform(sized);
    assertEquals(3, AttributeGroup.fromStructField(out.schema().apply("probability")).size());
    NominalAttribute prediction = (NominalAttribute) NominalAttribute.fromStructField(
        out.schema().apply("prediction"));
    assertEquals(3, (int) prediction.getNumValues().get());
    Dataset<Row> unsized = new SoftmaxTransformer().transform(frame);
    assertEquals(-1, AttributeGroup.fromStructField(unsized.schema().apply("probability")).size());
  }

  /**
   * Our softmax of a fitted model's {@code rawPrediction} meets the contract, and the model's own
   * {@code probability} (Spark's softmax, up to 13.4 ulps from the exact value on these rows)
   * agrees with it within 32 ulps of each probability, however small.
   */
  @Test
  void multinomialLogisticRegressionProbabilitiesAgreeWithOurSoftmaxOfItsRawPrediction() {
    List<Row> data = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 300; i++) {
      int label = i % 3;
      data.add(RowFactory.create((double) label, Vectors.dense(
          label + random.nextGaussian(), 2.0 * label - random.nextGaussian(),
          random.nextGaussian())));
    }
    Dataset<Row> train = spark.createDataFrame(data, new StructType()
        .add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType()));
    LogisticRegressionModel model = new LogisticRegression().setFamily("multinomial")
        .setMaxIter(50).fit(train);
    List<Row> out = new SoftmaxTransformer().setInputCol("rawPrediction").setOutputCol("ours")
        .transform(model.transform(train)).collectAsList();
    for (Row row : out) {
      double[] raw = ((Vector) row.getAs("rawPrediction")).toArray();
      double[] ours = ((Vector) row.getAs("ours")).toArray();
      double[] theirs = ((Vector) row.getAs("probability")).toArray();
      Contract.assertProbabilities(raw, 1.0, ours, "softmax of " + Arrays.toString(raw));
      for (int i = 0; i < raw.length; i++) {
        assertTrue(Math.abs(theirs[i] - ours[i]) <= 32 * Math.ulp(ours[i]),
            Arrays.toString(theirs) + " vs " + Arrays.toString(ours));
      }
    }
  }

  @Test
  void streamingGivesTheSameRowsAsBatch(@TempDir Path dir) throws Exception {
    Dataset<Row> batch = vectorFrame(Vectors.dense(1.0, 2.0), Vectors.dense(-3.0, 0.5, 9.0),
        Vectors.sparse(4, new int[] {2}, new double[] {1.5}), Vectors.dense(Double.NaN, 1.0));
    String source = dir.resolve("source").toString();
    batch.write().parquet(source);
    SoftmaxTransformer stage = new SoftmaxTransformer().setHandleInvalid("skip")
        .setTemperature(2.0).setPredictionCol("prediction");
    Dataset<Row> stream = spark.readStream().schema(batch.schema()).parquet(source);
    StreamingQuery query = stage.transform(stream).writeStream().format("memory")
        .queryName("softmax_stream").outputMode("append").trigger(Trigger.AvailableNow())
        .option("checkpointLocation", dir.resolve("checkpoint").toString()).start();
    assertTrue(query.awaitTermination(TimeUnit.MINUTES.toMillis(2)));
    assertEquals(byId(stage.transform(spark.read().parquet(source)).collectAsList()),
        byId(spark.table("softmax_stream").collectAsList()));
  }

  @Test
  void schemaErrorsNameTheColumnAndTheExpectedTypes() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(1.0)).withColumn("text",
        org.apache.spark.sql.functions.lit("a")).withColumn("ints",
        org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.lit(1)));
    assertSchemaError(new SoftmaxTransformer().setInputCol("missing"), frame,
        "Input column 'missing' does not exist", "vector (VectorUDT), array<double> or array<float>");
    assertSchemaError(new SoftmaxTransformer().setInputCol("text"), frame,
        "Input column 'text' must be of type vector (VectorUDT), array<double> or array<float>",
        "but got string");
    assertSchemaError(new SoftmaxTransformer().setInputCol("ints"), frame,
        "Input column 'ints'", "but got array<int>");
    assertSchemaError(new SoftmaxTransformer().setOutputCol("text"), frame,
        "Output column 'text' already exists", "");
    assertSchemaError(new SoftmaxTransformer().setPredictionCol("id"), frame,
        "Prediction column 'id' already exists", "");
    assertSchemaError(new SoftmaxTransformer().setPredictionCol("probability"), frame,
        "Prediction column 'probability' must differ from the output column", "");
  }

  @Test
  void invalidParamValuesAreRejectedWhenSet() {
    SoftmaxTransformer stage = new SoftmaxTransformer();
    for (double bad : new double[] {0.0, -1.0, Double.NaN, POS_INF}) {
      assertThrows(IllegalArgumentException.class, () -> stage.setTemperature(bad));
    }
    assertThrows(IllegalArgumentException.class, () -> stage.setHandleInvalid("ignore"));
    assertThrows(IllegalArgumentException.class, () -> stage.setInputCol(" "));
    assertThrows(IllegalArgumentException.class, () -> stage.setOutputCol(""));
    assertEquals("", stage.setPredictionCol("").getPredictionCol());
  }

  @Test
  void defaultsAndParamsAreDiscoverableLikeSparkStages() {
    SoftmaxTransformer stage = new SoftmaxTransformer();
    List<String> names = new ArrayList<>();
    for (org.apache.spark.ml.param.Param<?> p : stage.params()) {
      names.add(p.name());
      assertFalse(p.doc().isEmpty());
      assertTrue(stage.hasDefault(p), p.name());
    }
    assertEquals(List.of("groupCol", "handleInvalid", "inputCol", "logSoftmax", "outputCol",
        "predictionCol", "temperature", "topK"), names);
    assertEquals("logits", stage.getInputCol());
    assertEquals("probability", stage.getOutputCol());
    assertEquals(1.0, stage.getTemperature());
    assertFalse(stage.getLogSoftmax());
    assertEquals("error", stage.getHandleInvalid());
    assertEquals(0, stage.getTopK());
    assertTrue(stage.uid().startsWith("softmax_"));
  }

  @Test
  void copyKeepsTheUidAndParamsAndAppliesExtraParams() {
    SoftmaxTransformer stage = new SoftmaxTransformer().setTemperature(3.0).setLogSoftmax(true);
    SoftmaxTransformer copy = stage.copy(
        new org.apache.spark.ml.param.ParamMap().put(stage.temperature().w(0.5)));
    assertEquals(stage.uid(), copy.uid());
    assertEquals(0.5, copy.getTemperature());
    assertTrue(copy.getLogSoftmax());
    assertEquals(3.0, stage.getTemperature());
  }

  private static void assertSchemaError(SoftmaxTransformer stage, Dataset<Row> frame,
      String first, String second) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage.transform(frame));
    assertTrue(e.getMessage().contains(first), e.getMessage());
    assertTrue(e.getMessage().contains(second), e.getMessage());
  }

  /**
   * The exact softmax of a valid row. Rows with +Infinity entries and empty rows are matters of
   * semantics, spelled out here; every other row comes from the 40-digit reference.
   */
  static double[] expected(double[] logits, double temperature, boolean log) {
    double[] out = new double[logits.length];
    long infinities = Arrays.stream(logits).filter(v -> v == POS_INF).count();
    if (infinities > 0) {
      for (int i = 0; i < out.length; i++) {
        boolean share = logits[i] == POS_INF;
        out[i] = log ? (share ? -Math.log(infinities) : NEG_INF) : (share ? 1.0 / infinities : 0);
      }
      return out;
    }
    if (logits.length > 0) {
      ExactSoftmax exact = ExactSoftmax.of(logits, temperature);
      for (int i = 0; i < out.length; i++) {
        out[i] = log ? exact.logProbability(i) : exact.probability(i);
      }
    }
    return out;
  }

  /**
   * The accuracy contract against exact values rounded to double (from {@link #expected}): 4 ulps
   * of the exact value, 2 {@code Double.MIN_VALUE} below the normal range, 4 ulps of {@code max(1,
   * |exact|)} in log space; an infinite or NaN exact value only by itself. Where the logits are at
   * hand, {@link Contract} measures against the unrounded reference instead.
   */
  static void assertClose(double[] exact, double[] actual, boolean log) {
    assertEquals(exact.length, actual.length);
    for (int i = 0; i < exact.length; i++) {
      if (!Double.isFinite(exact[i])) {
        assertEquals(exact[i], actual[i], "entry " + i + " in " + Arrays.toString(actual));
        continue;
      }
      double tolerance = log ? Contract.LOG_PROBABILITY_ULPS * Math.ulp(Math.max(1.0,
          Math.abs(exact[i])))
          : Contract.isSubnormal(exact[i]) ? Contract.SUBNORMAL_MIN_VALUES * Double.MIN_VALUE
          : Contract.PROBABILITY_ULPS * Math.ulp(exact[i]);
      assertTrue(Math.abs(actual[i] - exact[i]) <= tolerance, "entry " + i + ": " + actual[i]
          + " vs exact " + exact[i] + " in " + Arrays.toString(actual));
    }
  }

  /** The messages of an exception and of all its causes, one a line. */
  static String fullMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static Dataset<Row> transform(Dataset<Row> frame, SoftmaxTransformer stage) {
    return stage.transform(frame).orderBy("id");
  }

  private static List<double[]> vectors(Dataset<Row> out) {
    List<double[]> result = new ArrayList<>();
    for (Row row : out.collectAsList()) {
      result.add(((Vector) row.getAs("probability")).toArray());
    }
    return result;
  }

  private static double[] floats(Seq<Object> values) {
    double[] out = new double[values.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Float) values.apply(i);
    }
    return out;
  }

  private static List<Long> ids(List<Row> rows) {
    List<Long> ids = new ArrayList<>();
    for (Row row : rows) {
      ids.add(row.getAs("id"));
    }
    return ids;
  }

  private static Map<Long, String> byId(List<Row> rows) {
    Map<Long, String> map = new TreeMap<>();
    for (Row row : rows) {
      map.put(row.getAs("id"), row.toString());
    }
    return map;
  }

  static StructType schema(DataType logitsType) {
    return new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("logits", logitsType, true, Metadata.empty())});
  }

  static Dataset<Row> vectorFrame(Vector... rows) {
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      data.add(RowFactory.create((long) i, rows[i]));
    }
    return spark.createDataFrame(data, schema(SQLDataTypes.VectorType()));
  }

  private static Dataset<Row> denseFrame(double[][] rows) {
    Vector[] vectors = new Vector[rows.length];
    for (int i = 0; i < rows.length; i++) {
      vectors[i] = Vectors.dense(rows[i]);
    }
    return vectorFrame(vectors);
  }

  private static Dataset<Row> arrayFrame(double[][] rows, DataType element) {
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      Double[] boxed = Arrays.stream(rows[r]).boxed().toArray(Double[]::new);
      data.add(RowFactory.create((long) r, boxed));
    }
    return spark.createDataFrame(data, schema(DataTypes.createArrayType(element)));
  }
}
