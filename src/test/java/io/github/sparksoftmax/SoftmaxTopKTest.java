package io.github.sparksoftmax;

import static io.github.sparksoftmax.SoftmaxTransformerTest.schema;
import static io.github.sparksoftmax.SoftmaxTransformerTest.vectorFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoftmaxTopKTest extends LocalSparkTest {
  private static final double NAN = Double.NaN;

  /**
   * The values are those of the full softmax, within the contract, at their indices: for {@code
   * array<float>} input, the double-precision softmax of the float logits, not rounded to float.
   */
  @Test
  void holdsTheExactLargestEntriesAtTheirIndicesForEveryInputType() {
    double[] logits = {0.5, 3.0, -1.0, 2.75, 10.0, 2.9};
    int[] topThree = {1, 4, 5};
    for (boolean log : new boolean[] {false, true}) {
      for (DataType type : new DataType[] {SQLDataTypes.VectorType(),
          DataTypes.createArrayType(DataTypes.DoubleType),
          DataTypes.createArrayType(DataTypes.FloatType)}) {
        Dataset<Row> out = new SoftmaxTransformer().setTopK(3).setTemperature(1.5)
            .setLogSoftmax(log).transform(frame(type, logits));
        assertEquals(SQLDataTypes.VectorType(), out.schema().apply("probability").dataType());
        SparseVector top = (SparseVector) out.first().getAs("probability");
        assertEquals(logits.length, top.size());
        assertArrayEquals(topThree, top.indices(), type.catalogString());
        double[] stored = type.equals(DataTypes.createArrayType(DataTypes.FloatType))
            ? Arrays.stream(logits).map(v -> (float) v).toArray() : logits;
        ExactSoftmax exact = ExactSoftmax.of(stored, 1.5);
        for (int j = 0; j < topThree.length; j++) {
          Contract.assertEntryWithinContract(exact, log, topThree[j], top.values()[j],
              type.catalogString());
        }
      }
    }
  }

  @Test
  void sparseInputsAndTiesKeepTheLowerIndex() {
    Vector sparse = Vectors.sparse(7, new int[] {2, 5}, new double[] {-1.0, -1.0});
    Dataset<Row> out = new SoftmaxTransformer().setTopK(3).setPredictionCol("prediction")
        .transform(vectorFrame(sparse, Vectors.dense(1.0, 4.0, 4.0, 0.0, 4.0)));
    List<Row> rows = out.orderBy("id").collectAsList();
    SparseVector zeros = (SparseVector) rows.get(0).getAs("probability");
    assertArrayEquals(new int[] {0, 1, 3}, zeros.indices());
    ExactSoftmax exact = ExactSoftmax.of(sparse.toArray(), 1.0);
    for (int j = 0; j < 3; j++) {
      Contract.assertEntryWithinContract(exact, false, zeros.indices()[j], zeros.values()[j],
          "implicit zeros");
    }
    SparseVector ties = (SparseVector) rows.get(1).getAs("probability");
    assertArrayEquals(new int[] {1, 2, 4}, ties.indices());
    assertEquals(0.0, rows.get(0).<Double>getAs("prediction"));
    assertEquals(1.0, rows.get(1).<Double>getAs("prediction"));
  }

  @Test
  void topKAtLeastTheSizeHoldsTheFullDistribution() {
    double[] logits = {1.0, -2.0, 0.25};
    for (int k : new int[] {3, 50}) {
      Vector top = new SoftmaxTransformer().setTopK(k).transform(vectorFrame(Vectors.dense(logits)))
          .first().getAs("probability");
      assertTrue(top instanceof SparseVector);
      assertArrayEquals(new int[] {0, 1, 2}, ((SparseVector) top).indices());
      Contract.assertProbabilities(logits, 1.0, top.toArray(), "top " + k);
    }
  }

  @Test
  void predictionOfLogTopKIgnoresTheImplicitZeros() {
    Dataset<Row> out = new SoftmaxTransformer().setTopK(2).setLogSoftmax(true)
        .setPredictionCol("prediction")
        .transform(vectorFrame(Vectors.dense(-3.0, 5.0, 1.0, 4.0)));
    Row row = out.first();
    assertEquals(1.0, row.<Double>getAs("prediction"));
    assertTrue(((Vector) row.getAs("probability")).toArray()[0] == 0.0);
  }

  @Test
  void invalidRowsUnderKeepHoldNaNAtTheirFirstIndicesAndNullRowsStayNull() {
    Dataset<Row> frame = vectorFrame(Vectors.dense(1.0, NAN, 3.0, 0.0), null,
        Vectors.dense(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY),
        Vectors.dense(0.0, 1.0));
    List<Row> out = new SoftmaxTransformer().setTopK(2).setHandleInvalid("keep")
        .setPredictionCol("prediction").transform(frame).orderBy("id").collectAsList();
    for (int r : new int[] {0, 2}) {
      SparseVector kept = (SparseVector) out.get(r).getAs("probability");
      assertArrayEquals(new int[] {0, 1}, kept.indices());
      assertTrue(Arrays.stream(kept.values()).allMatch(Double::isNaN));
      assertTrue(Double.isNaN(out.get(r).<Double>getAs("prediction")));
    }
    assertNull(out.get(1).getAs("probability"));
    assertNull(out.get(1).getAs("prediction"));
    assertEquals(1.0, out.get(3).<Double>getAs("prediction"));
    List<Row> skipped = new SoftmaxTransformer().setTopK(2).setHandleInvalid("skip")
        .transform(frame).collectAsList();
    assertEquals(1, skipped.size());
    Dataset<Row> nullEntry = spark.createDataFrame(
        List.of(RowFactory.create(0L, new Double[] {1.0, null, 2.0})),
        schema(DataTypes.createArrayType(DataTypes.DoubleType, true)));
    SparseVector keptArray = (SparseVector) new SoftmaxTransformer().setTopK(2)
        .setHandleInvalid("keep").transform(nullEntry).first().getAs("probability");
    assertTrue(Arrays.stream(keptArray.values()).allMatch(Double::isNaN));
    assertThrows(SparkException.class,
        () -> new SoftmaxTransformer().setTopK(2).transform(frame).collectAsList());
  }

  @Test
  void vectorSizeMetadataCarriesOverAndTopKPersists(@TempDir Path dir) throws Exception {
    Dataset<Row> sized = vectorFrame(Vectors.dense(1.0, 2.0, 3.0))
        .withMetadata("logits", new AttributeGroup("logits", 3).toMetadata());
    SoftmaxTransformer stage = new SoftmaxTransformer().setTopK(1);
    assertEquals(3, AttributeGroup.fromStructField(
        stage.transform(sized).schema().apply("probability")).size());
    String path = dir.resolve("topk").toString();
    stage.write().save(path);
    assertEquals(1, SoftmaxTransformer.load(path).getTopK());
    assertThrows(IllegalArgumentException.class, () -> stage.setTopK(-1));
  }

  private static Dataset<Row> frame(DataType type, double[] logits) {
    Object value;
    if (type.equals(SQLDataTypes.VectorType())) {
      value = Vectors.dense(logits);
    } else if (type.equals(DataTypes.createArrayType(DataTypes.DoubleType))) {
      value = Arrays.stream(logits).boxed().toArray(Double[]::new);
    } else {
      List<Float> floats = new ArrayList<>();
      for (double v : logits) {
        floats.add((float) v);
      }
      value = floats.toArray(new Float[0]);
    }
    return spark.createDataFrame(List.of(RowFactory.create(0L, value)), schema(type));
  }
}
