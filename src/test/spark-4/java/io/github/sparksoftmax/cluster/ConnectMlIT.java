package io.github.sparksoftmax.cluster;

import static io.github.sparksoftmax.cluster.ConnectChecks.assertSameError;
import static io.github.sparksoftmax.cluster.ConnectChecks.assertSameRows;
import static io.github.sparksoftmax.cluster.ConnectClient.request;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparksoftmax.CalibrationEvaluator;
import io.github.sparksoftmax.ExpectsTaskFailures;
import io.github.sparksoftmax.SoftmaxCalibrator;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stages over Spark Connect, driven as PySpark's Connect client drives them (the JVM client
 * has no ML API): the server finds them through the jar's service files and makes them by class
 * name and uid with the params that the Python wrappers set. The class and param names are the
 * Java stages' own, which {@code PythonWrappersTest} holds equal to the wrappers'.
 *
 * <p>The client's session offloads every model to disk as soon as it is cached ({@code
 * maxInMemorySize} of 1 byte), so each use of a fitted model reloads it through the Transformer
 * service, as a busy server does. Fit, transform, evaluate, save and load give the results of a
 * classic run on the same parquet file, bit for bit; bad requests get clear errors, leave nothing
 * in the model cache, and a second session is served meanwhile.
 */
@ExtendWith({ClusterExtension.class, ConnectExtension.class})
class ConnectMlIT {
  private static final String ESTIMATOR_UID = "SoftmaxCalibrator_0123456789ab";
  private static final String TRANSFORMER_UID = "SoftmaxTransformer_0123456789ab";
  private static final String EVALUATOR_UID = "CalibrationEvaluator_0123456789ab";
  private static final Pattern TEMPERATURE =
      Pattern.compile("^SoftmaxTransformer: uid=(\\S+), temperature=(\\S+)$");

  private static ConnectServer server;
  private static ConnectClient client;
  private static ConnectClient otherSession;
  private static SparkSession classic;
  private static Path workDir;
  /** 400 rows: id, logits (a vector of 5), label drawn from softmax(logits / 2). */
  private static String labelled;
  /** One row whose logits hold a NaN. */
  private static String invalid;

  @BeforeAll
  static void start(ConnectServer connectServer, ConnectJars jars, CheckingSession checking,
      HarnessSettings settings) throws Exception {
    server = connectServer;
    classic = checking.spark;
    workDir = settings.workDir.resolve("connect");
    labelled = workDir.resolve("input/labelled").toString();
    invalid = workDir.resolve("input/invalid").toString();
    // Models saved by an earlier run would make this run's first save fail.
    FileUtils.deleteDirectory(workDir.resolve("models").toFile());
    writeInputs();
    client = ConnectClient.start(settings, jars, server, "ml-client");
    otherSession = ConnectClient.start(settings, jars, server, "ml-other-client");
    // Read when the session first caches a model: every model goes to disk at once.
    assertFalse(client.send(request("conf")
        .put("key", "spark.connect.session.connectML.mlCache.memoryControl.maxInMemorySize")
        .put("value", "1")).has("error"));
  }

  @AfterAll
  static void stop() {
    for (ConnectClient session : new ConnectClient[] {client, otherSession}) {
      if (session != null) {
        session.close();
      }
    }
  }

