package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.Seq;

/**
 * The job end to end, in process: {@link SoftmaxJob#run} in this class's Spark session, on files
 * of each input format, checking the output files, the exit code and the lines printed.
 */
class SoftmaxJobTest extends LocalSparkTest {
  private static final double LN2 = Math.log(2.0);
  private static final double LN3 = Math.log(3.0);
  /** softmax(0, ln 2, ln 3) = (1, 2, 3) / 6. */
  private static final double[] SIXTHS = {1.0 / 6, 2.0 / 6, 3.0 / 6};

  @TempDir
  Path dir;

  @Test
  void parquetVectorsGetExactProbabilitiesAndEveryInputColumnIsKept() {
    String input = vectorInput("in.parquet", Vectors.dense(0.0, LN2, LN3),
        Vectors.sparse(4, new int[] {1}, new double[] {-2.5}), Vectors.dense(1e3, -1e3));
    JobOutcome result = job("--input", input, "--output", path("out"), "--prediction-col", "pred");
    result.assertSucceeded(3, 3);
    List<Row> rows = spark.read().parquet(path("out")).orderBy("id").collectAsList();
    assertEquals(List.of("id", "name", "logits", "probability", "pred"),
        Arrays.asList(rows.get(0).schema().fieldNames()));
    assertArrayEquals(SIXTHS, vector(rows.get(0), "probability"), 1e-16);
    assertExact(new double[] {0, -2.5, 0, 0}, 1.0, vector(rows.get(1), "probability"));
    assertExact(new double[] {1e3, -1e3}, 1.0, vector(rows.get(2), "probability"));
    assertEquals(2.0, rows.get(0).<Double>getAs("pred"));
    assertEquals("row-1", rows.get(1).getAs("name"));
  }

