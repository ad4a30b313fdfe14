package io.github.sparksoftmax.cluster;

import static io.github.sparksoftmax.cluster.ConnectChecks.assertSameError;
import static io.github.sparksoftmax.cluster.ConnectChecks.assertSameRows;
import static io.github.sparksoftmax.cluster.ConnectClient.request;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparksoftmax.ExpectsTaskFailures;
import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.sql.SqlTestRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
 * The SQL functions over Spark Connect: a server started with the library's jar on its classpath
 * and nothing configured, and the JVM client in a JVM of its own. {@code spark.sql} and {@code
 * functions.call_function} on vector, {@code array<double>} and {@code array<float>} columns, with
 * and without a temperature, give the client the bits that a classic session computes from the
 * same parquet file, as do the long-format functions ({@code softmax(t) OVER (...)}, {@code
 * logsumexp}); bad arguments and an invalid row give it the classic session's messages.
 * The JVM client has no vector type, so vector results are cast to strings (each double as
 * {@code toString} writes it) on both sides.
 */
@ExtendWith({ClusterExtension.class, ConnectExtension.class})
class ConnectSqlIT {
  private static ConnectClient client;
  private static SparkSession classic;
  /** {@link SqlTestRows}' rows and 40 random ones: id, vec, dbl, flt and a temperature t. */
  private static String logits;
  /** One row whose temperature t is 0. */
  private static String zeroTemperature;

  @BeforeAll
  static void start(ConnectServer server, ConnectJars jars, CheckingSession checking,
      HarnessSettings settings) throws Exception {
    classic = checking.spark;
    logits = settings.workDir.resolve("connect/input/logits").toString();
    zeroTemperature = settings.workDir.resolve("connect/input/zero-temperature").toString();
    writeInputs();
    client = ConnectClient.start(settings, jars, server, "sql-client");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
  }

  /** One file each, so that both sessions read the rows in one partition, in order. */
  private static void writeInputs() {
    SqlTestRows.createLogitsView(classic);
    Dataset<Row> known = classic.sql("SELECT id, vec, dbl, flt, 0.25D * id AS t FROM logits");
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType, false)
        .add("vec", SQLDataTypes.VectorType())
        .add("dbl", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("flt", DataTypes.createArrayType(DataTypes.FloatType))
        .add("t", DataTypes.DoubleType);
    Random random = new Random(19);
    List<Row> rows = new ArrayList<>();
    for (int id = 100; id < 140; id++) {
      double scale = id % 4 == 0 ? 300 : 4;
      double[] values = random.doubles(10).map(u -> (u - 0.5) * scale).toArray();
      rows.add(RowFactory.create(id, Vectors.dense(values), values,
          SqlTestRows.toFloats(values), 0.1 + 3 * random.nextDouble()));
    }
    known.union(classic.createDataFrame(rows, schema)).coalesce(1).write()
        .mode(SaveMode.Overwrite).parquet(logits);
    classic.sql("SELECT id, dbl, 0D AS t FROM logits WHERE id = 1").coalesce(1).write()
        .mode(SaveMode.Overwrite).parquet(zeroTemperature);
  }

  private static String sqlOn(String path, String select) {
    return "SELECT " + select + " FROM parquet.`" + path + "` ORDER BY id";
  }

  private static JsonNode sql(String query) {
    return client.send(request("sql").put("query", query));
  }

  @Test
  void sqlGivesTheClientTheBitsOfAClassicSession() {
    String query = sqlOn(logits, "id, string(softmax(vec)), softmax(dbl), softmax(flt),"
        + " string(log_softmax(vec, 0.5)), log_softmax(dbl, t), softmax(flt, 3),"
        + " log_softmax(flt, t)");

    JsonNode reply = sql(query);

    assertSameRows(classic.sql(query), reply);
    JsonNode knownRow = reply.get("rows").get(0);
    for (int column : new int[] {1, 2}) {
      Contract.assertSoftmax(SqlTestRows.LOGITS, 1.0, false, doubles(knownRow.get(column)),
          "column " + column + " of the known row");
    }
  }