  private static void writeInputs() {
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType, false)
        .add("logits", SQLDataTypes.VectorType())
        .add("label", DataTypes.IntegerType);
    Random random = new Random(23);
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < 400; id++) {
      double[] logits = random.doubles(5).map(u -> 6 * u - 3).toArray();
      rows.add(RowFactory.create(id, Vectors.dense(logits), drawLabel(logits, random)));
    }
    // One file each, so that both sessions read the rows in one partition, in order.
    classic.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(labelled);
    classic.createDataFrame(List.of(RowFactory.create(0, Vectors.dense(1, Double.NaN), 0)),
        schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(invalid);
  }

  private static int drawLabel(double[] logits, Random random) {
    double[] weights = new double[logits.length];
    double total = 0;
    for (int i = 0; i < logits.length; i++) {
      weights[i] = Math.exp(logits[i] / 2);
      total += weights[i];
    }
    double u = random.nextDouble() * total;
    int label = 0;
    while (label < logits.length - 1 && u >= weights[label]) {
      u -= weights[label++];
    }
    return label;
  }

  @Test
  void fitTransformEvaluateSaveAndLoadGiveTheResultsOfAClassicRun() throws IOException {
    SoftmaxCalibrator calibrator = new SoftmaxCalibrator(ESTIMATOR_UID).setMaxIter(50)
        .setPredictionCol("prediction");
    SoftmaxTransformer classicModel = calibrator.fit(classic.read().parquet(labelled));
    Dataset<Row> classicScored = classicModel.transform(classic.read().parquet(labelled));

    JsonNode fitted = client.send(operator("fit", SoftmaxCalibrator.class.getName(),
        ESTIMATOR_UID, params().integer(calibrator.maxIter().name(), 50)
            .string(calibrator.predictionCol().name(), "prediction"))
        .put("path", labelled));
    String model = fitted.path("model").asText();
    assertFalse(model.isEmpty(), fitted.toString());
    assertTrue(offloaded(model), "the fitted model is on disk");

    // The Python wrapper reads the fitted temperature from toString, then sends it back.
    Matcher described = TEMPERATURE.matcher(call(model, "toString").path("value").asText());
    assertTrue(described.matches(), described.toString());
    assertEquals(ESTIMATOR_UID, described.group(1));
    double temperature = Double.parseDouble(described.group(2));
    assertEquals(Double.doubleToRawLongBits(classicModel.getTemperature()),
        Double.doubleToRawLongBits(temperature));
    String refused = call(model, "getTemperature").path("error").path("message").asText();
    assertTrue(refused.contains("CONNECT_ML.ATTRIBUTE_NOT_ALLOWED"), refused);

    Params modelParams = params().string(calibrator.predictionCol().name(), "prediction")
        .dbl(classicModel.temperature().name(), temperature);
    ObjectNode scored = transformByModel(model, modelParams, labelled);
    assertSameRows(scoredColumns(classicScored), client.send(select(scored)));

    CalibrationEvaluator evaluator = new CalibrationEvaluator(EVALUATOR_UID).setMetricName("ece")
        .setNumBins(10);
    JsonNode metric = client.send(operator("evaluate", CalibrationEvaluator.class.getName(),
        EVALUATOR_UID, params().string(evaluator.metricName().name(), "ece")
            .integer(evaluator.numBins().name(), 10)).set("transform", scored));
    assertEquals(Double.toString(evaluator.evaluate(classicScored)), metric.path("value").asText(),
        metric.toString());

    String saved = workDir.resolve("models/calibrated").toString();
    ObjectNode save = modelRequest("save", model, modelParams).put("path", saved);
    assertFalse(client.send(save).has("error"));
    assertSameError(() -> {
      try {
        classicModel.write().save(saved);
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, client.send(save));
    JsonNode loaded = client.send(operator("load", SoftmaxTransformer.class.getName(), "",
        params()).put("path", saved));
    assertEquals(ESTIMATOR_UID, loaded.path("uid").asText(), loaded.toString());
    assertEquals(Double.toString(temperature), loaded.path("params").path("temperature").asText());
    assertEquals("prediction", loaded.path("params").path("predictionCol").asText());
    String reloaded = loaded.path("model").asText();
    assertSameRows(scoredColumns(classicScored),
        client.send(select(transformByModel(reloaded, params(), labelled))));

    for (String id : List.of(model, reloaded)) {
      assertFalse(client.send(modelRequest("delete", id, params())).has("error"));
    }
    assertEquals(List.of(), cachedModels());
  }

  @Test
  void aNewTransformerWithParamsGivesTheClassicOutput() {
    SoftmaxTransformer stage = new SoftmaxTransformer(TRANSFORMER_UID).setTemperature(1.7)
        .setLogSoftmax(true).setTopK(2).setInputCol("logits").setOutputCol("top");
    Dataset<Row> classicOutput = stage.transform(classic.read().parquet(labelled))
        .select(col("id"), expr("string(top)"));

    ObjectNode transform = operator("transform", SoftmaxTransformer.class.getName(),
        TRANSFORMER_UID, params().dbl(stage.temperature().name(), 1.7)
            .bool(stage.logSoftmax().name(), true).integer(stage.topK().name(), 2)
            .string(stage.inputCol().name(), "logits").string(stage.outputCol().name(), "top"))
        .put("path", labelled);
    ObjectNode select = request("select");
    select.set("transform", transform);
    select.putArray("columns").add("id").add("string(top)");

    assertSameRows(classicOutput, client.send(select));
  }

  @Test
  void aMisnamedParamIsNamedInTheError() {
    String message = assertBadRequestHandled(operator("fit", SoftmaxCalibrator.class.getName(),
        ESTIMATOR_UID, params().dbl("temprature", 2.0)).put("path", labelled),
        () -> new SoftmaxCalibrator(ESTIMATOR_UID).getParam("temprature"));
    assertTrue(message.contains("temprature"), message);
  }

  /**
   * Spark 4.2's server converts a param's value before the stage sees it, and its error names
   * neither the param nor the stage; the Python wrappers convert values before sending them.
   */
  @Test
  void aParamOfTheWrongTypeGetsSparksCastError() {
    ObjectNode select = request("select");
    select.set("transform", operator("transform", SoftmaxTransformer.class.getName(),
        TRANSFORMER_UID, params().string("temperature", "hot")).put("path", labelled));
    select.putArray("columns").add("id");

    String message = assertCacheUnchangedBy(select).path("error").path("message").asText();

    assertTrue(message.contains("java.lang.String cannot be cast to class java.lang.Number"),
        message);
  }

  @Test
  void aModelPathThatDoesNotExistIsNamedInTheError() {
    String missing = workDir.resolve("models/no-such-model").toString();
    String message = assertBadRequestHandled(operator("load", SoftmaxTransformer.class.getName(),
        "", params()).put("path", missing), () -> SoftmaxTransformer.load(missing));
    assertTrue(message.contains("no-such-model"), message);
  }

  @Test
  void aLogitsColumnOfTheWrongTypeIsNamedInTheError() {
    SoftmaxTransformer stage = new SoftmaxTransformer(TRANSFORMER_UID).setInputCol("label");
    ObjectNode select = request("select");
    select.set("transform", operator("transform", SoftmaxTransformer.class.getName(),
        TRANSFORMER_UID, params().string(stage.inputCol().name(), "label"))
        .put("path", labelled));
    select.putArray("columns").add("id");

    String message = assertBadRequestHandled(select,
        () -> stage.transform(classic.read().parquet(labelled)));
    assertTrue(message.contains("label"), message);
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidRowUnderHandleInvalidErrorFailsWithTheClassicMessage() {
    SoftmaxTransformer stage = new SoftmaxTransformer(TRANSFORMER_UID);
    ObjectNode select = request("select");
    select.set("transform", operator("transform", SoftmaxTransformer.class.getName(),
        TRANSFORMER_UID, params()).put("path", invalid));
    select.putArray("columns").add("string(probability)");

    String message = assertBadRequestHandled(select,
        () -> stage.transform(classic.read().parquet(invalid)).collectAsList());
    assertTrue(message.contains("Softmax is undefined for a row of column 'logits'"), message);
  }

  /**
   * Sends a request that must fail as {@code classicRun} fails, and asserts that it left the
   * session's model cache as it was and that the server still serves another session.
   *
   * @return the message the client saw
   */
  private static String assertBadRequestHandled(ObjectNode request, Supplier<?> classicRun) {
    return assertSameError(classicRun, assertCacheUnchangedBy(request));
  }

  private static JsonNode assertCacheUnchangedBy(ObjectNode request) {
    List<String> before = cachedModels();
    JsonNode reply = client.send(request);
    assertEquals(before, cachedModels(), "what the failed request left in the model cache");
    JsonNode other = otherSession.send(request("sql").put("query", "SELECT softmax(array(0D))"));
    assertEquals("[[[\"1.0\"]]]", other.path("rows").toString(), other.toString());
    return reply;
  }

  private static List<String> cachedModels() {
    JsonNode reply = client.send(request("cache"));
    assertTrue(reply.has("values"), reply.toString());
    List<String> models = new ArrayList<>();
    reply.get("values").forEach(entry -> models.add(entry.asText()));
    return models;
  }

  /** Whether the server's model cache holds {@code model} on disk. */
  private static boolean offloaded(String model) throws IOException {
    Path cache = server.tmpDir().resolve("spark_connect_model_cache");
    if (!Files.isDirectory(cache)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(cache)) {
      return files.anyMatch(file -> file.getFileName().toString().equals(model));
    }
  }

  private static JsonNode call(String model, String method) {
    return client.send(modelRequest("call", model, params()).put("method", method));
  }

  private static Dataset<Row> scoredColumns(Dataset<Row> scored) {
    return scored.select(col("id"), expr("string(probability)"), col("prediction"));
  }

  private static ObjectNode select(ObjectNode transform) {
    ObjectNode select = request("select");
    select.set("transform", transform);
    select.putArray("columns").add("id").add("string(probability)").add("prediction");
    return select;
  }

  private static ObjectNode transformByModel(String model, Params params, String path) {
    return modelRequest("transform", model, params).put("path", path);
  }

  private static ObjectNode modelRequest(String op, String model, Params params) {
    ObjectNode request = request(op).put("model", model);
    request.set("params", params.node);
    return request;
  }

  private static ObjectNode operator(String op, String name, String uid, Params params) {
    ObjectNode request = request(op).put("name", name).put("uid", uid);
    request.set("params", params.node);
    return request;
  }

  private static Params params() {
    return new Params();
  }

  /** Params as the Python wrappers send them: each value a typed literal. */
  private static final class Params {
    final ObjectNode node = JsonNodeFactory.instance.objectNode();

    Params dbl(String name, double value) {
      node.putObject(name).put("double", Double.toString(value));
      return this;
    }

    Params integer(String name, int value) {
      node.putObject(name).put("integer", value);
      return this;
    }

    Params string(String name, String value) {
      node.putObject(name).put("string", value);
      return this;
    }

    Params bool(String name, boolean value) {
      node.putObject(name).put("boolean", value);
      return this;
    }
  }
}
