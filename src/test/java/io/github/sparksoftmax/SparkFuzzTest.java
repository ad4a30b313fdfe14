package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparksoftmax.fuzz.FuzzRow;
import io.github.sparksoftmax.fuzz.FuzzRow.Kind;
import io.github.sparksoftmax.fuzz.FuzzRows;
import io.github.sparksoftmax.fuzz.FuzzTries;
import io.github.sparksoftmax.fuzz.RowOracle;
import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import io.github.sparksoftmax.sql.udf.DoubleArrayLogSoftmaxWithTemperature;
import io.github.sparksoftmax.sql.udf.DoubleArraySoftmax;
import io.github.sparksoftmax.sql.udf.FloatArrayLogSoftmax;
import io.github.sparksoftmax.sql.udf.FloatArraySoftmaxWithTemperature;
import io.github.sparksoftmax.sql.udf.VectorLogSoftmax;
import io.github.sparksoftmax.sql.udf.VectorSoftmaxWithTemperature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The entry points on Spark, on batches of generated rows ({@link FuzzRow}) put in one DataFrame
 * (a vector, an {@code array<double>} and an {@code array<float>} column, and a temperature per
 * row), compiled into generated code and interpreted: the SQL functions with the row's
 * temperature, the stage under {@code keep} (both spaces, top-k with a prediction column) and
 * under {@code skip} at the batch's temperature, and the Java UDF classes. Each output is held to
 * {@link RowOracle}; {@code skip} must drop exactly the invalid rows. The batch is read either
 * from a local relation, projected in tasks (rows in Spark's binary format), or from parquet
 * (rows handed over column by column by the vectorized reader).
 */
@AddLifecycleHook(FuzzTries.class)
class SparkFuzzTest extends LocalSparkTest {
  private static final int BATCH = 30;
  private static final int TOP = 3;

  private static Path files;

  @BeforeContainer
  static void start() throws IOException {
    startSpark();
    keepLocalRelations();
    SoftmaxFunctions.register(spark);
    spark.udf().registerJava("vector_softmax_t", VectorSoftmaxWithTemperature.class.getName(),
        SQLDataTypes.VectorType());
    spark.udf().registerJava("vector_log_softmax", VectorLogSoftmax.class.getName(),
        SQLDataTypes.VectorType());
    spark.udf().registerJava("double_softmax", DoubleArraySoftmax.class.getName(),
        DataTypes.createArrayType(DataTypes.DoubleType));
    spark.udf().registerJava("double_log_softmax_t",
        DoubleArrayLogSoftmaxWithTemperature.class.getName(),
        DataTypes.createArrayType(DataTypes.DoubleType));
    spark.udf().registerJava("float_softmax_t", FloatArraySoftmaxWithTemperature.class.getName(),
        DataTypes.createArrayType(DataTypes.FloatType));
    spark.udf().registerJava("float_log_softmax", FloatArrayLogSoftmax.class.getName(),
        DataTypes.createArrayType(DataTypes.FloatType));
    files = Files.createTempDirectory("spark-fuzz");
  }

  /** Has a local relation projected on executors, as a table's rows are, not on the driver. */
  static void keepLocalRelations() {
    spark.conf().set("spark.sql.optimizer.excludedRules",
        "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation");
  }

  @AfterContainer
  static void stop() {
    stopSpark();
  }

  @Provide
  Arbitrary<List<FuzzRow>> batches() {
    return FuzzRow.rows().list().ofSize(BATCH);
  }

  @Provide
  Arbitrary<Double> temperatures() {
    return FuzzRows.temperatures();
  }

  @Property(tries = 6)
  void everyEntryPointKeepsTheContract(@ForAll("batches") List<FuzzRow> batch,
      @ForAll("temperatures") double temperature, @ForAll boolean fromParquet,
      @ForAll @IntRange(max = 9) int sample) throws IOException {
    Dataset<Row> frame = frame(batch, fromParquet);
    String source = fromParquet ? "parquet" : "local relation";
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      String where = source + (mode == COMPILED ? ", compiled" : ", interpreted");
      withConf(mode, () -> {
        checkSqlFunctions(batch, frame, sample, where);
        checkStageKeep(batch, frame, temperature, sample, where);
        checkStageSkip(batch, frame, temperature, where);
        return null;
      });
    }
    checkUdfs(batch, frame, sample, source);
  }

  private static void checkSqlFunctions(
      List<FuzzRow> batch, Dataset<Row> frame, int sample, String where) {
    List<Row> rows = byId(frame.selectExpr("id", "softmax(vec, t)", "log_softmax(vec, t)",
        "softmax(dbl, t)", "log_softmax(dbl, t)", "softmax(flt, t)", "log_softmax(flt, t)"),
        batch.size());
    Kind[] kinds = {Kind.VECTOR, Kind.DOUBLES, Kind.FLOATS};
    for (int r = 0; r < batch.size(); r++) {
      FuzzRow row = batch.get(r);
      for (int c = 0; c < 6; c++) {
        RowOracle.assertOutput(rows.get(r).get(c + 1), row, kinds[c / 2], row.temperature(),
            c % 2 == 1, sampled(r, sample), where + ", SQL column " + c);
      }
    }
  }

  private static void checkStageKeep(List<FuzzRow> batch, Dataset<Row> frame, double temperature,
      int sample, String where) {
    Dataset<Row> scored = frame;
    for (Kind kind : Kind.values()) {
      String column = column(kind);
      for (boolean logSpace : new boolean[] {false, true}) {
        scored = keep(column, temperature).setLogSoftmax(logSpace)
            .setOutputCol(column + (logSpace ? "_log" : "_p")).transform(scored);
      }
      scored = keep(column, temperature).setTopK(TOP).setOutputCol(column + "_top")
          .setPredictionCol(column + "_prediction").transform(scored);
    }
    List<Row> rows = byId(scored, batch.size());
    for (int r = 0; r < batch.size(); r++) {
      FuzzRow row = batch.get(r);
      Row out = rows.get(r);
      for (Kind kind : Kind.values()) {
        String column = column(kind);
        String what = where + ", stage on " + column;
        RowOracle.assertOutput(out.getAs(column + "_p"), row, kind, temperature, false,
            sampled(r, sample), what);
        RowOracle.assertOutput(out.getAs(column + "_log"), row, kind, temperature, true,
            sampled(r, sample), what + ", log space");
        RowOracle.assertTop(out.getAs(column + "_top"), row, kind, temperature, false, TOP, what);
        RowOracle.assertPrediction(out.getAs(column + "_prediction"), row, kind, temperature,
            what);
      }
    }
  }

  /** Under skip, the stage on each column keeps exactly the rows valid in that column. */
  private static void checkStageSkip(
      List<FuzzRow> batch, Dataset<Row> frame, double temperature, String where) {
    for (Kind kind : Kind.values()) {
      SoftmaxTransformer stage = new SoftmaxTransformer().setInputCol(column(kind))
          .setOutputCol("p").setTemperature(temperature).setHandleInvalid("skip");
      Set<Integer> kept = stage.transform(frame).select("id").collectAsList().stream()
          .map(row -> row.getInt(0)).collect(Collectors.toCollection(TreeSet::new));
      Set<Integer> valid = IntStream.range(0, batch.size())
          .filter(r -> !batch.get(r).nullRow() && !Contract.invalid(batch.get(r).seenBy(kind)))
          .boxed().collect(Collectors.toCollection(TreeSet::new));
      assertEquals(valid, kept, where + ", skip on " + column(kind));
    }
  }

  /** The Java UDF classes, with the row's temperature or without one. */
  private static void checkUdfs(
      List<FuzzRow> batch, Dataset<Row> frame, int sample, String where) {
    List<Row> rows = byId(frame.selectExpr("id", "vector_softmax_t(vec, t)",
        "vector_log_softmax(vec)", "double_softmax(dbl)", "double_log_softmax_t(dbl, t)",
        "float_softmax_t(flt, t)", "float_log_softmax(flt)"), batch.size());
    Kind[] kinds = {Kind.VECTOR, Kind.DOUBLES, Kind.FLOATS};
    boolean[] withTemperature = {true, false, false, true, true, false};
    for (int r = 0; r < batch.size(); r++) {
      FuzzRow row = batch.get(r);
      for (int c = 0; c < 6; c++) {
        RowOracle.assertOutput(rows.get(r).get(c + 1), row, kinds[c / 2],
            withTemperature[c] ? row.temperature() : 1.0, c % 2 == 1, sampled(r, sample),
            where + ", UDF column " + c);
      }
    }
  }

  private static SoftmaxTransformer keep(String column, double temperature) {
    return new SoftmaxTransformer().setInputCol(column).setTemperature(temperature)
        .setHandleInvalid("keep");
  }

  /** The batch as a DataFrame in id order, from a local relation or from a parquet file. */
  private static Dataset<Row> frame(List<FuzzRow> batch, boolean fromParquet) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < batch.size(); r++) {
      FuzzRow row = batch.get(r);
      rows.add(RowFactory.create(r, row.temperature(), row.vector(), row.doubles(), row.floats()));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType, false)
        .add("t", DataTypes.DoubleType, false)
        .add("vec", SQLDataTypes.VectorType())
        .add("dbl", DataTypes.createArrayType(DataTypes.DoubleType, true))
        .add("flt", DataTypes.createArrayType(DataTypes.FloatType, true));
    return source(spark.createDataFrame(rows, schema), fromParquet, files);
  }

  /** {@code local}, or its rows written to a parquet file under {@code files} and read back. */
  static Dataset<Row> source(Dataset<Row> local, boolean fromParquet, Path files)
      throws IOException {
    if (!fromParquet) {
      return local;
    }
    String path = Files.createTempDirectory(files, "batch").resolve("rows.parquet").toString();
    local.write().parquet(path);
    return spark.read().parquet(path);
  }

  /** The rows of {@code query}, whose first column is the id, in id order. */
  private static List<Row> byId(Dataset<Row> query, int size) {
    Row[] rows = new Row[size];
    for (Row row : query.collectAsList()) {
      rows[row.getInt(0)] = row;
    }
    return List.of(rows);
  }

  private static String column(Kind kind) {
    return kind == Kind.VECTOR ? "vec" : kind == Kind.DOUBLES ? "dbl" : "flt";
  }

  /** Every tenth row of the batch, from a generated offset, is checked against the reference. */
  private static boolean sampled(int row, int sample) {
    return row % 10 == sample;
  }
}
