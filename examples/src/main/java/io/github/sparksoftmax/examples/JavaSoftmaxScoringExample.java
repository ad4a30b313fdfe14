package io.github.sparksoftmax.examples;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a dataset of logits programmatically: probabilities at temperature 2, the predicted
 * class, and a row with a NaN logit skipped. Run with spark-submit, or with
 * {@code -Dspark.master=local[*]}.
 */
public class JavaSoftmaxScoringExample {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("JavaSoftmaxScoringExample").getOrCreate();

    List<Row> data = Arrays.asList(
        RowFactory.create(0L, Vectors.dense(0.0, Math.log(2.0), Math.log(3.0))),
        RowFactory.create(1L, Vectors.dense(1000.0, 1001.0, 1002.0)),
        RowFactory.create(2L, Vectors.sparse(3, new int[] {1}, new double[] {4.0})),
        RowFactory.create(3L, Vectors.dense(Double.NaN, 1.0, 2.0)));
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("logits", SQLDataTypes.VectorType(), false, Metadata.empty())});
    Dataset<Row> logits = spark.createDataFrame(data, schema);

    SoftmaxTransformer softmax = new SoftmaxTransformer()
        .setInputCol("logits")
        .setOutputCol("probability")
        .setTemperature(2.0)
        .setHandleInvalid("skip")
        .setPredictionCol("prediction");

    Dataset<Row> scored = softmax.transform(logits);
    System.out.println("Softmax at temperature " + softmax.getTemperature() + ":");
    scored.show(false);

    spark.stop();
  }
}
