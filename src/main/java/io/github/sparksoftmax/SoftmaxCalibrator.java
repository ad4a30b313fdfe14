package io.github.sparksoftmax;

import io.github.sparksoftmax.kernel.TemperatureLoss;
import io.github.sparksoftmax.kernel.TemperatureSearch;
import io.github.sparksoftmax.stage.ColumnChecks;
import io.github.sparksoftmax.stage.ColumnNameValidator;
import io.github.sparksoftmax.stage.HandleInvalid;
import io.github.sparksoftmax.stage.SoftmaxParams;
import io.github.sparksoftmax.stage.StageReader;
import io.github.sparksoftmax.stage.StringParam;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits the temperature of a {@link SoftmaxTransformer} by temperature scaling: the {@code T > 0}
 * that minimises the mean (weighted) negative log-likelihood of {@code softmax(x / T)} at each
 * row's label. The search ({@link TemperatureSearch}: Newton on {@code log T} with a bracketing
 * safeguard) starts at {@code T = 1}, returns a temperature whose loss is never above that at 1,
 * and keeps T within [1e-6, 1e6]. Each step is one distributed pass over the rows, which are read
 * once into a persisted RDD and never collected to the driver.
 *
 * <p>Input: logits ({@code inputCol}: vector, {@code array<double>} or {@code array<float>}), the
 * label ({@code labelCol}: a class index of any numeric type, as Spark classifiers use) and an
 * optional weight ({@code weightCol}). Invalid rows (see {@link CalibrationRows}) fail the fit
 * under {@code handleInvalid = error} and are left out of it under {@code skip} and {@code keep}.
 * The fitted stage has the estimator's uid, the fitted temperature and the estimator's output
 * params ({@code inputCol}, {@code outputCol}, {@code logSoftmax}, {@code handleInvalid}, {@code
 * predictionCol}, {@code topK}).
 *
 * <p>It fits on a row of logits per labelled example and has no {@code groupCol}: its fitted stage
 * scores rows of logits. Long-format data (a row per candidate) is fitted once its groups are
 * collected into arrays of scores with the label as the index of the chosen candidate; the fitted
 * stage then scores long-format rows with {@code setGroupCol} and the fitted temperature.
 */
