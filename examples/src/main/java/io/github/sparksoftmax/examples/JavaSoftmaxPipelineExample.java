package io.github.sparksoftmax.examples;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
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
 * A Pipeline of a multinomial LogisticRegression and a SoftmaxTransformer that turns the model's
 * raw predictions into temperature-scaled probabilities; the fitted pipeline is saved, loaded
 * and applied again. The optional argument is where to save it (default: a new temporary
 * directory). Run with spark-submit, or with {@code -Dspark.master=local[*]}.
 */
public class JavaSoftmaxPipelineExample {
  public static void main(String[] args) throws IOException {
    SparkSession spark = SparkSession.builder().appName("JavaSoftmaxPipelineExample").getOrCreate();

    List<Row> data = Arrays.asList(
        RowFactory.create(0.0, Vectors.dense(-1.0, 0.5)),
        RowFactory.create(0.0, Vectors.dense(-1.5, 0.0)),
        RowFactory.create(0.0, Vectors.dense(-0.5, 1.0)),
        RowFactory.create(1.0, Vectors.dense(1.0, 1.0)),
        RowFactory.create(1.0, Vectors.dense(1.5, 0.5)),
        RowFactory.create(1.0, Vectors.dense(0.5, 1.5)),
        RowFactory.create(2.0, Vectors.dense(0.0, -1.5)),
        RowFactory.create(2.0, Vectors.dense(0.5, -1.0)),
        RowFactory.create(2.0, Vectors.dense(-0.5, -1.0)));
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
    Dataset<Row> training = spark.createDataFrame(data, schema);

    LogisticRegression classifier = new LogisticRegression()
        .setFamily("multinomial")
        .setMaxIter(50)
        .setRegParam(0.01);
    // A temperature above 1 softens over-confident probabilities (temperature scaling); in
    // practice it is fitted on held-out data.
    SoftmaxTransformer calibrate = new SoftmaxTransformer()
        .setInputCol("rawPrediction")
        .setOutputCol("calibratedProbability")
        .setTemperature(2.5);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {classifier, calibrate});
    PipelineModel model = pipeline.fit(training);

    String path = args.length > 0 ? args[0]
        : Files.createTempDirectory("softmax-pipeline").resolve("model").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    System.out.println("Pipeline saved to and loaded from " + path + ":");
    loaded.transform(training)
        .select("label", "prediction", "probability", "calibratedProbability")
        .show(false);

    spark.stop();
  }
}
