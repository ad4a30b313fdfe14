package io.github.sparksoftmax.release;

import io.github.sparksoftmax.CalibrationEvaluator;
import io.github.sparksoftmax.SoftmaxCalibrator;
import io.github.sparksoftmax.SoftmaxExtensions;
import io.github.sparksoftmax.SoftmaxTransformer;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A smoke test of the public API, run by {@link CompatibilityIT} in a JVM of its own on one Spark
 * runtime with the thin jar: every input type, log space, temperature, generated and interpreted
 * code, top-k, the prediction column, the three {@code handleInvalid} policies, both ways to get the
 * SQL functions, save and load, the calibrator, the evaluator, a Pipeline and a streaming Dataset.
 * Each result is held to the accuracy contract against {@link ExactSoftmax} (or, for the calibrator
 * and the evaluator, to a value computed here another way). It prints one line per check ({@code ok
 * NAME (T ms)} or {@code FAIL NAME: why (T ms)}) and a last line {@code smoke: P passed, F failed},
 * and exits with 1 if any check failed.
 */
public final class CompatibilitySmoke {
  private static final double[][] DENSE = {
      {0.0, Math.log(2), Math.log(3), Math.log(4)},
      {1000.0, 1001.0, 1002.0, 999.5},
      {Double.NEGATIVE_INFINITY, 0.0, -3.25, 1e-3},
      {-7.5, 12.0, 0.125, 12.0}};
  private static final double TEMPERATURE = 1.75;

  /**
   * The one check of Spark alone: ML vectors written to parquet and read back as text, as {@code
   * show()} prints them. Spark 3.4.0 and 3.4.1 read zeros there: with their nested-column
   * vectorized parquet reader (on by default), {@code ColumnarArray.toDoubleArray()} gives zeros.
   */
  static final String SPARK_READS_VECTORS = "Spark reads ML vectors back from parquet";

  private final SparkSession spark;
  private final Map<String, String> failures = new LinkedHashMap<>();
  private int passed;

  private CompatibilitySmoke(SparkSession spark) {
    this.spark = spark;
  }

  /** Runs every check; the argument is a scratch folder. */
  public static void main(String[] args) throws Exception {
    Path scratch = Path.of(args[0]);
    SparkSession spark = SparkSession.builder().master("local[1]").appName("compatibility-smoke")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", SoftmaxExtensions.class.getName())
        .getOrCreate();
    CompatibilitySmoke smoke = new CompatibilitySmoke(spark);
    System.out.println("Spark " + spark.version());
    smoke.runAll(scratch);
    spark.stop();
    System.out.println("smoke: " + smoke.passed + " passed, " + smoke.failures.size() + " failed");
    System.exit(smoke.failures.isEmpty() ? 0 : 1);
  }

  private void runAll(Path scratch) {
    check("dense vectors", () -> assertExact(vectors(false), 1.0, false, new SoftmaxTransformer()));
    check("sparse vectors", () -> assertExact(vectors(true), 1.0, false, new SoftmaxTransformer()));
    check("array<double>", () -> assertExact(doubles(), TEMPERATURE, false,
        new SoftmaxTransformer().setTemperature(TEMPERATURE)));
    check("array<float>", this::checkFloats);
    check("log-softmax", () -> assertExact(vectors(false), TEMPERATURE, true,
        new SoftmaxTransformer().setTemperature(TEMPERATURE).setLogSoftmax(true)));
    check("interpreted code has the generated code's bits", this::checkInterpreted);
    check("top-k", this::checkTopK);
    check("prediction column", this::checkPrediction);
    check("handleInvalid=skip", () -> require(new SoftmaxTransformer().setHandleInvalid("skip")
        .transform(withInvalidRows()).count() == DENSE.length, "the invalid rows were not dropped"));
    check("handleInvalid=keep", this::checkKeep);
    check("handleInvalid=error", this::checkError);
    check("SQL functions from spark.sql.extensions", () -> checkSql(spark));
    check("SQL functions registered on a session", () -> {
      SparkSession session = spark.newSession();
      SoftmaxFunctions.register(session);
      checkSql(session);
    });
    check("save and load", () -> checkSaveAndLoad(scratch.resolve("stage")));
    check("calibrator", this::checkCalibrator);
    check("evaluator", this::checkEvaluator);
    check("pipeline", () -> checkPipeline(scratch.resolve("pipeline")));
    check("streaming", () -> checkStreaming(scratch.resolve("stream")));
    check(SPARK_READS_VECTORS, () -> checkSparkReadsVectors(scratch.resolve("vectors")));
  }

