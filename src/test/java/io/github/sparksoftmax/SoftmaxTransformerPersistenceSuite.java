package io.github.sparksoftmax;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.Test;

/**
 * Persistence as Spark tests its own stages (DefaultReadWriteTest): save, saving again fails,
 * overwrite works, load keeps the uid and every param, and round trips inside a Pipeline and a
 * fitted PipelineModel give identical output. Runs on spark-testing-base (JUnit 4, through the
 * vintage engine); its DataFrame equality is exact, which is what a round trip must give.
 */
public class SoftmaxTransformerPersistenceSuite extends JavaDataFrameSuiteBase {

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @Test
  public void saveRefusesToOverwriteUnlessAskedAndLoadKeepsUidAndParams() throws IOException {
    SoftmaxTransformer stage = new SoftmaxTransformer().setInputCol("scores")
        .setOutputCol("p").setTemperature(2.5).setLogSoftmax(true).setHandleInvalid("keep")
        .setPredictionCol("label");
    String path = freshPath();
    stage.save(path);
    IOException again = assertThrows(IOException.class, () -> stage.save(path));
    assertEquals(true, again.getMessage().contains("already exists"));
    stage.write().overwrite().save(path);

    SoftmaxTransformer loaded = SoftmaxTransformer.load(path);
    assertEquals(stage.uid(), loaded.uid());
    for (Param<?> param : stage.params()) {
      assertEquals(param.name(), stage.getOrDefault(param),
          loaded.getOrDefault(loaded.getParam(param.name())));
      assertEquals(param.name(), stage.isSet(param), loaded.isSet(loaded.getParam(param.name())));
    }
  }

  @Test
  public void pipelineAndFittedPipelineModelRoundTripsGiveIdenticalOutput() throws IOException {
    Dataset<Row> train = trainingFrame();
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new LogisticRegression().setFamily("multinomial").setMaxIter(20)
            .setProbabilityCol("lrProbability").setPredictionCol("lrPrediction"),
        new SoftmaxTransformer().setInputCol("rawPrediction").setTemperature(1.7)
            .setPredictionCol("calibratedPrediction")});
    PipelineModel model = pipeline.fit(train);
    Dataset<Row> expected = model.transform(train);

    String pipelinePath = freshPath();
    pipeline.save(pipelinePath);
    PipelineModel refitted = Pipeline.load(pipelinePath).fit(train);
    assertDataFrameEquals(expected, refitted.transform(train), assertDataFrameEquals$default$3());

    String modelPath = freshPath();
    model.save(modelPath);
    PipelineModel reloaded = PipelineModel.load(modelPath);
    assertEquals(model.stages()[1].uid(), reloaded.stages()[1].uid());
    assertDataFrameEquals(expected, reloaded.transform(train), assertDataFrameEquals$default$3());
  }

  private Dataset<Row> trainingFrame() {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int label = i % 3;
      rows.add(RowFactory.create((double) label, Vectors.dense(
          label + random.nextGaussian(), random.nextGaussian() - label)));
    }
    return spark().createDataFrame(rows, new StructType()
        .add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType()));
  }

  private String freshPath() {
    return new File(tempDir(), "stage-" + UUID.randomUUID()).getPath();
  }
}
