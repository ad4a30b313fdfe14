package io.github.sparksoftmax.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Fetch;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.SparkSession;
import org.apache.spark.sql.functions;
import scala.runtime.BoxedUnit;

/**
 * A Spark Connect client in a JVM of its own, driven by the integration tests over its standard
 * streams: one JSON request a line in, one JSON reply a line out. It holds one session of the
 * server named by its argument ({@code sc://127.0.0.1:PORT}).
 *
 * <p>SQL requests use the client's public API. The JVM client has no ML API, so ML requests send
 * the protobuf messages that PySpark's Connect client builds for {@code fit}, {@code transform},
 * {@code evaluate}, {@code save}, {@code load} and a model method call: an {@code MlOperator} with
 * the stage's class name and uid, and the params the Python stage has set, as literals.
 *
 * <p>Rows are sent as {@link RowText} writes them; a vector column must be cast to a string first
 * (which is exact), since the client has no vector type. A request that fails is answered with the
 * class and message of the exception that the client raised.
 */
public final class RemoteClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;

  private RemoteClient(SparkSession spark) {
    this.spark = spark;
  }

  /** Serves requests from standard input until it ends. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    // Spark's own logging goes to standard error: standard output carries only replies.
    System.setOut(System.err);
    SparkSession spark = SparkSession.builder().remote(args[0]).getOrCreate();
    RemoteClient client = new RemoteClient(spark);
    out.println("{\"ready\":true}");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      out.println(JSON.writeValueAsString(client.answer(JSON.readTree(line))));
    }
    spark.stop();
  }

  private JsonNode answer(JsonNode request) {
    try {
      return serve(request);
    } catch (Exception e) {
      ObjectNode error = JSON.createObjectNode();
      error.putObject("error").put("class", e.getClass().getName()).put("message", e.getMessage());
      return error;
    }
  }

  private JsonNode serve(JsonNode request) {
    String op = request.path("op").asText();
    switch (op) {
      case "sql":
        return rows(spark.sql(request.path("query").asText()));
      case "conf":
        spark.conf().set(request.path("key").asText(), request.path("value").asText());
        return JSON.createObjectNode();
      case "select":
        return rows(dataset(request).select(columns(request.path("columns"))));
      case "fit":
        return operatorInfo(ml(MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
            .setEstimator(operator(request, MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
            .setParams(params(request)).setDataset(relation(dataset(request))))));
      case "evaluate":
        return literal(ml(MlCommand.newBuilder().setEvaluate(MlCommand.Evaluate.newBuilder()
            .setEvaluator(operator(request, MlOperator.OperatorType.OPERATOR_TYPE_EVALUATOR))
            .setParams(params(request)).setDataset(relation(dataset(request))))));
      case "call":
        return literal(ml(MlCommand.newBuilder().setFetch(Fetch.newBuilder()
            .setObjRef(model(request))
            .addMethods(Fetch.Method.newBuilder().setMethod(request.path("method").asText())))));
      case "save":
        return operatorInfo(ml(MlCommand.newBuilder().setWrite(MlCommand.Write.newBuilder()
            .setObjRef(model(request)).setParams(params(request))
            .setPath(request.path("path").asText())
            .setShouldOverwrite(request.path("overwrite").asBoolean()))));
      case "load":
        return operatorInfo(ml(MlCommand.newBuilder().setRead(MlCommand.Read.newBuilder()
            .setOperator(operator(request, MlOperator.OperatorType.OPERATOR_TYPE_MODEL))
            .setPath(request.path("path").asText()))));
      case "cache":
        return literal(ml(MlCommand.newBuilder()
            .setGetCacheInfo(MlCommand.GetCacheInfo.getDefaultInstance())));
      case "delete":
        return operatorInfo(ml(MlCommand.newBuilder().setDelete(
            MlCommand.Delete.newBuilder().addObjRefs(model(request)))));
      default:
        throw new IllegalArgumentException("unknown op " + op);
    }
  }

  /**
   * The dataset of a request: the parquet file named by {@code path}, or {@code transform}, the
   * output of a cached model ({@code model}) or of a new transformer ({@code name}, {@code uid})
   * with {@code params} over the dataset that it names in turn.
   */
  private Dataset<Row> dataset(JsonNode request) {
    if (!request.has("transform")) {
      return spark.read().parquet(request.path("path").asText());
    }
    JsonNode spec = request.get("transform");
    MlRelation.Transform.Builder transform = MlRelation.Transform.newBuilder()
        .setInput(relation(dataset(spec))).setParams(params(spec));
    if (spec.has("model")) {
      transform.setObjRef(model(spec));
    } else {
      transform.setTransformer(operator(spec, MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER));
    }
    return spark.newDataFrame((Relation.Builder root) -> {
      root.setMlRelation(MlRelation.newBuilder().setTransform(transform));
      return BoxedUnit.UNIT;
    });
  }

  /**
   * Columns as SQL expressions ({@code functions.expr}) or, for {@code {"call": name, "args":
   * [...]}}, as {@code functions.call_function} of column names and literal numbers.
   */
  private static Column[] columns(JsonNode specs) {
    Column[] columns = new Column[specs.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = column(specs.get(i));
    }
    return columns;
  }

  private static Column column(JsonNode spec) {
    if (spec.isTextual()) {
      return functions.expr(spec.asText());
    }
    JsonNode args = spec.path("args");
    Column[] arguments = new Column[args.size()];
    for (int i = 0; i < arguments.length; i++) {
      JsonNode arg = args.get(i);
      arguments[i] = arg.isNumber() ? functions.lit(arg.asDouble())
          : arg.isTextual() ? functions.col(arg.asText()) : column(arg);
    }
    return functions.call_function(spec.path("call").asText(), arguments);
  }

  private static Relation relation(Dataset<Row> dataset) {
    return dataset.plan().getRoot();
  }

  private static MlOperator operator(JsonNode request, MlOperator.OperatorType type) {
    return MlOperator.newBuilder().setName(request.path("name").asText())
        .setUid(request.path("uid").asText()).setType(type).build();
  }

  private static ObjectRef model(JsonNode request) {
    return ObjectRef.newBuilder().setId(request.path("model").asText()).build();
  }

  /**
   * The params as PySpark sends them: {@code {"name": {"double": "2.5"}}} is a double literal,
   * and likewise {@code integer}, {@code string} and {@code boolean}.
   */
  private static MlParams params(JsonNode request) {
    MlParams.Builder params = MlParams.newBuilder();
    for (Map.Entry<String, JsonNode> field : request.path("params").properties()) {
      Map.Entry<String, JsonNode> typed = field.getValue().properties().iterator().next();
      Expression.Literal.Builder literal = Expression.Literal.newBuilder();
      switch (typed.getKey()) {
        case "double":
          literal.setDouble(Double.parseDouble(typed.getValue().asText()));
          break;
        case "integer":
          literal.setInteger(typed.getValue().asInt());
          break;
        case "boolean":
          literal.setBoolean(typed.getValue().asBoolean());
          break;
        default:
          literal.setString(typed.getValue().asText());
      }
      params.putParams(field.getKey(), literal.build());
    }
    return params.build();
  }

  private MlCommandResult ml(MlCommand.Builder command) {
    scala.collection.Iterator<ExecutePlanResponse> responses =
        spark.execute(Command.newBuilder().setMlCommand(command).build()).iterator();
    while (responses.hasNext()) {
      ExecutePlanResponse response = responses.next();
      if (response.hasMlCommandResult()) {
        return response.getMlCommandResult();
      }
    }
    throw new IllegalStateException("the server sent no ML command result");
  }

  private static JsonNode operatorInfo(MlCommandResult result) {
    ObjectNode reply = JSON.createObjectNode();
    MlCommandResult.MlOperatorInfo info = result.getOperatorInfo();
    reply.put("model", info.getObjRef().getId()).put("uid", info.getUid());
    ObjectNode params = reply.putObject("params");
    info.getParams().getParamsMap().forEach((name, value) -> params.put(name, text(value)));
    return reply;
  }

  private static JsonNode literal(MlCommandResult result) {
    Expression.Literal value = result.getParam();
    ObjectNode reply = JSON.createObjectNode();
    if (value.hasArray()) {
      ArrayNode elements = reply.putArray("values");
      value.getArray().getElementsList().forEach(element -> elements.add(text(element)));
    } else {
      reply.put("value", text(value));
    }
    return reply;
  }

  private static String text(Expression.Literal literal) {
    switch (literal.getLiteralTypeCase()) {
      case DOUBLE:
        return Double.toString(literal.getDouble());
      case INTEGER:
        return Integer.toString(literal.getInteger());
      case LONG:
        return Long.toString(literal.getLong());
      case BOOLEAN:
        return Boolean.toString(literal.getBoolean());
      default:
        return literal.getString();
    }
  }

  private static JsonNode rows(Dataset<Row> dataset) {
    ObjectNode reply = JSON.createObjectNode();
    reply.set("rows", RowText.rows(dataset.collectAsList()));
    return reply;
  }
}