  private void checkFloats() {
    List<Row> rows = rows(row -> Arrays.stream(row).mapToObj(x -> (float) x)
        .collect(Collectors.toList()));
    Dataset<Row> data = dataset(rows, DataTypes.createArrayType(DataTypes.FloatType));
    for (Row row : new SoftmaxTransformer().transform(data).collectAsList()) {
      List<Float> logits = row.getList(1);
      List<Float> probabilities = row.getList(2);
      ExactSoftmax exact = ExactSoftmax.of(logits.stream().mapToDouble(Float::doubleValue)
          .toArray(), 1.0);
      for (int i = 0; i < logits.size(); i++) {
        require(exact.floatProbabilityUlps(i, probabilities.get(i)) <= 1,
            "float entry " + i + " of row " + row);
      }
    }
  }

  private void checkInterpreted() {
    SoftmaxTransformer stage = new SoftmaxTransformer().setTemperature(TEMPERATURE);
    List<Row> generated = stage.transform(vectors(false)).collectAsList();
    spark.conf().set("spark.sql.codegen.wholeStage", "false");
    spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    try {
      List<Row> interpreted = stage.transform(vectors(false)).collectAsList();
      require(generated.equals(interpreted), "interpreted " + interpreted + " vs generated "
          + generated);
    } finally {
      spark.conf().unset("spark.sql.codegen.wholeStage");
      spark.conf().unset("spark.sql.codegen.factoryMode");
    }
  }