  /** The long-format functions too: the server's plan rule rewrites softmax over a window. */
  @Test
  void longFormatSqlGivesTheClientTheBitsOfAClassicSession() {
    String window = " OVER (PARTITION BY id % 5)";
    for (String query : List.of(
        sqlOn(logits, "id, softmax(t)" + window + ", log_softmax(t, 0.5)" + window
            + ", logsumexp(t)" + window),
        "SELECT id % 5 AS g, logsumexp(t, 2) FROM parquet.`" + logits + "` GROUP BY id % 5"
            + " ORDER BY g")) {
      assertSameRows(classic.sql(query), sql(query));
    }
  }

  @Test
  void callFunctionGivesTheClientTheBitsOfAClassicSession() {
    ArrayNode columns = JsonNodeFactory.instance.arrayNode();
    columns.add("id");
    columns.add(call("string", call("softmax", "vec")));
    columns.add(call("softmax", "dbl", 2.0));
    columns.add(call("log_softmax", "flt"));
    columns.add(call("string", call("log_softmax", "vec", "t")));
    columns.add(call("softmax", "flt", "t"));
    ObjectNode select = request("select").put("path", logits);
    select.set("columns", columns);

    JsonNode reply = client.send(select);

    assertSameRows(classic.read().parquet(logits).select(col("id"),
        call_function("string", call_function("softmax", col("vec"))),
        call_function("softmax", col("dbl"), lit(2.0)),
        call_function("log_softmax", col("flt")),
        call_function("string", call_function("log_softmax", col("vec"), col("t"))),
        call_function("softmax", col("flt"), col("t"))), reply);
  }

  @Test
  void aBadArgumentGivesTheClientTheClassicMessage() {
    for (String select : List.of("softmax(cast(id AS string))", "log_softmax(dbl, 0)",
        "softmax(flt, 'hot')", "softmax(vec, 1, 2)", "log_softmax()")) {
      String query = sqlOn(logits, select);
      String message = assertSameError(() -> classic.sql(query).collectAsList(), sql(query));
      assertTrue(message.contains(select.substring(0, select.indexOf('('))), message);
    }
  }

  @Test
  void callFunctionOnAStringColumnGivesTheClientTheClassicMessage() {
    ArrayNode columns = JsonNodeFactory.instance.arrayNode();
    columns.add(call("softmax", call("string", "id")));
    ObjectNode select = request("select").put("path", logits);
    select.set("columns", columns);

    String message = assertSameError(() -> classic.read().parquet(logits)
        .select(call_function("softmax", call_function("string", col("id")))).collectAsList(),
        client.send(select));

    assertTrue(message.contains("the logits must be a"), message);
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidTemperatureInARowGivesTheClientTheClassicMessage() {
    String query = sqlOn(zeroTemperature, "softmax(dbl, t)");

    String message = assertSameError(() -> classic.sql(query).collectAsList(), sql(query));

    assertTrue(message.contains("temperature"), message);
    assertTrue(sql(sqlOn(logits, "softmax(dbl)")).has("rows"),
        "the session goes on serving after the failure");
  }

  private static ObjectNode call(String function, Object... args) {
    ObjectNode call = JsonNodeFactory.instance.objectNode().put("call", function);
    ArrayNode arguments = call.putArray("args");
    for (Object arg : args) {
      if (arg instanceof JsonNode node) {
        arguments.add(node);
      } else if (arg instanceof Double number) {
        arguments.add(number);
      } else {
        arguments.add((String) arg);
      }
    }
    return call;
  }

  /** A cell of doubles: an array, or a vector cast to a string ({@code [x,y,...]}). */
  private static double[] doubles(JsonNode cell) {
    if (cell.isTextual()) {
      String text = cell.asText();
      return Arrays.stream(text.substring(1, text.length() - 1).split(","))
          .mapToDouble(Double::parseDouble).toArray();
    }
    double[] values = new double[cell.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = Double.parseDouble(cell.get(i).asText());
    }
    return values;
  }
}
