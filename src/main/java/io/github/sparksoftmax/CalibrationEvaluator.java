package io.github.sparksoftmax;

import io.github.sparksoftmax.kernel.RowStatus;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.stage.ColumnChecks;
import io.github.sparksoftmax.stage.ColumnNameValidator;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.SoftmaxParams;
import io.github.sparksoftmax.stage.StageReader;
import io.github.sparksoftmax.stage.StringParam;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Measures how well predicted class probabilities are calibrated against labels, in one
 * distributed pass. Input: a column of full probability distributions ({@code probabilityCol}:
 * vector, {@code array<double>} or {@code array<float>}; not log-probabilities, not a top-k
 * output) and a label column of class indices of a numeric type. Metrics ({@code metricName}),
 * over {@code N} rows with confidence {@code c = max_i p_i} and prediction its index:
 *
 * <ul>
 *   <li>{@code logLoss} (default): {@code (1/N) sum -log(max(p_y, 1e-15))}, as Spark's
 *       {@code MulticlassClassificationEvaluator} computes it;
 *   <li>{@code brier}: the multiclass Brier score {@code (1/N) sum sum_i (p_i - 1[i = y])^2};
 *   <li>{@code ece}: the expected calibration error {@code sum_b (N_b / N) |accuracy_b - mean
 *       confidence_b|} over {@code numBins} equal-width confidence bins {@code ((b-1)/B, b/B]};
 *   <li>{@code accuracy}: the fraction of rows whose prediction (lowest index among ties) is the
 *       label.
 * </ul>
 *
 * <p>Only accuracy is larger-better, so the evaluator steers {@code CrossValidator} correctly for
 * every metric. A null probability row, one with a NaN entry or no entry, or a label that is not a
 * class index fails the evaluation naming the problem; so does a dataset with no rows.
 */
public class CalibrationEvaluator extends Evaluator
    implements HasLabelCol, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The accepted metric names. */
  public static final List<String> METRICS = Arrays.asList("logLoss", "brier", "ece", "accuracy");

  private final String uid;
  private final Param<String> probabilityCol;
  private final Param<String> labelCol;
  private final Param<String> metricName;
  private final IntParam numBins;

  /** An evaluator with a random uid and default params. */
  public CalibrationEvaluator() {
    this(Identifiable.randomUID("calibrationEvaluator"));
  }

  /** An evaluator with the given uid and default params (used when loading). */
  public CalibrationEvaluator(String uid) {
    this.uid = uid;
    probabilityCol = StringParam.of(this, "probabilityCol", "column of class probabilities: vector,"
        + " array<double> or array<float>", ColumnNameValidator.required());
    labelCol = SoftmaxParams.labelCol(this);
    metricName = StringParam.of(this, "metricName", "metric: logLoss, brier, ece (expected"
        + " calibration error) or accuracy", ParamValidators.inArray(METRICS));
    numBins = new IntParam(this, "numBins", "number of equal-width confidence bins of the"
        + " expected calibration error (>= 1)", ParamValidators.gtEq(1));
    setDefault(probabilityCol, "probability");
    setDefault(labelCol, "label");
    setDefault(metricName, "logLoss");
    setDefault(numBins, 15);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Column of probabilities (default {@code probability}). */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  @Override
  public Param<String> labelCol() {
    return labelCol;
  }

  /** {@code logLoss} (the default), {@code brier}, {@code ece} or {@code accuracy}. */
  public Param<String> metricName() {
    return metricName;
  }

  /** Number of confidence bins of {@code ece} (default 15). */
  public IntParam numBins() {
    return numBins;
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  public String getMetricName() {
    return getOrDefault(metricName);
  }

  public int getNumBins() {
    return (Integer) getOrDefault(numBins);
  }

  public CalibrationEvaluator setProbabilityCol(String value) {
    set(probabilityCol, value);
    return this;
  }

  public CalibrationEvaluator setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  public CalibrationEvaluator setMetricName(String value) {
    set(metricName, value);
    return this;
  }

  public CalibrationEvaluator setNumBins(int value) {
    set(numBins, value);
    return this;
  }

  /**
   * The metric over every row of the dataset.
   *
   * @throws IllegalArgumentException if a column is missing or of a wrong type (before any row is
   *     read), or if the dataset has no rows; an invalid row fails the pass with a {@code
   *     SparkException} whose cause names the problem
   */
  @Override
  public double evaluate(Dataset<?> dataset) {
    String probabilities = getProbabilityCol();
    String label = getLabelCol();
    LogitsType type = ColumnChecks.logits(dataset.schema(), probabilities, "Probability column");
    ColumnChecks.numeric(dataset.schema(), label, "Label column");
    Column column = type == LogitsType.VECTOR ? dataset.col(probabilities)
        : org.apache.spark.ml.functions.array_to_vector(dataset.col(probabilities));
    CalibrationSums sums = dataset.select(column, dataset.col(label).cast(DataTypes.DoubleType))
        .javaRDD().treeAggregate(new CalibrationSums(getNumBins()),
            (sum, row) -> addRow(sum, row, probabilities, label), CalibrationSums::merge);
    if (sums.rows() == 0) {
      throw new IllegalArgumentException("CalibrationEvaluator has no rows to evaluate.");
    }
    switch (getMetricName()) {
      case "brier":
        return sums.brier();
      case "ece":
        return sums.expectedCalibrationError();
      case "accuracy":
        return sums.accuracy();
      default:
        return sums.logLoss();
    }
  }

  /** True only for {@code accuracy}: the other metrics are losses. */
  @Override
  public boolean isLargerBetter() {
    return "accuracy".equals(getMetricName());
  }

  @Override
  public CalibrationEvaluator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads an evaluator saved with {@code write().save(path)}. */
  public static MLReader<CalibrationEvaluator> read() {
    return new StageReader<>(CalibrationEvaluator.class);
  }

  /** Loads an evaluator saved at {@code path}. */
  public static CalibrationEvaluator load(String path) {
    return read().load(path);
  }

  private static CalibrationSums addRow(
      CalibrationSums sums, Row row, String probabilityColumn, String labelColumn) {
    if (row.isNullAt(0)) {
      throw unscorable("in column '" + probabilityColumn + "', " + RowStatus.NULL_ROW.problem());
    }
    double[] p = ((Vector) row.getAs(0)).toArray();
    RowStatus status = Softmax.check(p);
    if (!status.isValid() || p.length == 0) {
      throw unscorable("in column '" + probabilityColumn + "', "
          + (p.length == 0 ? "the row is empty" : status.problem()));
    }
    Double label = row.isNullAt(1) ? null : row.getDouble(1);
    int index = CalibrationRows.classIndex(label, p.length);
    if (index < 0) {
      throw unscorable(CalibrationRows.notAClassIndex(label, labelColumn, p.length));
    }
    return sums.add(p, index);
  }

  private static IllegalArgumentException unscorable(String problem) {
    return new IllegalArgumentException(
        "CalibrationEvaluator cannot score a row: " + problem + ".");
  }
}
