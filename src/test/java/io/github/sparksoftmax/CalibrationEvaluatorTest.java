package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationEvaluatorTest extends LocalSparkTest {
  /**
   * Four rows of three classes: (probabilities, label), with confidence, prediction and hit.
   * 0.7 -> 0 hit; 0.6 -> 1 miss; 0.5 -> 2 hit; 0.4 -> 0 miss (tie of 0 and 1, the lower wins).
   */
  private static final double[][] P = {
      {0.7, 0.2, 0.1}, {0.3, 0.6, 0.1}, {0.25, 0.25, 0.5}, {0.4, 0.4, 0.2}};
  private static final double[] Y = {0, 2, 2, 1};

  @Test
  void metricsEqualTheirDefinitionsWorkedByHand() {
    for (DataType type : new DataType[] {SQLDataTypes.VectorType(),
        DataTypes.createArrayType(DataTypes.DoubleType)}) {
      Dataset<Row> frame = frame(type, P, Y);
      double logLoss = (-Math.log(0.7) - Math.log(0.1) - Math.log(0.5) - Math.log(0.4)) / 4;
      double brier = ((0.3 * 0.3 + 0.2 * 0.2 + 0.1 * 0.1)
          + (0.3 * 0.3 + 0.6 * 0.6 + 0.9 * 0.9)
          + (0.25 * 0.25 + 0.25 * 0.25 + 0.5 * 0.5)
          + (0.4 * 0.4 + 0.6 * 0.6 + 0.2 * 0.2)) / 4;
      // Four bins (0, .25], (.25, .5], (.5, .75], (.75, 1]: 0.7 and 0.6 fall in the third, 0.5
      // (right-closed) and 0.4 in the second; each bin has one hit out of two rows.
      double ece = 2.0 / 4 * Math.abs(1.0 / 2 - (0.7 + 0.6) / 2)
          + 2.0 / 4 * Math.abs(1.0 / 2 - (0.5 + 0.4) / 2);
      assertEquals(logLoss, metric(frame, "logLoss", 15), 1e-15);
      assertEquals(brier, metric(frame, "brier", 15), 1e-15);
      assertEquals(ece, metric(frame, "ece", 4), 1e-15);
      assertEquals(0.5, metric(frame, "accuracy", 15));
    }
  }

  @Test
  void eceWithTheDefaultFifteenBinsAndAFloatArrayColumn() {
    double[][] p = {{0.9, 0.1}, {0.95, 0.05}, {0.55, 0.45}, {0.2, 0.8}};
    double[] y = {0, 1, 1, 1};
    Dataset<Row> frame = frame(DataTypes.createArrayType(DataTypes.FloatType), p, y);
    // Bins of width 1/15: the confidences 0.9, 0.95, 0.55 and 0.8 (as floats: 0.8f is just above
    // 0.8 = 12/15) fall in bins 13, 14, 8 and 12, one row each: ece = (1/4) sum |hit - confidence|.
    double ece = (Math.abs(1 - (double) 0.9f) + Math.abs(0 - (double) 0.95f)
        + Math.abs(0 - (double) 0.55f) + Math.abs(1 - (double) 0.8f)) / 4;
    assertEquals(ece, new CalibrationEvaluator().setMetricName("ece").evaluate(frame), 1e-15);
  }

  @Test
  void logLossClipsLikeSparkAndAgreesWithSparksEvaluator() {
    Random random = new Random(4);
    double[][] p = new double[50][];
    double[] y = new double[50];
    for (int r = 0; r < p.length; r++) {
      double a = random.nextDouble();
      double b = (1 - a) * random.nextDouble();
      p[r] = new double[] {a, b, 1 - a - b};
      y[r] = random.nextInt(3);
    }
    p[0] = new double[] {1.0, 0.0, 0.0};
    y[0] = 1;
    Dataset<Row> frame = frame(SQLDataTypes.VectorType(), p, y);
    MulticlassClassificationEvaluator spark = new MulticlassClassificationEvaluator()
        .setProbabilityCol("probability").setPredictionCol("prediction");
    Dataset<Row> withPrediction = frame.withColumn("prediction", functions.lit(0.0));
    assertEquals(spark.setMetricName("logLoss").evaluate(withPrediction),
        new CalibrationEvaluator().evaluate(frame), 1e-12);
    Dataset<Row> certainAndWrong = frame(SQLDataTypes.VectorType(),
        new double[][] {{1.0, 0.0, 0.0}}, new double[] {1});
    assertEquals(-Math.log(1e-15), new CalibrationEvaluator().evaluate(certainAndWrong), 1e-12);
  }

  @Test
  void onlyAccuracyIsLargerBetter() {
    CalibrationEvaluator evaluator = new CalibrationEvaluator();
    for (String metric : CalibrationEvaluator.METRICS) {
      assertEquals(metric.equals("accuracy"), evaluator.setMetricName(metric).isLargerBetter());
    }
  }

  @Test
  void crossValidatorPicksTheFittedTemperatureOverTheUntouchedOne() {
    SoftmaxCalibratorTest.Labelled data =
        SoftmaxCalibratorTest.Labelled.drawn(600, 4, 3.0, new Random(10));
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator();
    ParamMap[] grid = new ParamGridBuilder().addGrid(calibrator.maxIter(), new int[] {1, 100})
        .build();
    for (String metric : new String[] {"logLoss", "brier"}) {
      CrossValidatorModel model = new CrossValidator().setEstimator(calibrator)
          .setEstimatorParamMaps(grid).setNumFolds(2).setSeed(1)
          .setEvaluator(new CalibrationEvaluator().setMetricName(metric))
          .fit(data.frame(false));
      double temperature = ((SoftmaxTransformer) model.bestModel()).getTemperature();
      assertEquals(3.0, temperature, 0.5, metric);
    }
  }

  @Test
  @ExpectsTaskFailures
  void invalidRowsFailNamingTheProblem() {
    Object[][] cases = {
        {null, 0.0, "in column 'probability', the row is null"},
        {Vectors.dense(0.5, Double.NaN), 0.0, "the row has a NaN entry"},
        {Vectors.dense(new double[0]), 0.0, "the row is empty"},
        {Vectors.dense(0.5, 0.5), 2.0, "the label 2.0 in column 'label' is not a class index in"
            + " [0, 2)"},
        {Vectors.dense(0.5, 0.5), null, "the label null"},
    };
    for (Object[] c : cases) {
      Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(c[0], c[1])),
          new StructType().add("probability", SQLDataTypes.VectorType())
              .add("label", DataTypes.DoubleType));
      SparkException e = assertThrows(SparkException.class,
          () -> new CalibrationEvaluator().evaluate(frame));
      String message = SoftmaxTransformerTest.fullMessage(e);
      assertTrue(message.contains((String) c[2]), message);
    }
    Dataset<Row> empty = frame(SQLDataTypes.VectorType(), P, Y).limit(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CalibrationEvaluator().evaluate(empty));
    assertTrue(e.getMessage().contains("no rows"), e.getMessage());
  }

  @Test
  void schemaErrorsNameTheColumn() {
    Dataset<Row> frame = frame(SQLDataTypes.VectorType(), P, Y)
        .withColumn("text", functions.lit("a"));
    String[][] cases = {
        {"missing", "label", "Probability column 'missing' does not exist"},
        {"text", "label", "Probability column 'text' must be of type vector (VectorUDT)"},
        {"probability", "text", "Label column 'text' must be of type numeric but got string"},
        {"probability", "nope", "Label column 'nope' does not exist"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new CalibrationEvaluator().setProbabilityCol(c[0]).setLabelCol(c[1])
              .evaluate(frame));
      assertTrue(e.getMessage().contains(c[2]), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new CalibrationEvaluator().setNumBins(0));
    assertThrows(IllegalArgumentException.class,
        () -> new CalibrationEvaluator().setMetricName("f1"));
  }

  @Test
  void persistsLikeSparkStages(@TempDir Path dir) throws IOException {
    CalibrationEvaluator evaluator = new CalibrationEvaluator().setProbabilityCol("p")
        .setLabelCol("y").setMetricName("ece").setNumBins(10);
    String path = dir.resolve("evaluator").toString();
    evaluator.write().save(path);
    assertThrows(IOException.class, () -> evaluator.write().save(path));
    evaluator.write().overwrite().save(path);
    CalibrationEvaluator loaded = CalibrationEvaluator.load(path);
    assertEquals(evaluator.uid(), loaded.uid());
    assertEquals(evaluator.extractParamMap().toString(), loaded.extractParamMap().toString());
    assertFalse(loaded.isLargerBetter());
  }

  private static double metric(Dataset<Row> frame, String metric, int bins) {
    return new CalibrationEvaluator().setMetricName(metric).setNumBins(bins).evaluate(frame);
  }

  private static Dataset<Row> frame(DataType type, double[][] p, double[] y) {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < p.length; r++) {
      Object value;
      if (type.equals(SQLDataTypes.VectorType())) {
        value = Vectors.dense(p[r]);
      } else if (type.equals(DataTypes.createArrayType(DataTypes.DoubleType))) {
        value = java.util.Arrays.stream(p[r]).boxed().toArray(Double[]::new);
      } else {
        Float[] floats = new Float[p[r].length];
        for (int i = 0; i < floats.length; i++) {
          floats[i] = (float) p[r][i];
        }
        value = floats;
      }
      rows.add(RowFactory.create(value, y[r]));
    }
    return spark.createDataFrame(rows, new StructType().add("probability", type)
        .add("label", DataTypes.DoubleType));
  }
}