public class SoftmaxCalibrator extends Estimator<SoftmaxTransformer>
    implements SoftmaxStageParams, HasLabelCol, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> labelCol;
  private final Param<String> weightCol;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final Param<String> outputCol;
  private final BooleanParam logSoftmax;
  private final Param<String> handleInvalid;
  private final Param<String> predictionCol;
  private final IntParam topK;

  /** A calibrator with a random uid and default params. */
  public SoftmaxCalibrator() {
    this(Identifiable.randomUID("softmaxCalibrator"));
  }

  /** A calibrator with the given uid and default params (used when loading). */
  public SoftmaxCalibrator(String uid) {
    this.uid = uid;
    inputCol = SoftmaxParams.inputCol(this);
    labelCol = SoftmaxParams.labelCol(this);
    weightCol = StringParam.of(this, "weightCol", "if not empty, a numeric column of row weights,"
        + " finite and >= 0; otherwise every row weighs 1", ColumnNameValidator.optional());
    maxIter = new IntParam(this, "maxIter", "maximum number of passes over the data, each"
        + " evaluating the loss and its derivatives at one temperature (>= 1)",
        ParamValidators.gtEq(1));
    tol = new DoubleParam(this, "tol", "stop when the next step would change log T, or lower the"
        + " mean NLL in nats, by at most tol (>= 0)", ParamValidators.gtEq(0.0));
    outputCol = SoftmaxParams.outputCol(this);
    logSoftmax = SoftmaxParams.logSoftmax(this);
    handleInvalid = StringParam.of(this, "handleInvalid", "what to do with an invalid row (null or"
        + " NaN logits, a label that is not a class index or whose probability is always 0, a bad"
        + " weight): 'error' fails the fit, 'skip' and 'keep' leave it out of the fit; the fitted"
        + " stage inherits the value", ParamValidators.inArray(HandleInvalid.NAMES));
    predictionCol = SoftmaxParams.predictionCol(this);
    topK = SoftmaxParams.topK(this);
    setDefault(inputCol, "logits");
    setDefault(labelCol, "label");
    setDefault(weightCol, "");
    setDefault(maxIter, 100);
    setDefault(tol, 1e-6);
    setDefault(outputCol, "probability");
    setDefault(logSoftmax, false);
    setDefault(handleInvalid, "error");
    setDefault(predictionCol, "");
    setDefault(topK, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Param<String> inputCol() {
    return inputCol;
  }

  @Override
  public Param<String> labelCol() {
    return labelCol;
  }

  /** Optional weight column; empty for weight 1 (the default). */
  public Param<String> weightCol() {
    return weightCol;
  }

  /** Maximum number of passes over the data (default 100). */
  public IntParam maxIter() {
    return maxIter;
  }

  /** Convergence tolerance (default 1e-6). */
  public DoubleParam tol() {
    return tol;
  }

  /** Output column of the fitted stage (default {@code probability}). */
  @Override
  public Param<String> outputCol() {
    return outputCol;
  }

  /** Whether the fitted stage outputs log-probabilities (default false). */
  @Override
  public BooleanParam logSoftmax() {
    return logSoftmax;
  }

  @Override
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  /** Optional argmax column of the fitted stage; empty for none (the default). */
  @Override
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** Top-k output of the fitted stage (default 0: every entry); see {@link SoftmaxTransformer}. */
  @Override
  public IntParam topK() {
    return topK;
  }

  public String getWeightCol() {
    return getOrDefault(weightCol);
  }

  public int getMaxIter() {
    return (Integer) getOrDefault(maxIter);
  }

  public double getTol() {
    return (Double) getOrDefault(tol);
  }

  public SoftmaxCalibrator setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public SoftmaxCalibrator setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  public SoftmaxCalibrator setWeightCol(String value) {
    set(weightCol, value);
    return this;
  }

  public SoftmaxCalibrator setMaxIter(int value) {
    set(maxIter, value);
    return this;
  }

  public SoftmaxCalibrator setTol(double value) {
    set(tol, value);
    return this;
  }

  public SoftmaxCalibrator setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public SoftmaxCalibrator setLogSoftmax(boolean value) {
    set(logSoftmax, value);
    return this;
  }

  public SoftmaxCalibrator setHandleInvalid(String value) {
    set(handleInvalid, value);
    return this;
  }

  public SoftmaxCalibrator setPredictionCol(String value) {
    set(predictionCol, value);
    return this;
  }

  public SoftmaxCalibrator setTopK(int value) {
    set(topK, value);
    return this;
  }

  /**
   * Checks the label and weight columns and returns the schema that the fitted stage produces.
   *
   * @throws IllegalArgumentException if the label or weight column is missing or not numeric, or
   *     for any schema error of the fitted stage (see {@link SoftmaxTransformer#transformSchema})
   */
  @Override
  public StructType transformSchema(StructType schema) {
    ColumnChecks.numeric(schema, getLabelCol(), "Label column");
    if (!getWeightCol().isEmpty()) {
      ColumnChecks.numeric(schema, getWeightCol(), "Weight column");
    }
    return fitted(1.0).transformSchema(schema);
  }

  /**
   * Fits the temperature on the dataset's valid rows.
   *
   * @throws IllegalArgumentException for a schema error (before any pass), or if there is no valid
   *     row of positive weight; an invalid row under {@code handleInvalid = error} fails the first
   *     pass with a {@code SparkException} whose cause names the problem
   */
  @Override
  public SoftmaxTransformer fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    String weight = getWeightCol();
    CalibrationRows reader = new CalibrationRows(getInputCol(), getLabelCol(), weight,
        HandleInvalid.fromParam(getHandleInvalid()));
    Column weights = weight.isEmpty() ? functions.lit(1.0) : dataset.col(weight);
    JavaRDD<CalibrationRows.Labelled> rows = dataset.select(dataset.col(getInputCol()),
            dataset.col(getLabelCol()).cast(DataTypes.DoubleType),
            weights.cast(DataTypes.DoubleType))
        .javaRDD().map(reader::read).filter(Objects::nonNull)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return fitted(TemperatureSearch.minimise(
          temperature -> lossOf(rows, temperature), getMaxIter(), getTol()));
    } finally {
      rows.unpersist(false);
    }
  }

  @Override
  public SoftmaxCalibrator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads a calibrator saved with {@code write().save(path)}. */
  public static MLReader<SoftmaxCalibrator> read() {
    return new StageReader<>(SoftmaxCalibrator.class);
  }

  /** Loads a calibrator saved at {@code path}. */
  public static SoftmaxCalibrator load(String path) {
    return read().load(path);
  }

  /** One pass: the loss over every valid row at {@code temperature}. */
  private static TemperatureLoss lossOf(
      JavaRDD<CalibrationRows.Labelled> rows, double temperature) {
    TemperatureLoss loss = rows.treeAggregate(new TemperatureLoss(temperature),
        (sum, row) -> sum.add(row.logits(), row.label(), row.weight()), TemperatureLoss::merge);
    if (!(loss.totalWeight() > 0.0)) {
      throw new IllegalArgumentException("SoftmaxCalibrator has no row to fit on: the dataset is"
          + " empty, or every row is invalid (left out under handleInvalid) or of weight 0"
          + " (" + loss.rows() + " valid rows).");
    }
    return loss;
  }

  /** The stage this calibrator fits, at {@code temperature}, with its output params. */
  private SoftmaxTransformer fitted(double temperature) {
    SoftmaxTransformer stage = new SoftmaxTransformer(uid).setTemperature(temperature);
    return copyValues(stage, ParamMap.empty()).setParent(this);
  }
}
