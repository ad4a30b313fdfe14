package io.github.sparksoftmax;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A dense result lives in its column's reused buffer until the next row (see {@code
 * ResultBuffers}). These tests put the results where a kept reference would show as every row
 * holding the last row's values: collected, gathered into lists or kept in a buffer by an
 * aggregate, sorted, two columns of the same width in one projection, without generated code, and
 * in a local relation evaluated by the optimizer; for vector, {@code array<double>} and {@code
 * array<float>} results, and for top-k output, which is selected from a reused full-width result.
 * Every row must still be its own softmax.
 */
class ResultReuseTest extends LocalSparkTest {
  private static final int ROWS = 300;
  private static final int WIDTH = 12;

  @Test
  void collectedRowsAreEachTheirOwnSoftmax() {
    Dataset<Row> out = new SoftmaxTransformer().transform(shuffled(frame(1)));
    assertEachRow(out.select("id", "probability").collectAsList(), 1);
  }

  @Test
  void anAggregateKeepsEveryRowOfAGroup() {
    Dataset<Row> out = new SoftmaxTransformer().transform(shuffled(frame(2)))
        .withColumn("group", col("id").mod(3))
        .groupBy("group")
        .agg(collect_list("id").as("ids"), collect_list("probability").as("probabilities"));
    List<Row> rows = new ArrayList<>();
    for (Row group : out.collectAsList()) {
      List<Long> ids = group.getList(group.fieldIndex("ids"));
      List<Vector> probabilities = group.getList(group.fieldIndex("probabilities"));
      for (int i = 0; i < ids.size(); i++) {
        rows.add(RowFactory.create(ids.get(i), probabilities.get(i)));
      }
    }
    assertEachRow(rows, 2);
  }

  @Test
  void anAggregateBufferKeepsItsRowsValues() {
    for (boolean generated : new boolean[] {true, false}) {
      List<Row> groups = withConf(Map.of(
          "spark.sql.codegen.wholeStage", Boolean.toString(generated),
          "spark.sql.codegen.factoryMode", generated ? "FALLBACK" : "NO_CODEGEN"),
          () -> new SoftmaxTransformer().transform(shuffled(frame(9)))
              .groupBy(col("id").mod(7))
              .agg(max("id"), max_by(col("probability"), col("id")), min("id"),
                  min_by(col("probability"), col("id")))
              .collectAsList());
      assertEquals(7, groups.size());
      for (Row group : groups) {
        for (int first : new int[] {1, 3}) {
          long id = group.getLong(first);
          SoftmaxTransformerTest.assertClose(
              SoftmaxTransformerTest.expected(logits(9, id), 1.0, false),
              ((Vector) group.get(first + 1)).toArray(), false);
        }
      }
    }
  }

  @Test
  void sortingByTheResultKeepsEachRowWithItsId() {
    Dataset<Row> out = new SoftmaxTransformer().transform(shuffled(frame(3)))
        .orderBy(element_at(functions.vector_to_array(col("probability"), "float64"), 1));
    assertEachRow(out.select("id", "probability").collectAsList(), 3);
  }

  @Test
  void twoColumnsOfTheSameWidthInOneProjectionKeepTheirOwnValues() {
    Dataset<Row> frame = frame(4).withColumnRenamed("logits", "first")
        .join(frame(5).withColumnRenamed("logits", "second"), "id");
    Dataset<Row> out = new Pipeline().setStages(new PipelineStage[] {
        new SoftmaxTransformer().setInputCol("first").setOutputCol("p"),
        new SoftmaxTransformer().setInputCol("second").setOutputCol("q")})
        .fit(frame).transform(frame);
    List<Row> rows = out.select("id", "p", "q").collectAsList();
    List<Row> firsts = new ArrayList<>();
    List<Row> seconds = new ArrayList<>();
    for (Row row : rows) {
      firsts.add(RowFactory.create(row.get(0), row.get(1)));
      seconds.add(RowFactory.create(row.get(0), row.get(2)));
    }
    assertEachRow(firsts, 4);
    assertEachRow(seconds, 5);
  }

  @Test
  void interpretedEvaluationGivesTheSameRows() {
    List<Row> rows = withConf(Map.of(
        "spark.sql.codegen.wholeStage", "false",
        "spark.sql.codegen.factoryMode", "NO_CODEGEN"),
        () -> new SoftmaxTransformer().transform(shuffled(frame(6)))
            .select("id", "probability").collectAsList());
    assertEachRow(rows, 6);
  }

  @Test
  void aLocalRelationEvaluatedByTheOptimizerGivesTheSameRows() {
    Dataset<Row> out = new SoftmaxTransformer().transform(frame(7));
    assertEachRow(out.select("id", "probability").collectAsList(), 7);
  }

