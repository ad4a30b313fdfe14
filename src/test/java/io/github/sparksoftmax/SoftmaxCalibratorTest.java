package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoftmaxCalibratorTest extends LocalSparkTest {

  @Test
  void recoversTheTrueTemperatureOfLabelsDrawnFromTheSoftmax() {
    for (double c : new double[] {0.4, 1.0, 2.5}) {
      Labelled data = Labelled.drawn(30_000, 10, c, new Random(17));
      SoftmaxTransformer fitted = new SoftmaxCalibrator().fit(data.frame(false));
      assertEquals(c, fitted.getTemperature(), 0.02 * c, "c = " + c);
    }
  }

  @Test
  void agreesWithABruteForceGridSearchOnASmallSet() {
    Labelled data = Labelled.drawn(200, 4, 1.8, new Random(3));
    double gridBest = Double.NaN;
    double gridNll = Double.POSITIVE_INFINITY;
    for (double u = -3.0; u <= 3.0; u += 1e-3) {
      double nll = data.meanNll(Math.exp(u));
      if (nll < gridNll) {
        gridNll = nll;
        gridBest = Math.exp(u);
      }
    }
    double fitted = new SoftmaxCalibrator().fit(data.frame(true)).getTemperature();
    assertEquals(gridBest, fitted, 1e-3 * gridBest);
    assertTrue(data.meanNll(fitted) <= gridNll + 1e-9);
  }

  @Test
  void theFittedLossIsNeverAboveTheLossAtTemperatureOne() {
    Random random = new Random(8);
    for (int trial = 0; trial < 6; trial++) {
      Labelled data = Labelled.drawn(1 + random.nextInt(60), 2 + random.nextInt(5),
          Math.exp(2 * random.nextGaussian()), random);
      for (int maxIter : new int[] {1, 2, 100}) {
        double t = new SoftmaxCalibrator().setMaxIter(maxIter).fit(data.frame(false))
            .getTemperature();
        assertTrue(data.meanNll(t) <= data.meanNll(1.0), "trial " + trial + ", T = " + t);
      }
    }
  }

  @Test
  void integerWeightsActLikeRepeatedRows() {
    Labelled data = Labelled.drawn(60, 3, 0.7, new Random(5));
    List<Row> weighted = new ArrayList<>();
    List<Row> repeated = new ArrayList<>();
    for (int r = 0; r < data.labels.length; r++) {
      int weight = r % 3;
      weighted.add(RowFactory.create(Vectors.dense(data.logits[r]), (double) data.labels[r],
          (double) weight));
      for (int copy = 0; copy < weight; copy++) {
        repeated.add(RowFactory.create(Vectors.dense(data.logits[r]), (double) data.labels[r],
            1.0));
      }
    }
    StructType schema = new StructType().add("logits", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    double byWeight = new SoftmaxCalibrator().setWeightCol("weight")
        .fit(spark.createDataFrame(weighted, schema)).getTemperature();
    double byRepetition = new SoftmaxCalibrator()
        .fit(spark.createDataFrame(repeated, schema)).getTemperature();
    assertEquals(byRepetition, byWeight, 1e-9 * byRepetition);
  }

  @Test
  void theFittedStageInheritsTheOutputParamsAndUid() {
    Labelled data = Labelled.drawn(100, 3, 1.5, new Random(2));
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator().setOutputCol("calibrated")
        .setLogSoftmax(true).setHandleInvalid("keep").setPredictionCol("prediction").setTopK(2);
    SoftmaxTransformer fitted = calibrator.fit(data.frame(false));
    assertEquals(calibrator.uid(), fitted.uid());
    assertSame(calibrator, fitted.parent());
    assertEquals("logits", fitted.getInputCol());
    assertEquals("calibrated", fitted.getOutputCol());
    assertTrue(fitted.getLogSoftmax());
    assertEquals("keep", fitted.getHandleInvalid());
    assertEquals("prediction", fitted.getPredictionCol());
    assertEquals(2, fitted.getTopK());
    assertEquals(calibrator.transformSchema(data.frame(false).schema()),
        fitted.transform(data.frame(false)).schema());
  }

  @Test
  void floatArrayLogitsGiveTheSameTemperatureAsVectors() {
    Labelled data = Labelled.drawn(300, 4, 2.0, new Random(4));
    Dataset<Row> floats = data.frame(true).withColumn("logits",
        functions.col("logits").cast(DataTypes.createArrayType(DataTypes.FloatType)));
    Labelled rounded = data.roundedToFloat();
    double fromFloats = new SoftmaxCalibrator().fit(floats).getTemperature();
    double fromVectors = new SoftmaxCalibrator().fit(rounded.frame(false)).getTemperature();
    assertEquals(fromVectors, fromFloats, 1e-12 * fromVectors);
  }

  @Test
  @ExpectsTaskFailures
  void errorModeFailsTheFitNamingTheProblemAndHandleInvalid() {
    Object[][] cases = {
        {Vectors.dense(1.0, Double.NaN), 0.0, 1.0, "the row has a NaN entry"},
        {null, 0.0, 1.0, "the row is null"},
        {Vectors.dense(1.0, 2.0), 2.0, 1.0, "the label 2.0 in column 'label' is not a class index"
            + " in [0, 2)"},
        {Vectors.dense(1.0, 2.0), 0.5, 1.0, "the label 0.5"},
        {Vectors.dense(1.0, 2.0), -1.0, 1.0, "the label -1.0"},
        {Vectors.dense(1.0, 2.0), null, 1.0, "the label null"},
        {Vectors.dense(Double.NEGATIVE_INFINITY, 2.0), 0.0, 1.0, "probability is 0"},
        {Vectors.dense(1.0, 2.0), 0.0, -1.0, "the weight -1.0 in column 'weight'"},
        {Vectors.dense(1.0, 2.0), 0.0, Double.NaN, "the weight NaN"},
    };
    for (Object[] c : cases) {
      Dataset<Row> frame = weightedFrame(Vectors.dense(0.0, 1.0), 1.0, 1.0,
          (Vector) c[0], (Double) c[1], (Double) c[2]);
      SparkException e = assertThrows(SparkException.class,
          () -> new SoftmaxCalibrator().setWeightCol("weight").fit(frame));
      String message = SoftmaxTransformerTest.fullMessage(e);
      assertTrue(message.contains((String) c[3]), message);
      assertTrue(message.contains("handleInvalid"), message);
    }
  }

  @Test
  void skipAndKeepLeaveInvalidRowsOutOfTheFit() {
    Labelled data = Labelled.drawn(80, 3, 1.3, new Random(6));
    Dataset<Row> valid = data.frame(false).select("logits", "label");
    Dataset<Row> polluted = valid.union(spark.createDataFrame(List.of(
        RowFactory.create(Vectors.dense(Double.NaN, 1.0, 2.0), 0.0),
        RowFactory.create(null, 1.0),
        RowFactory.create(Vectors.dense(1.0, 2.0, 3.0), 3.0),
        RowFactory.create(Vectors.dense(1.0, 2.0, 3.0), 1.5)), valid.schema()));
    double expected = new SoftmaxCalibrator().fit(valid).getTemperature();
    for (String policy : new String[] {"skip", "keep"}) {
      SoftmaxTransformer fitted = new SoftmaxCalibrator().setHandleInvalid(policy).fit(polluted);
      assertEquals(expected, fitted.getTemperature(), 0.0, policy);
      assertEquals(policy, fitted.getHandleInvalid());
    }
  }

  @Test
  void anEmptyDatasetOrOneWithoutValidRowsIsAClearError() {
    Dataset<Row> empty = weightedFrame().limit(0);
    Dataset<Row> invalidOnly = weightedFrame(Vectors.dense(Double.NaN, 1.0), 0.0, 1.0);
    Dataset<Row> weightless = weightedFrame(Vectors.dense(0.0, 1.0), 0.0, 0.0);
    for (Dataset<Row> frame : List.of(empty, invalidOnly, weightless)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new SoftmaxCalibrator().setWeightCol("weight").setHandleInvalid("skip")
              .fit(frame));
      assertTrue(e.getMessage().contains("SoftmaxCalibrator has no row to fit on"),
          e.getMessage());
    }
  }

  @Test
  void schemaErrorsNameTheColumnBeforeAnyPass() {
    Dataset<Row> frame = weightedFrame(Vectors.dense(1.0, 2.0), 0.0, 1.0)
        .withColumn("text", functions.lit("a"));
    assertSchemaError(new SoftmaxCalibrator().setLabelCol("missing"), frame,
        "Label column 'missing' does not exist");
    assertSchemaError(new SoftmaxCalibrator().setLabelCol("text"), frame,
        "Label column 'text' must be of type numeric but got string");
    assertSchemaError(new SoftmaxCalibrator().setWeightCol("nope"), frame,
        "Weight column 'nope' does not exist");
    assertSchemaError(new SoftmaxCalibrator().setWeightCol("text"), frame,
        "Weight column 'text' must be of type numeric");
    assertSchemaError(new SoftmaxCalibrator().setInputCol("text"), frame,
        "Input column 'text' must be of type vector (VectorUDT), array<double> or array<float>");
    assertSchemaError(new SoftmaxCalibrator().setInputCol("absent"), frame,
        "Input column 'absent' does not exist");
    assertSchemaError(new SoftmaxCalibrator().setOutputCol("label"), frame,
        "Output column 'label' already exists");
  }

  @Test
  void invalidParamValuesAreRejectedWhenSet() {
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator();
    assertThrows(IllegalArgumentException.class, () -> calibrator.setMaxIter(0));
    assertThrows(IllegalArgumentException.class, () -> calibrator.setTol(-1e-3));
    assertThrows(IllegalArgumentException.class, () -> calibrator.setTopK(-1));
    assertThrows(IllegalArgumentException.class, () -> calibrator.setHandleInvalid("drop"));
    assertThrows(IllegalArgumentException.class, () -> calibrator.setLabelCol(""));
    assertEquals("", calibrator.setWeightCol("").getWeightCol());
  }

  @Test
  void calibratorAndFittedStagePersistLikeSparkStages(@TempDir Path dir) throws IOException {
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator().setInputCol("logits")
        .setWeightCol("weight").setMaxIter(7).setTol(1e-9).setOutputCol("calibrated")
        .setHandleInvalid("skip").setPredictionCol("prediction");
    String path = dir.resolve("calibrator").toString();
    calibrator.write().save(path);
    assertThrows(IOException.class, () -> calibrator.write().save(path));
    calibrator.write().overwrite().save(path);
    SoftmaxCalibrator loaded = SoftmaxCalibrator.load(path);
    assertEquals(calibrator.uid(), loaded.uid());
    assertEquals(calibrator.extractParamMap().toString(), loaded.extractParamMap().toString());

    Dataset<Row> frame = Labelled.drawn(200, 3, 0.6, new Random(1)).frame(false)
        .withColumn("weight", functions.lit(2.0));
    SoftmaxTransformer fitted = loaded.fit(frame);
    String stagePath = dir.resolve("fitted").toString();
    fitted.write().save(stagePath);
    SoftmaxTransformer reloaded = SoftmaxTransformer.load(stagePath);
    assertEquals(fitted.uid(), reloaded.uid());
    assertEquals(fitted.extractParamMap().toString(), reloaded.extractParamMap().toString());
    assertEquals(rows(fitted.transform(frame)), rows(reloaded.transform(frame)));
  }

  @Test
  void calibratesLogisticRegressionInsideAPipelineThatRoundTrips(@TempDir Path dir)
      throws IOException {
    Random random = new Random(12);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int label = i % 3;
      data.add(RowFactory.create((long) i, (double) label, Vectors.dense(
          label + 1.5 * random.nextGaussian(), random.nextGaussian() - label,
          random.nextGaussian())));
    }
    Dataset<Row> train = spark.createDataFrame(data, new StructType().add("id", DataTypes.LongType)
        .add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType()));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new LogisticRegression().setFamily("multinomial").setMaxIter(5),
        new SoftmaxCalibrator().setInputCol("rawPrediction").setOutputCol("calibrated")
            .setPredictionCol("calibratedPrediction")});
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().save(pipelinePath);
    PipelineModel model = Pipeline.load(pipelinePath).fit(train);
    SoftmaxTransformer stage = (SoftmaxTransformer) model.stages()[1];
    assertNotEquals(1.0, stage.getTemperature());

    List<Row> scored = model.transform(train).orderBy("id").collectAsList();
    for (Row row : scored) {
      double[] raw = ((Vector) row.getAs("rawPrediction")).toArray();
      SoftmaxTransformerTest.assertClose(
          SoftmaxTransformerTest.expected(raw, stage.getTemperature(), false),
          ((Vector) row.getAs("calibrated")).toArray(), false);
      assertEquals(row.<Double>getAs("prediction"), row.<Double>getAs("calibratedPrediction"));
    }
    String modelPath = dir.resolve("model").toString();
    model.write().save(modelPath);
    PipelineModel loaded = PipelineModel.load(modelPath);
    assertEquals(stage.getTemperature(),
        ((SoftmaxTransformer) loaded.stages()[1]).getTemperature(), 0.0);
    assertEquals(rows(model.transform(train).orderBy("id")),
        rows(loaded.transform(train).orderBy("id")));
  }

  @Test
  void theFittedStageGetsEverySharedParamAndBothExplainThem() {
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator().setInputCol("scores")
        .setOutputCol("calibrated").setLogSoftmax(true).setHandleInvalid("skip")
        .setPredictionCol("prediction").setTopK(2);
    Dataset<Row> frame = Labelled.drawn(100, 3, 0.8, new Random(4)).frame(false)
        .withColumnRenamed("logits", "scores");
    SoftmaxTransformer fitted = calibrator.copy(ParamMap.empty()).fit(frame);
    List<String> shared = new ArrayList<>();
    for (Method accessor : SoftmaxStageParams.class.getDeclaredMethods()) {
      if (Param.class.isAssignableFrom(accessor.getReturnType())) {
        String name = accessor.getName();
        shared.add(name);
        assertTrue(calibrator.isSet(calibrator.getParam(name)), name);
        assertEquals(calibrator.getOrDefault(calibrator.getParam(name)),
            fitted.getOrDefault(fitted.getParam(name)), name);
        assertTrue(calibrator.explainParams().contains(calibrator.getParam(name).doc()), name);
        assertTrue(fitted.explainParams().contains(fitted.getParam(name).doc()), name);
      }
    }
    assertEquals(6, shared.size(), shared.toString());
    assertEquals(List.of("scores", "calibrated", true, "skip", "prediction", 2),
        List.of(fitted.getInputCol(), fitted.getOutputCol(), fitted.getLogSoftmax(),
            fitted.getHandleInvalid(), fitted.getPredictionCol(), fitted.getTopK()));
    assertEquals("label", calibrator.getLabelCol());
  }

  @Test
  void defaultsAndParamsAreDiscoverableLikeSparkStages() {
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator();
    List<String> names = new ArrayList<>();
    for (org.apache.spark.ml.param.Param<?> p : calibrator.params()) {
      names.add(p.name());
      assertFalse(p.doc().isEmpty());
      assertTrue(calibrator.hasDefault(p), p.name());
    }
    assertEquals(List.of("handleInvalid", "inputCol", "labelCol", "logSoftmax", "maxIter",
        "outputCol", "predictionCol", "tol", "topK", "weightCol"), names);
    assertEquals(100, calibrator.getMaxIter());
    assertEquals(1e-6, calibrator.getTol());
    assertTrue(calibrator.uid().startsWith("softmaxCalibrator_"));
  }

  private static void assertSchemaError(SoftmaxCalibrator calibrator, Dataset<Row> frame,
      String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> calibrator.fit(frame));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static List<String> rows(Dataset<Row> frame) {
    List<String> rows = new ArrayList<>();
    for (Row row : frame.collectAsList()) {
      rows.add(row.toString());
    }
    return rows;
  }

  /** A frame (logits vector, label, weight) from triples of values. */
  private static Dataset<Row> weightedFrame(Object... triples) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      rows.add(RowFactory.create(triples[i], triples[i + 1], triples[i + 2]));
    }
    return spark.createDataFrame(rows, new StructType().add("logits", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType));
  }

  /** Logits and labels, with the mean NLL computed here in plain double arithmetic. */
  static final class Labelled {
    final double[][] logits;
    final int[] labels;

    private Labelled(double[][] logits, int[] labels) {
      this.logits = logits;
      this.labels = labels;
    }

    /**
     * Labels drawn from softmax(z) for Gaussian z (standard deviation 2), given as logits
     * {@code c * z}: the true temperature is {@code c}.
     */
    static Labelled drawn(int count, int classes, double c, Random random) {
      double[][] logits = new double[count][classes];
      int[] labels = new int[count];
      for (int r = 0; r < count; r++) {
        double[] z = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
          z[i] = 2.0 * random.nextGaussian();
          max = Math.max(max, z[i]);
        }
        double total = 0.0;
        for (int i = 0; i < classes; i++) {
          total += Math.exp(z[i] - max);
        }
        double draw = random.nextDouble() * total;
        int label = 0;
        while (label < classes - 1 && draw >= Math.exp(z[label] - max)) {
          draw -= Math.exp(z[label] - max);
          label++;
        }
        labels[r] = label;
        for (int i = 0; i < classes; i++) {
          logits[r][i] = c * z[i];
        }
      }
      return new Labelled(logits, labels);
    }

    Labelled roundedToFloat() {
      double[][] rounded = new double[logits.length][];
      for (int r = 0; r < logits.length; r++) {
        rounded[r] = new double[logits[r].length];
        for (int i = 0; i < rounded[r].length; i++) {
          rounded[r][i] = (float) logits[r][i];
        }
      }
      return new Labelled(rounded, labels);
    }

    double meanNll(double t) {
      double sum = 0.0;
      for (int r = 0; r < labels.length; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits[r]) {
          max = Math.max(max, v);
        }
        double total = 0.0;
        for (double v : logits[r]) {
          total += Math.exp((v - max) / t);
        }
        sum += Math.log(total) - (logits[r][labels[r]] - max) / t;
      }
      return sum / labels.length;
    }

    /** Columns id, logits (a vector, or array<double> when {@code asArray}) and label. */
    Dataset<Row> frame(boolean asArray) {
      List<Row> rows = new ArrayList<>();
      for (int r = 0; r < labels.length; r++) {
        Object row = asArray ? boxed(logits[r]) : Vectors.dense(logits[r]);
        rows.add(RowFactory.create((long) r, row, (double) labels[r]));
      }
      DataType type = asArray ? DataTypes.createArrayType(DataTypes.DoubleType)
          : SQLDataTypes.VectorType();
      return spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
          .add("logits", type).add("label", DataTypes.DoubleType));
    }

    private static Double[] boxed(double[] values) {
      Double[] boxed = new Double[values.length];
      for (int i = 0; i < values.length; i++) {
        boxed[i] = values[i];
      }
      return boxed;
    }
  }
}
