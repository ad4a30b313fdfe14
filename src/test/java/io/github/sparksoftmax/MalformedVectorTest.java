package io.github.sparksoftmax;

import static io.github.sparksoftmax.SoftmaxTransformerTest.fullMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import io.github.sparksoftmax.sql.udf.VectorSoftmax;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vectors that Spark's VectorUDT never writes, read from a parquet file written by hand with the
 * vector's struct type: every path that reads vector rows in place (the stage under each {@code
 * handleInvalid}, with top-k output, and the SQL functions; compiled and interpreted) fails with
 * one message naming the column, the problem and the row, instead of a wrong answer or an
 * internal index error; the Java UDFs, which get their rows through VectorUDT, fail in Spark's own
 * check.
 */
@ExpectsTaskFailures
class MalformedVectorTest extends LocalSparkTest {

  /** VectorUDT's struct, with nullable parts so that a file can hold what VectorUDT never would. */
  private static final StructType STORED_VECTOR = new StructType()
      .add("type", DataTypes.ByteType)
      .add("size", DataTypes.IntegerType)
      .add("indices", DataTypes.createArrayType(DataTypes.IntegerType, true))
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, true));

  private static final int WELL_FORMED = 0;
  private static final int WIDE = 20;
  private static final int PAST_THE_SIZE_AFTER_A_WIDER_ROW = 21;

  private static Dataset<Row> vectors;

  static Stream<Arguments> malformedRows() {
    return Stream.of(
        malformed(1, "index -1 (at position 0) is negative",
            "type 0, size 3, indices [-1, 1], values [1.0, 2.0]"),
        malformed(2, "index 5 (at position 1) is not below the size 3",
            "type 0, size 3, indices [0, 5], values [1.0, 2.0]"),
        malformed(3, "its size -2 is negative", "type 0, size -2, indices [], values []"),
        malformed(4, "index 1 (at position 1) does not exceed the index before it, 2",
            "type 0, size 4, indices [2, 1], values [1.0, 2.0]"),
        malformed(5, "index 1 (at position 1) does not exceed the index before it, 1",
            "type 0, size 4, indices [1, 1], values [1.0, 2.0]"),
        malformed(6, "it has 2 indices but 1 values", "type 0, size 4, indices [0, 1], values [1.0]"),
        malformed(7, "its type is neither 0 (sparse) nor 1 (dense)",
            "type 7, size null, indices null, values [1.0]"),
        malformed(8, "a part of the vector is null", "type 0, size 3, indices null, values [1.0]"),
        malformed(9, "a part of the vector is null", "type 1, size null, indices null, values null"),
        // Invalid as well as malformed: skip must not drop it unnoticed.
        malformed(10, "index 1 (at position 1) does not exceed the index before it, 1",
            "type 0, size 2, indices [1, 1], values [NaN, 1.0]"),
        malformed(12, "index 14 (at position 14) is not below the size 14",
            "type 0, size 14, indices [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... (15 in all)], values [0.0,"
                + " 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, ... (15 in all)]"),
        malformed(PAST_THE_SIZE_AFTER_A_WIDER_ROW, "index 12 (at position 0) is not below the size 3",
            "type 0, size 3, indices [12], values [1.0]"));
  }

  private static Arguments malformed(int id, String problem, String row) {
    return Arguments.of(id, problem, row);
  }

  @BeforeAll
  static void writeTheFile(@TempDir Path dir) {
    SoftmaxFunctions.register(spark);
    List<Row> rows = new ArrayList<>(List.of(
        stored(WELL_FORMED, 0, 3, new Integer[] {1}, 2.0),
        stored(1, 0, 3, new Integer[] {-1, 1}, 1.0, 2.0),
        stored(2, 0, 3, new Integer[] {0, 5}, 1.0, 2.0),
        stored(3, 0, -2, new Integer[0]),
        stored(4, 0, 4, new Integer[] {2, 1}, 1.0, 2.0),
        stored(5, 0, 4, new Integer[] {1, 1}, 1.0, 2.0),
        stored(6, 0, 4, new Integer[] {0, 1}, 1.0),
        stored(7, 7, null, null, 1.0),
        stored(8, 0, 3, null, 1.0),
        RowFactory.create(9, RowFactory.create((byte) 1, null, null, null)),
        stored(10, 0, 2, new Integer[] {1, 1}, Double.NaN, 1.0)));
    Integer[] fifteen = new Integer[15];
    Arrays.setAll(fifteen, i -> i);
    Double[] values = new Double[15];
    Arrays.setAll(values, i -> (double) i);
    rows.add(stored(12, 0, 14, fifteen, values));
    // A row wider than the next, whose buffers the next row's index 12 would fit in.
    rows.add(stored(WIDE, 1, null, null, values));
    rows.add(stored(PAST_THE_SIZE_AFTER_A_WIDER_ROW, 0, 3, new Integer[] {12}, 1.0));
    String path = dir.resolve("vectors.parquet").toString();
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("logits", STORED_VECTOR)).coalesce(1).write().parquet(path);
    vectors = spark.read()
        .schema(new StructType().add("id", DataTypes.IntegerType)
            .add("logits", SQLDataTypes.VectorType()))
        .parquet(path);
  }

  private static Row stored(int id, int type, Integer size, Integer[] indices, Double... values) {
    return RowFactory.create(id, RowFactory.create((byte) type, size,
        indices == null ? null : Arrays.asList(indices), Arrays.asList(values)));
  }

  @Test
  void aWellFormedSparseVectorFromTheSameFileIsComputed() {
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      Row row = withConf(mode, () -> new SoftmaxTransformer()
          .transform(vectors.filter("id = " + WELL_FORMED)).first());
      Contract.assertProbabilities(new double[] {0, 2, 0}, 1.0,
          ((Vector) row.getAs("probability")).toArray(), "well-formed sparse row");
    }
  }

  @ParameterizedTest(name = "row {0}: {1}")
  @MethodSource("malformedRows")
  void everyPathFailsNamingTheColumnTheProblemAndTheRow(int id, String problem, String row) {
    Map<String, Function<Dataset<Row>, Dataset<Row>>> compiled = Map.of(
        "skip", frame -> new SoftmaxTransformer().setHandleInvalid("skip").transform(frame),
        "keep, log space", frame -> new SoftmaxTransformer().setHandleInvalid("keep")
            .setLogSoftmax(true).transform(frame),
        "top-k", frame -> new SoftmaxTransformer().setHandleInvalid("keep").setTopK(2)
            .transform(frame),
        "SQL softmax", frame -> frame.selectExpr("softmax(logits)"));
    Map<String, Function<Dataset<Row>, Dataset<Row>>> interpreted = Map.of(
        "error", frame -> new SoftmaxTransformer().transform(frame),
        "SQL log_softmax", frame -> frame.selectExpr("log_softmax(logits, 0.5)"));
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      (mode == COMPILED ? compiled : interpreted).forEach((path, query) -> {
        String message = withConf(mode, () -> failure(query.apply(rowsUpTo(id))));
        assertTrue(message.contains("Column 'logits' holds a malformed vector (" + row + "): "
            + problem + "."), path + (mode == COMPILED ? ", compiled: " : ", interpreted: ")
            + message);
      });
    }
  }

  /**
   * The Java UDFs take their rows as Vectors, which Spark's VectorUDT builds and checks: a
   * malformed sparse row fails there, before the UDF is called.
   */
  @Test
  void theJavaUdfFailsInSparksOwnCheckOfASparseVector() {
    spark.udf().registerJava("softmax_udf", VectorSoftmax.class.getName(),
        SQLDataTypes.VectorType());
    for (int id : new int[] {1, 2, 3, 4, 5, 6}) {
      String message = failure(vectors.filter("id = " + id).selectExpr("softmax_udf(logits)"));
      assertTrue(message.contains("requirement failed"), "row " + id + ": " + message);
    }
  }

  /** A row, or the wide row then the row (in this order, in one task), for the last case. */
  private static Dataset<Row> rowsUpTo(int id) {
    return id == PAST_THE_SIZE_AFTER_A_WIDER_ROW
        ? vectors.filter("id IN (" + WIDE + ", " + id + ")")
        : vectors.filter("id = " + id);
  }

  private static String failure(Dataset<Row> query) {
    Exception e = assertThrows(Exception.class, query::collectAsList);
    return fullMessage(e);
  }
}