  @Test
  void orcVectorsStayVectorsAndJsonOutputWritesThemAsArrays() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(0.0, LN2, LN3), Vectors.dense(4.0, -1.0));
    frame.write().orc(path("in.orc"));
    job("--input", path("in.orc"), "--output", path("orc-out"), "--output-format", "orc")
        .assertSucceeded(2, 2);
    assertEquals(new VectorUDT().sqlType().catalogString(), spark.read().orc(path("orc-out"))
        .schema().apply("probability").dataType().catalogString());

    job("--input", path("in.orc"), "--output", path("out.json"), "--output-format", "json",
        "--temperature", "2").assertSucceeded(2, 2);
    Dataset<Row> json = spark.read().json(path("out.json"));
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType),
        json.schema().apply("probability").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType),
        json.schema().apply("logits").dataType());
    List<Row> rows = json.orderBy("id").collectAsList();
    assertExact(new double[] {0.0, LN2, LN3}, 2.0, array(rows.get(0), "probability"));
    assertExact(new double[] {4.0, -1.0}, 2.0, array(rows.get(1), "probability"));
  }

  @Test
  void jsonArraysOfNumbersAreLogitsAndIntegersCountAsDoubles() throws IOException {
    Path json = dir.resolve("in.json");
    Files.writeString(json, "{\"id\": 0, \"logits\": [0.0, 0.6931471805599453, 1.0986122886681098]}\n"
        + "{\"id\": 1, \"logits\": [1, 2, 3]}\n");
    job("--input", json.toString(), "--output", path("json-out"), "--log-softmax")
        .assertSucceeded(2, 2);
    List<Row> rows = spark.read().parquet(path("json-out")).orderBy("id").collectAsList();
    double[] logSixths = Arrays.stream(SIXTHS).map(Math::log).toArray();
    assertArrayEquals(logSixths, array(rows.get(0), "probability"), 1e-15);
    assertExact(new double[] {1, 2, 3}, 1.0, Arrays.stream(array(rows.get(1), "probability"))
        .map(Math::exp).toArray());
    assertArrayEquals(new double[] {1, 2, 3}, array(rows.get(1), "logits"));
  }

  @Test
  void floatArraysGiveFloatArrays() {
    spark.createDataFrame(List.of(RowFactory.create(0L, new Float[] {0f, 1f, 2f})),
            new StructType().add("id", DataTypes.LongType)
                .add("scores", DataTypes.createArrayType(DataTypes.FloatType)))
        .write().parquet(path("floats"));
    job("--input", path("floats"), "--output", path("floats-out"), "--input-col", "scores")
        .assertSucceeded(1, 1);
    Row row = spark.read().parquet(path("floats-out")).first();
    double[] exact = SoftmaxTransformerTest.expected(new double[] {0, 1, 2}, 1.0, false);
    Seq<Object> probabilities = row.getAs("probability");
    for (int i = 0; i < exact.length; i++) {
      assertEquals((float) exact[i], (Float) probabilities.apply(i));
    }
  }

  @Test
  void csvLogitColumnsAreAssembledInTheOrderNamedOrInFileOrder() throws IOException {
    Path csv = dir.resolve("in.csv");
    Files.writeString(csv, "id,b,a,c,name\n0,0.6931471805599453,0,1.0986122886681098,x\n"
        + "1,2,1,3,y\n");
    job("--input", csv.toString(), "--output", path("csv-out"), "--logit-cols", "a,b,c",
        "--output-format", "csv").assertSucceeded(2, 2);
    List<Row> rows = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(path("csv-out")).orderBy("id").collectAsList();
    assertEquals(List.of("id", "b", "a", "c", "name", "probability"),
        Arrays.asList(rows.get(0).schema().fieldNames()));
    assertArrayEquals(SIXTHS, parseJsonArray(rows.get(0).getAs("probability")), 1e-16);
    assertExact(new double[] {1, 2, 3}, 1.0, parseJsonArray(rows.get(1).getAs("probability")));

    Path prefixed = dir.resolve("prefixed.csv");
    Files.writeString(prefixed, "logit_z,id,logit_a\n0,0,0.6931471805599453\n");
    job("--input", prefixed.toString(), "--output", path("prefix-out"), "--logit-prefix",
        "logit_").assertSucceeded(1, 1);
    Row row = spark.read().parquet(path("prefix-out")).first();
    assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, array(row, "probability"), 1e-16);
  }

  @Test
  void skippedRowsAreCountedOnceAndKeptRowsAreAllWritten() {
    String input = vectorInput("mixed", Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0),
        null, Vectors.dense(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY),
        Vectors.dense(3.0));
    JobOutcome skip = job("--input", input, "--output", path("skip"), "--handle-invalid", "skip");
    skip.assertSucceeded(5, 2);
    assertTrue(skip.out.contains("rows read 5, rows written 2, rows skipped as invalid 3,"),
        skip.out);
    assertEquals(List.of(0L, 4L), spark.read().parquet(path("skip")).orderBy("id")
        .select("id").as(Encoders.LONG()).collectAsList());

    job("--input", input, "--output", path("keep"), "--handle-invalid", "keep")
        .assertSucceeded(5, 5);
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidRowUnderErrorFailsWithOneLineInTheJobsWordsAndLeavesNoOutput()
      throws IOException {
    String input = vectorInput("invalid", Vectors.dense(1.0, 2.0), Vectors.dense(Double.NaN, 1.0),
        null);
    JobOutcome result = job("--input", input, "--output", path("never/out"));
    result.assertFailed(1, "softmax-job: error: Softmax is undefined for a row of column"
        + " 'logits': the row has a NaN entry. The first invalid row: id=1, name=row-1,"
        + " logits=[NaN,1.0]. Use --handle-invalid skip to drop such rows or --handle-invalid"
        + " keep to write NaN (null for a null row).\n");
    assertFalse(Files.exists(dir.resolve("never/out")));
    try (Stream<Path> leftovers = Files.list(dir.resolve("never"))) {
      assertEquals(List.of(), leftovers.collect(Collectors.toList()));
    }
  }

  @Test
  @ExpectsTaskFailures
  void anInvalidCsvRowIsNamedByItsFileAndDataRowAndItsLogitColumns() throws IOException {
    Path csv = dir.resolve("scores of day 1.csv");
    Files.writeString(csv, "id,logit_a,name,logit_b\n0,1.5,x,2.5\n\n1,-1,y,3\n2,4,z,\n"
        + "3,NaN,w,1\n");
    job("--input", csv.toString(), "--output", path("csv-out"), "--logit-prefix", "logit_")
        .assertFailed(1, "softmax-job: error: Softmax is undefined for a row of columns logit_a,"
            + " logit_b (--logit-prefix logit_): the row has a null entry. The first invalid row:"
            + " data row 3 of " + csv + ", logit_a=4.0, logit_b=null. Use --handle-invalid skip");
    job("--input", csv.toString(), "--output", path("csv-out"), "--logit-cols", "logit_b,logit_a")
        .assertFailed(1, "for a row of columns logit_b, logit_a (--logit-cols): the row has a"
            + " null entry. The first invalid row: data row 3 of " + csv + ", logit_b=null,"
            + " logit_a=4.0.");
  }

  @Test
  @ExpectsTaskFailures
  void dataErrorsExitWithOneBeforeAnythingIsWritten() throws IOException {
    String input = vectorInput("good", Vectors.dense(1.0, 2.0));
    Files.createDirectories(dir.resolve("corrupt"));
    Files.writeString(dir.resolve("corrupt/part-0.parquet"), "not a parquet file");
    Files.writeString(dir.resolve("bad.json"), "{\"logits\": [1.0, 2.0]}\n{\"logits\": [1.0,\n");
    Files.writeString(dir.resolve("text.csv"), "id,a,b\n0,1.5,2\n\n1,2.5,high\n");
    Files.createDirectories(dir.resolve("taken"));
    Files.writeString(dir.resolve("taken/keep.txt"), "existing output");
    String[][] cases = {
        {"--input", path("absent"), "[PATH_NOT_FOUND] Path does not exist"},
        {"--input", path("corrupt"), "is not a Parquet file"},
        {"--input", path("bad.json"), "cannot read the json input"},
        {"--input", input, "--input-col", "scores", "Input column 'scores' does not exist"},
        {"--input", input, "--input-col", "name",
            "Input column 'name' must be of type vector (VectorUDT), array<double> or"
            + " array<float> but got string"},
        {"--input", input, "--output-col", "id", "Output column 'id' already exists"},
        {"--input", path("text.csv"), "--logit-cols", "a,b",
            "column 'b' named by --logit-cols must be numeric; the first row where it is not:"
            + " data row 2 of " + path("text.csv") + ", b=high"},
        {"--input", input, "--logit-cols", "id,name", "--input-col", "assembled",
            "column 'name' named by --logit-cols must be numeric; the first row where it is not:"
            + " id=0, name=row-0, logits=[1.0,2.0]"},
        {"--input", path("text.csv"), "--logit-cols", "a,x",
            "column 'x' named by --logit-cols does not exist; the columns are id, a, b"},
        {"--input", path("text.csv"), "--logit-prefix", "logit_",
            "no column name starts with --logit-prefix 'logit_'"},
    };
    for (String[] c : cases) {
      String[] args = Stream.concat(Arrays.stream(c, 0, c.length - 1),
          Stream.of("--output", path("not-written"))).toArray(String[]::new);
      job(args).assertFailed(1, c[c.length - 1]);
      assertFalse(Files.exists(dir.resolve("not-written")), String.join(" ", args));
    }
    job("--input", input, "--output", path("taken"))
        .assertFailed(1, "taken' already exists; use --mode overwrite to replace it");
    assertEquals("existing output", Files.readString(dir.resolve("taken/keep.txt")));
  }

  @Test
  void usageErrorsExitWithTwoAndHelpWithZero() {
    job("--input", path("x"), "--output", path("y"), "--temperature", "-1")
        .assertFailed(2, "--temperature must be a finite number > 0, got '-1' (see --help)");
    job("--output", path("y")).assertFailed(2, "--input is required");
    job("--input", path("x"), "--output", path("y"), "--conf", "conf/softmax-job.properties")
        .assertFailed(2, "the properties file of the job's flags is now given with"
            + " --properties-file FILE (see --help)");
    JobOutcome help = job("--help");
    assertEquals(0, help.code);
    assertTrue(help.out.startsWith("Usage: bin/softmax-job [SPARK OPTIONS] --input PATH"
        + " --output PATH [FLAGS]\n   or: spark-submit [SPARK OPTIONS] --class"
        + " io.github.sparksoftmax.SoftmaxJob JAR"), help.out);
  }

  @Test
  void versionNamesThisBuildAndTheSparkScalaAndJavaItRunsOn() {
    JobOutcome version = job("--version", "--input", path("never-read"));
    assertEquals(0, version.code, version.err);
    String spark = versionOfJar("spark-core_\\d+\\.\\d+");
    String scala = versionOfJar("scala-library");
    List<String> lines = version.out.lines().collect(Collectors.toList());
    assertEquals(2, lines.size(), version.out);
    assertEquals("spark-softmax_" + scala.substring(0, scala.lastIndexOf('.')) + " 0.1.0-SNAPSHOT,"
        + " built with Spark " + spark, lines.get(0));
    assertTrue(lines.get(1).startsWith("running on Spark " + spark + ", Scala " + scala + ", Java "
        + Runtime.version().feature() + "."), lines.get(1));
  }

  /** The version in the name of the jar {@code NAME-VERSION.jar} on this JVM's classpath. */
  private static String versionOfJar(String name) {
    Pattern jar = Pattern.compile(".*/" + name + "-(\\d+\\.\\d+\\.\\d+)\\.jar");
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(jar::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " jar on the classpath"));
  }

  @Test
  void confSetsSparkSettingsInTheRunningSession() {
    String input = vectorInput("conf-in", Vectors.dense(1.0, 2.0), Vectors.dense(3.0, 4.0),
        Vectors.dense(5.0, 6.0));
    try {
      job("--input", input, "--output", path("conf-out"), "--conf",
          "spark.sql.files.maxRecordsPerFile=1").assertSucceeded(3, 3);
    } finally {
      spark.conf().unset("spark.sql.files.maxRecordsPerFile");
    }
    try (Stream<Path> files = Files.list(dir.resolve("conf-out"))) {
      assertEquals(3, files.filter(f -> f.toString().endsWith(".parquet")).count());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    job("--input", input, "--output", path("never"), "--conf", "spark.sql.warehouse.dir=elsewhere")
        .assertFailed(2, "--conf spark.sql.warehouse.dir=elsewhere cannot be set in the Spark"
            + " session that runs the job");
  }

  @Test
  @ExpectsTaskFailures
  void overwriteReplacesTheOutputOnlyOnceTheNewOneIsComplete() throws IOException {
    String good = vectorInput("first", Vectors.dense(1.0, 2.0), Vectors.dense(3.0, 4.0));
    String bad = vectorInput("second", Vectors.dense(Double.NaN, 2.0));
    Files.createDirectories(dir.resolve("target"));
    Files.writeString(dir.resolve("target/old.txt"), "old");
    job("--input", good, "--output", path("target"), "--mode", "overwrite").assertSucceeded(2, 2);
    assertFalse(Files.exists(dir.resolve("target/old.txt")));
    assertEquals(2, spark.read().parquet(path("target")).count());

    job("--input", bad, "--output", path("target"), "--mode", "overwrite")
        .assertFailed(1, "the row has a NaN entry");
    assertEquals(2, spark.read().parquet(path("target")).count());

    job("--input", path("target"), "--output", path("target"), "--mode", "overwrite",
        "--input-col", "probability", "--output-col", "twice").assertSucceeded(2, 2);
    assertEquals(List.of("id", "name", "logits", "probability", "twice"),
        Arrays.asList(spark.read().parquet(path("target")).columns()));
  }

  @Test
  void showPrintsTheFirstOutputRowsBeforeTheSummary() {
    String input = vectorInput("shown", Vectors.dense(0.0, LN2, LN3));
    JobOutcome result = job("--input", input, "--output", path("shown-out"), "--show", "5",
        "--output-format", "json");
    result.assertSucceeded(1, 1);
    List<String> lines = result.out.lines().collect(Collectors.toList());
    assertEquals(3, lines.size(), result.out);
    assertEquals("id | name | logits | probability", lines.get(0));
    assertTrue(lines.get(1).startsWith("0 | row-0 | [0.0,0.6931471805599453,1.0986122886681098]"
        + " | [0.16666666666666"), lines.get(1));
  }

  private JobOutcome job(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SoftmaxJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new JobOutcome(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  /** Writes rows (id, name, logits) as parquet and returns the path. */
  private String vectorInput(String name, Vector... logits) {
    vectorFrame(logits).write().parquet(path(name));
    return path(name);
  }

  private static Dataset<Row> vectorFrame(Vector... logits) {
    return SoftmaxTransformerTest.vectorFrame(logits)
        .selectExpr("id", "concat('row-', id) AS name", "logits");
  }

  private static double[] vector(Row row, String column) {
    return ((Vector) row.getAs(column)).toArray();
  }

  private static double[] array(Row row, String column) {
    Seq<Object> values = row.getAs(column);
    double[] result = new double[values.length()];
    for (int i = 0; i < result.length; i++) {
      result[i] = ((Number) values.apply(i)).doubleValue();
    }
    return result;
  }

  private static double[] parseJsonArray(String text) {
    return Arrays.stream(text.replaceAll("[\\[\\]]", "").split(","))
        .mapToDouble(Double::parseDouble).toArray();
  }

  private static void assertExact(double[] logits, double temperature, double[] actual) {
    SoftmaxTransformerTest.assertClose(
        SoftmaxTransformerTest.expected(logits, temperature, false), actual, false);
  }
}