  @Test
  void doubleArrayResultsAreEachTheirOwnSoftmax() {
    Dataset<Row> arrays = shuffled(frame(8)).withColumn("logits",
        functions.vector_to_array(col("logits"), "float64"));
    Dataset<Row> out = new SoftmaxTransformer().transform(arrays)
        .groupBy(col("id").mod(2))
        .agg(collect_list("id").as("ids"), collect_list("probability").as("probabilities"));
    List<Row> rows = new ArrayList<>();
    for (Row group : out.collectAsList()) {
      List<Long> ids = group.getList(1);
      List<scala.collection.Seq<Double>> probabilities = group.getList(2);
      for (int i = 0; i < ids.size(); i++) {
        double[] values = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
          values[j] = probabilities.get(i).apply(j);
        }
        rows.add(RowFactory.create(ids.get(i), Vectors.dense(values)));
      }
    }
    assertEachRow(rows, 8);
  }

  @Test
  void floatArrayResultsAreEachTheirOwnSoftmaxWithinOneFloatUlp() {
    Dataset<Row> floats = shuffled(frame(10)).withColumn("logits",
        functions.vector_to_array(col("logits"), "float32"));
    Dataset<Row> out = new SoftmaxTransformer().transform(floats)
        .groupBy(col("id").mod(2))
        .agg(collect_list("id").as("ids"), collect_list("probability").as("probabilities"));
    int rows = 0;
    for (Row group : out.collectAsList()) {
      List<Long> ids = group.getList(1);
      List<scala.collection.Seq<Float>> probabilities = group.getList(2);
      for (int i = 0; i < ids.size(); i++) {
        double[] widened = new double[WIDTH];
        double[] logits = logits(10, ids.get(i));
        for (int j = 0; j < WIDTH; j++) {
          widened[j] = (float) logits[j];
        }
        double[] exact = SoftmaxTransformerTest.expected(widened, 1.0, false);
        for (int j = 0; j < WIDTH; j++) {
          float value = probabilities.get(i).apply(j);
          assertTrue(Math.abs(value - exact[j]) <= Math.ulp((float) exact[j]),
              "row " + ids.get(i) + " entry " + j + ": " + value + " vs exact " + exact[j]);
        }
        rows++;
      }
    }
    assertEquals(ROWS, rows);
  }

  @Test
  void topKRowsAreEachTheirOwnLargestEntriesForEveryInputType() {
    Dataset<Row> vectors = shuffled(frame(11));
    for (String elementType : new String[] {null, "float64", "float32"}) {
      Dataset<Row> input = elementType == null ? vectors : vectors.withColumn("logits",
          functions.vector_to_array(col("logits"), elementType));
      List<Row> rows = new SoftmaxTransformer().setTopK(3).transform(input)
          .select("id", "probability").collectAsList();
      assertEquals(ROWS, rows.size());
      for (Row row : rows) {
        double[] logits = logits(11, row.getLong(0));
        if ("float32".equals(elementType)) {
          for (int j = 0; j < WIDTH; j++) {
            logits[j] = (float) logits[j];
          }
        }
        double[] exact = SoftmaxTransformerTest.expected(logits, 1.0, false);
        int[] largest = IntStream.range(0, WIDTH).boxed()
            .sorted((a, b) -> exact[a] != exact[b] ? Double.compare(exact[b], exact[a]) : a - b)
            .limit(3).mapToInt(Integer::intValue).sorted().toArray();
        SparseVector top = (SparseVector) row.get(1);
        assertArrayEquals(largest, top.indices(), "row " + row.getLong(0));
        SoftmaxTransformerTest.assertClose(
            IntStream.of(largest).mapToDouble(j -> exact[j]).toArray(), top.values(), false);
      }
    }
  }

  /** ROWS distinct rows of WIDTH logits from {@code seed}, as a local relation. */
  private static Dataset<Row> frame(long seed) {
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      data.add(RowFactory.create(id, Vectors.dense(logits(seed, id))));
    }
    return spark.createDataFrame(data, new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("logits", SQLDataTypes.VectorType(), true, Metadata.empty())}));
  }

  /** The frame behind a shuffle, so that it is computed by tasks, not by the optimizer. */
  private static Dataset<Row> shuffled(Dataset<Row> frame) {
    return frame.repartition(3);
  }

  private static double[] logits(long seed, long id) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + id);
    double[] row = new double[WIDTH];
    for (int i = 0; i < WIDTH; i++) {
      row[i] = random.nextDouble(-30.0, 30.0);
    }
    return row;
  }

  /** Each {@code (id, probabilities)} row against the exact softmax of that id's logits. */
  private static void assertEachRow(List<Row> rows, long seed) {
    assertEquals(ROWS, rows.size());
    boolean[] seen = new boolean[ROWS];
    for (Row row : rows) {
      int id = (int) row.getLong(0);
      seen[id] = true;
      SoftmaxTransformerTest.assertClose(
          SoftmaxTransformerTest.expected(logits(seed, id), 1.0, false),
          ((Vector) row.get(1)).toArray(), false);
    }
    for (int id = 0; id < ROWS; id++) {
      assertEquals(true, seen[id], "row " + id + " missing");
    }
  }
}