  private void checkTopK() {
    for (Row row : new SoftmaxTransformer().setTopK(2).transform(vectors(false)).collectAsList()) {
      double[] logits = ((Vector) row.get(1)).toArray();
      Vector top = (Vector) row.get(2);
      ExactSoftmax exact = ExactSoftmax.of(logits, 1.0);
      Integer[] order = new Integer[logits.length];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Double.compare(logits[b], logits[a])
          : Integer.compare(a, b));
      require(top.numActives() == 2 && top.size() == logits.length, "top-2 of " + row);
      for (int rank = 0; rank < 2; rank++) {
        int i = order[rank];
        require(exact.probabilityUlps(i, top.apply(i)) <= 4, "top entry " + i + " of " + row);
      }
    }
  }

  private void checkPrediction() {
    for (Row row : new SoftmaxTransformer().setPredictionCol("prediction")
        .transform(vectors(false)).collectAsList()) {
      double[] logits = ((Vector) row.get(1)).toArray();
      int argmax = 0;
      for (int i = 1; i < logits.length; i++) {
        argmax = logits[i] > logits[argmax] ? i : argmax;
      }
      require(row.getDouble(3) == argmax, "prediction of " + row);
    }
  }

  private void checkKeep() {
    List<Row> rows = new SoftmaxTransformer().setHandleInvalid("keep")
        .transform(withInvalidRows()).collectAsList();
    require(rows.size() == DENSE.length + 2, "kept " + rows.size() + " rows");
    require(rows.get(DENSE.length).isNullAt(2), "a null row gives " + rows.get(DENSE.length));
    for (double p : ((Vector) rows.get(DENSE.length + 1).get(2)).toArray()) {
      require(Double.isNaN(p), "a NaN row gives " + rows.get(DENSE.length + 1));
    }
  }

  private void checkError() {
    try {
      new SoftmaxTransformer().transform(withInvalidRows()).collectAsList();
    } catch (Exception e) {
      String message = String.valueOf(e.getMessage());
      require(message.contains("Softmax is undefined for a row of column 'logits'"), message);
      return;
    }
    throw new AssertionError("an invalid row did not fail the action");
  }

  private void checkSql(SparkSession session) {
    Row row = session.sql("SELECT softmax(array(0D, ln(3D))), log_softmax(array(0D, ln(9D)), 2D),"
        + " softmax(array(CAST(0 AS FLOAT), CAST(1 AS FLOAT)))").first();
    double[] probabilities = toDoubles(row.getList(0));
    double[] logs = toDoubles(row.getList(1));
    ExactSoftmax exact = ExactSoftmax.of(new double[] {0.0, Math.log(3)}, 1.0);
    ExactSoftmax exactLog = ExactSoftmax.of(new double[] {0.0, Math.log(9)}, 2.0);
    ExactSoftmax exactFloat = ExactSoftmax.of(new double[] {0.0, 1.0}, 1.0);
    List<Float> floats = row.getList(2);
    for (int i = 0; i < 2; i++) {
      require(exact.probabilityUlps(i, probabilities[i]) <= 4, "softmax " + row);
      require(exactLog.logProbabilityUlps(i, logs[i]) <= 4, "log_softmax " + row);
      require(exactFloat.floatProbabilityUlps(i, floats.get(i)) <= 1, "float softmax " + row);
    }
    session.createDataFrame(vectors(true).collectAsList(), vectors(true).schema())
        .createOrReplaceTempView("smoke_logits");
    for (Row scored : session.sql("SELECT logits, softmax(logits, " + TEMPERATURE + ")"
        + " FROM smoke_logits").collectAsList()) {
      assertRowExact(((Vector) scored.get(0)).toArray(), ((Vector) scored.get(1)).toArray(),
          TEMPERATURE, false);
    }
  }

  private void checkSaveAndLoad(Path path) throws Exception {
    SoftmaxTransformer stage = new SoftmaxTransformer().setInputCol("logits")
        .setOutputCol("p").setTemperature(0.5).setLogSoftmax(true).setHandleInvalid("skip")
        .setPredictionCol("class").setTopK(3);
    stage.write().overwrite().save(path.toString());
    SoftmaxTransformer loaded = SoftmaxTransformer.load(path.toString());
    require(loaded.uid().equals(stage.uid()), "uid " + loaded.uid());
    require(loaded.extractParamMap().toString().equals(stage.extractParamMap().toString()),
        "params " + loaded.extractParamMap());
    require(loaded.transform(withInvalidRows()).collectAsList()
        .equals(stage.transform(withInvalidRows()).collectAsList()), "loaded output differs");
  }

  /**
   * Labels drawn from softmax(z), logits given as 2z: the calibrator must find a temperature near
   * 2 and a loss no higher than at 1 (the NLL computed here from the exact reference).
   */
  private void checkCalibrator() {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 2000; n++) {
      double[] z = new double[4];
      for (int i = 0; i < z.length; i++) {
        z[i] = random.nextGaussian() * 1.5;
      }
      ExactSoftmax truth = ExactSoftmax.of(z, 1.0);
      double u = random.nextDouble();
      int label = 0;
      for (double cumulative = truth.probability(0); cumulative < u && label < 3; ) {
        cumulative += truth.probability(++label);
      }
      rows.add(RowFactory.create(Vectors.dense(2 * z[0], 2 * z[1], 2 * z[2], 2 * z[3]),
          (double) label));
    }
    Dataset<Row> data = spark.createDataFrame(rows, new StructType(new StructField[] {
        new StructField("logits", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty())}));
    double t = new SoftmaxCalibrator().fit(data).getTemperature();
    require(Math.abs(t - 2.0) < 0.2, "fitted temperature " + t + ", expected about 2");
    require(meanNll(rows, t) <= meanNll(rows, 1.0), "the fitted loss is above the loss at T = 1");
  }

  private static double meanNll(List<Row> rows, double temperature) {
    double sum = 0;
    for (Row row : rows) {
      ExactSoftmax exact = ExactSoftmax.of(((Vector) row.get(0)).toArray(), temperature);
      sum -= exact.logProbability((int) row.getDouble(1));
    }
    return sum / rows.size();
  }

  private void checkEvaluator() {
    List<Row> rows = List.of(
        RowFactory.create(Vectors.dense(0.7, 0.2, 0.1), 0.0),
        RowFactory.create(Vectors.dense(0.25, 0.5, 0.25), 2.0),
        RowFactory.create(Vectors.dense(0.1, 0.3, 0.6), 2.0));
    Dataset<Row> data = spark.createDataFrame(rows, new StructType(new StructField[] {
        new StructField("probability", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty())}));
    double expected = -(Math.log(0.7) + Math.log(0.25) + Math.log(0.6)) / 3;
    double logLoss = new CalibrationEvaluator().evaluate(data);
    require(Math.abs(logLoss - expected) <= 1e-15 * expected, "logLoss " + logLoss + " vs "
        + expected);
    double accuracy = new CalibrationEvaluator().setMetricName("accuracy").evaluate(data);
    require(accuracy == 2.0 / 3, "accuracy " + accuracy);
  }

  private void checkPipeline(Path path) throws Exception {
    List<Row> rows = new ArrayList<>();
    Random random = new Random(11);
    for (int n = 0; n < 90; n++) {
      int label = n % 3;
      rows.add(RowFactory.create((double) label, Vectors.dense(label + random.nextGaussian(),
          -label + random.nextGaussian())));
    }
    Dataset<Row> data = spark.createDataFrame(rows, new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())}));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new LogisticRegression().setFamily("multinomial").setMaxIter(5),
        new SoftmaxTransformer().setInputCol("rawPrediction").setOutputCol("softmax")
            .setTemperature(TEMPERATURE)});
    PipelineModel model = pipeline.fit(data);
    model.write().overwrite().save(path.toString());
    List<Row> scored = model.transform(data).select("rawPrediction", "softmax").collectAsList();
    require(PipelineModel.load(path.toString()).transform(data).select("rawPrediction", "softmax")
        .collectAsList().equals(scored), "the loaded pipeline's output differs");
    for (Row row : scored) {
      assertRowExact(((Vector) row.get(0)).toArray(), ((Vector) row.get(1)).toArray(),
          TEMPERATURE, false);
    }
  }

  private void checkSparkReadsVectors(Path dir) {
    vectors(false).write().parquet(dir.toString());
    // Cast straight from the scan's columnar rows, as show() does: no sort in between, which
    // would copy the rows first.
    for (Row row : spark.read().parquet(dir.toString())
        .selectExpr("id", "CAST(logits AS STRING)").collectAsList()) {
      String expected = Vectors.dense(DENSE[(int) row.getLong(0)]).toString();
      require(row.getString(1).equals(expected), "row " + row.getLong(0) + " reads back as "
          + row.getString(1) + ", not " + expected);
    }
  }

  private void checkStreaming(Path dir) throws Exception {
    Dataset<Row> batch = doubles();
    batch.write().parquet(dir.resolve("input").toString());
    Dataset<Row> stream = spark.readStream().schema(batch.schema())
        .parquet(dir.resolve("input").toString());
    SoftmaxTransformer stage = new SoftmaxTransformer().setTemperature(TEMPERATURE);
    stage.transform(stream).writeStream().format("memory").queryName("smoke_stream")
        .option("checkpointLocation", dir.resolve("checkpoint").toString())
        .trigger(org.apache.spark.sql.streaming.Trigger.Once()).start().awaitTermination();
    List<Row> streamed = spark.sql("SELECT * FROM smoke_stream ORDER BY id").collectAsList();
    require(streamed.equals(stage.transform(batch).orderBy("id").collectAsList()),
        "streamed " + streamed);
  }

  private void assertExact(Dataset<Row> data, double temperature, boolean log,
      SoftmaxTransformer stage) {
    for (Row row : stage.transform(data).collectAsList()) {
      Object logits = row.get(1);
      Object result = row.get(2);
      assertRowExact(logits instanceof Vector ? ((Vector) logits).toArray()
              : toDoubles(row.getList(1)),
          result instanceof Vector ? ((Vector) result).toArray() : toDoubles(row.getList(2)),
          temperature, log);
    }
  }

  private static void assertRowExact(double[] logits, double[] result, double temperature,
      boolean log) {
    ExactSoftmax exact = ExactSoftmax.of(logits, temperature);
    require(result.length == logits.length, "length of " + Arrays.toString(result));
    for (int i = 0; i < logits.length; i++) {
      double ulps = log ? exact.logProbabilityUlps(i, result[i])
          : exact.probabilityUlps(i, result[i]);
      require(ulps <= 4, "entry " + i + " of " + Arrays.toString(result) + " for logits "
          + Arrays.toString(logits) + ": " + ulps + " ulps");
    }
  }

  private Dataset<Row> vectors(boolean sparse) {
    return dataset(rows(row -> sparse ? Vectors.dense(row).toSparse() : Vectors.dense(row)),
        SQLDataTypes.VectorType());
  }

  private Dataset<Row> doubles() {
    return dataset(rows(row -> Arrays.stream(row).boxed().collect(Collectors.toList())),
        DataTypes.createArrayType(DataTypes.DoubleType));
  }

  /** The dense rows, then a null row and a row with a NaN entry. */
  private Dataset<Row> withInvalidRows() {
    List<Row> rows = new ArrayList<>(rows(Vectors::dense));
    rows.add(RowFactory.create((long) DENSE.length, null));
    rows.add(RowFactory.create((long) DENSE.length + 1, Vectors.dense(1.0, Double.NaN)));
    return dataset(rows, SQLDataTypes.VectorType());
  }

  /** One row per {@link #DENSE} row: its index as {@code id}, then its logits as a value. */
  private static List<Row> rows(Function<double[], Object> logits) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < DENSE.length; i++) {
      rows.add(RowFactory.create((long) i, logits.apply(DENSE[i])));
    }
    return rows;
  }

  private Dataset<Row> dataset(List<Row> rows, DataType logitsType) {
    return spark.createDataFrame(rows, new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("logits", logitsType, true, Metadata.empty())}));
  }

  private static double[] toDoubles(List<?> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  private void check(String name, ThrowingCheck check) {
    long start = System.nanoTime();
    try {
      check.run();
      passed++;
      System.out.println("ok " + name + " (" + millisSince(start) + " ms)");
    } catch (Throwable e) {
      failures.put(name, e.toString());
      System.out.println("FAIL " + name + ": " + e.toString().replaceAll("\\s+", " ") + " ("
          + millisSince(start) + " ms)");
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new AssertionError(problem);
    }
  }

  @FunctionalInterface
  private interface ThrowingCheck {
    void run() throws Exception;
  }
}
