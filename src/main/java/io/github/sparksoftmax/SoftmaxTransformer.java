package io.github.sparksoftmax;

import io.github.sparksoftmax.stage.ColumnChecks;
import io.github.sparksoftmax.stage.ColumnNameValidator;
import io.github.sparksoftmax.stage.GroupScoring;
import io.github.sparksoftmax.stage.HandleInvalid;
import io.github.sparksoftmax.stage.LogitsType;
import io.github.sparksoftmax.stage.SoftmaxColumns;
import io.github.sparksoftmax.stage.SoftmaxParams;
import io.github.sparksoftmax.stage.StageReader;
import io.github.sparksoftmax.stage.StringParam;
import java.util.Arrays;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a column of logits into a column of class probabilities with a row-wise, numerically
 * stable softmax: {@code p_i = exp(x_i / T) / sum_j exp(x_j / T)} for temperature {@code T}, or
 * its logarithm. Input: an ML vector (dense or sparse), {@code array<double>} or {@code
 * array<float>}; output: a dense vector, {@code array<double>} or {@code array<float>}
 * respectively. Rows on which softmax is undefined (null, a NaN entry, every entry -Infinity) are
 * handled by {@code handleInvalid}. Optionally adds the argmax as a prediction column, as Spark
 * classifiers do. With {@code topK > 0} the output is, for every input type, a sparse vector of
 * the {@code topK} largest entries (see {@link #topK()}). Works on batch and streaming Datasets and
 * persists like Spark's own stages. It is a {@link Model} (like Spark's {@code Bucketizer}) so that
 * {@link SoftmaxCalibrator} can fit it; it is equally usable on its own.
 *
 * <p>With {@link #groupCol()} set it scores long-format rows instead: a numeric score per row,
 * each row's probability within the group of rows that share its group key (a batch Dataset
 * only; see {@link #groupCol()}).
 */
public class SoftmaxTransformer extends Model<SoftmaxTransformer>
    implements SoftmaxStageParams, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final DoubleParam temperature;
  private final BooleanParam logSoftmax;
  private final Param<String> handleInvalid;
  private final Param<String> predictionCol;
  private final IntParam topK;
  private final Param<String> groupCol;

  /** A transformer with a random uid and default params. */
  public SoftmaxTransformer() {
    this(Identifiable.randomUID("softmax"));
  }

  /** A transformer with the given uid and default params (used when loading). */
  public SoftmaxTransformer(String uid) {
    this.uid = uid;
    inputCol = SoftmaxParams.inputCol(this);
    outputCol = SoftmaxParams.outputCol(this);
    temperature = new DoubleParam(this, "temperature", "the logits are divided by this"
        + " temperature before softmax; finite and > 0",
        ParamValidators.inRange(0.0, Double.MAX_VALUE, false, true));
    logSoftmax = SoftmaxParams.logSoftmax(this);
    handleInvalid = StringParam.of(this, "handleInvalid", "what to do with a row on which softmax"
        + " is undefined (null, a NaN or null entry, every entry -Infinity): 'error' fails,"
        + " 'skip' drops the row, 'keep' outputs null for a null row and NaN otherwise",
        ParamValidators.inArray(HandleInvalid.NAMES));
    predictionCol = SoftmaxParams.predictionCol(this);
    topK = SoftmaxParams.topK(this);
    groupCol = StringParam.of(this, "groupCol", "if not empty, long-format input: inputCol holds a"
        + " numeric score per row, the rows with equal values of this column (nulls included)"
        + " form a group, and outputCol is each row's probability within its group; a null or NaN"
        + " score, or every score -Infinity, makes the whole group invalid",
        ColumnNameValidator.optional());
    setDefault(inputCol, "logits");
    setDefault(outputCol, "probability");
    setDefault(temperature, 1.0);
    setDefault(logSoftmax, false);
    setDefault(handleInvalid, "error");
    setDefault(predictionCol, "");
    setDefault(topK, 0);
    setDefault(groupCol, "");
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
  public Param<String> outputCol() {
    return outputCol;
  }

  /** Temperature, finite and &gt; 0 (default 1.0). */
  public DoubleParam temperature() {
    return temperature;
  }

  @Override
  public BooleanParam logSoftmax() {
    return logSoftmax;
  }

  @Override
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  @Override
  public Param<String> predictionCol() {
    return predictionCol;
  }

  @Override
  public IntParam topK() {
    return topK;
  }

  /**
   * The group column of long-format input; empty (the default) for a row of logits per row. When
   * set, {@code inputCol} is a numeric column (double, float, int, long, decimal, ...; read as the
   * nearest double), {@code outputCol} a double column: each row's {@code exp(x_i / T) / sum_{j in
   * group} exp(x_j / T)}, or its logarithm, to the same accuracy as vector rows. {@code
   * handleInvalid} acts on a whole group (see {@link GroupScoring}); {@code topK > 0} keeps each
   * group's {@code topK} most probable rows, ties to the row that comes first in the input;
   * {@code predictionCol} must be empty. The input must be a batch Dataset: Spark computes no
   * window over a stream.
   */
  public Param<String> groupCol() {
    return groupCol;
  }

  public double getTemperature() {
    return (Double) getOrDefault(temperature);
  }

  public String getGroupCol() {
    return getOrDefault(groupCol);
  }

  public SoftmaxTransformer setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public SoftmaxTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public SoftmaxTransformer setTemperature(double value) {
    set(temperature, value);
    return this;
  }

  public SoftmaxTransformer setLogSoftmax(boolean value) {
    set(logSoftmax, value);
    return this;
  }

  public SoftmaxTransformer setHandleInvalid(String value) {
    set(handleInvalid, value);
    return this;
  }

  public SoftmaxTransformer setPredictionCol(String value) {
    set(predictionCol, value);
    return this;
  }

  public SoftmaxTransformer setTopK(int value) {
    set(topK, value);
    return this;
  }

  public SoftmaxTransformer setGroupCol(String value) {
    set(groupCol, value);
    return this;
  }

  /**
   * Checks the input column and adds the output (and prediction) columns to the schema.
   *
   * @throws IllegalArgumentException if the input column is missing or not of a logits type (of
   *     a numeric type when {@code groupCol} is set), if the group column is missing, if an output
   *     column already exists, or if {@code predictionCol} is set with {@code groupCol}
   */
  @Override
  public StructType transformSchema(StructType schema) {
    String input = getInputCol();
    String output = getOutputCol();
    String prediction = getPredictionCol();
    String group = getGroupCol();
    if (!group.isEmpty()) {
      ColumnChecks.scores(schema, input, "Input column");
      ColumnChecks.exists(schema, group, "Group column");
      requireAbsent(schema, output, "Output column");
      if (!prediction.isEmpty()) {
        throw new IllegalArgumentException("Prediction column '" + prediction + "' cannot be"
            + " set with groupCol: a group's most probable row is its top row (set topK = 1).");
      }
      return schema.add(new StructField(output, DataTypes.DoubleType, true, Metadata.empty()));
    }
    LogitsType type = ColumnChecks.logits(schema, input, "Input column");
    requireAbsent(schema, output, "Output column");
    DataType resultType = getTopK() > 0 ? SQLDataTypes.VectorType() : type.resultType();
    StructType result = schema.add(new StructField(
        output, resultType, true, resultMetadata(schema.apply(input), type, output)));
    if (!prediction.isEmpty()) {
      if (prediction.equals(output)) {
        throw new IllegalArgumentException("Prediction column '" + prediction
            + "' must differ from the output column.");
      }
      requireAbsent(schema, prediction, "Prediction column");
      result = result.add(new StructField(
          prediction, DataTypes.DoubleType, true, predictionMetadata(schema.apply(input), type,
              prediction)));
    }
    return result;
  }

  /**
   * Adds the softmax of the input column (and the argmax, if {@code predictionCol} is set).
   * Schema errors are raised here, before any row is read; invalid rows are handled per
   * {@code handleInvalid} when the result is computed.
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outputSchema = transformSchema(dataset.schema(), true);
    String input = getInputCol();
    String output = getOutputCol();
    String prediction = getPredictionCol();
    HandleInvalid policy = HandleInvalid.fromParam(getHandleInvalid());
    int k = getTopK();
    if (!getGroupCol().isEmpty()) {
      if (dataset.isStreaming()) {
        throw new IllegalArgumentException("groupCol needs a batch Dataset: Spark computes no"
            + " window over a stream. Score each micro-batch instead (foreachBatch).");
      }
      return GroupScoring.transform(dataset, input, getGroupCol(), output, getTemperature(),
          getLogSoftmax(), policy, k);
    }
    LogitsType type = LogitsType.of(dataset.schema().apply(input).dataType());
    boolean failOnInvalid = policy == HandleInvalid.ERROR;

    Dataset<Row> kept = policy == HandleInvalid.SKIP
        ? dataset.toDF().filter(SoftmaxColumns.isValid(type, dataset.col(input), input))
        : dataset.toDF();
    Column result = (k > 0
        ? SoftmaxColumns.topK(type, kept.col(input), input, getTemperature(), getLogSoftmax(),
            failOnInvalid, k)
        : SoftmaxColumns.softmax(kept.col(input), input, getTemperature(), getLogSoftmax(),
            failOnInvalid))
        .as(output, outputSchema.apply(output).metadata());
    Dataset<Row> scored = kept.select(functions.col("*"), result);
    if (prediction.isEmpty()) {
      return scored;
    }
    LogitsType resultKind = LogitsType.of(outputSchema.apply(output).dataType());
    Column argmax = SoftmaxColumns.argmax(resultKind, scored.col(output))
        .as(prediction, outputSchema.apply(prediction).metadata());
    return scored.select(functions.col("*"), argmax);
  }

  @Override
  public SoftmaxTransformer copy(ParamMap extra) {
    return this.<SoftmaxTransformer>defaultCopy(extra).setParent(parent());
  }

  /**
   * {@code SoftmaxTransformer: uid=UID, temperature=T}, T as {@link Double#toString(double)}
   * writes it, which reads back to the same double. A Spark Connect server lets its clients call
   * only {@code toString} on a model of this library (its allow-list of model methods names
   * Spark's own), so the Python wrapper reads a fitted temperature from here.
   */
  @Override
  public String toString() {
    return "SoftmaxTransformer: uid=" + uid + ", temperature=" + getTemperature();
  }

  /** Reads a transformer saved with {@code write().save(path)}. */
  public static MLReader<SoftmaxTransformer> read() {
    return new StageReader<>(SoftmaxTransformer.class);
  }

  /** Loads a transformer saved at {@code path}. */
  public static SoftmaxTransformer load(String path) {
    return read().load(path);
  }

  private static void requireAbsent(StructType schema, String column, String role) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(role + " '" + column + "' already exists.");
    }
  }

  /** The number of classes, when the input column's vector-size metadata says it; else -1. */
  private static int knownSize(StructField input, LogitsType type) {
    return type == LogitsType.VECTOR ? AttributeGroup.fromStructField(input).size() : -1;
  }

  /** Carries the input's vector-size metadata (and attributes, if any) to the output. */
  private static Metadata resultMetadata(StructField input, LogitsType type, String output) {
    if (type != LogitsType.VECTOR) {
      return Metadata.empty();
    }
    AttributeGroup group = AttributeGroup.fromStructField(input);
    if (group.attributes().isDefined()) {
      return new AttributeGroup(output, group.attributes().get()).toMetadata();
    }
    return group.size() < 0 ? Metadata.empty() : new AttributeGroup(output, group.size()).toMetadata();
  }

  /** A nominal attribute with one value per class, as Spark classifiers give their prediction. */
  private static Metadata predictionMetadata(StructField input, LogitsType type, String name) {
    int size = knownSize(input, type);
    NominalAttribute attribute = NominalAttribute.defaultAttr().withName(name);
    return (size < 0 ? attribute : attribute.withNumValues(size)).toMetadata();
  }
}
