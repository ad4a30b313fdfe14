package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Saving and loading the stages, in both builds: the round trip with every param that
 * SoftmaxTransformerPersistenceSuite runs on spark-testing-base (which has no Spark 4 build; the
 * Pipeline round trips run in both builds in SoftmaxCalibratorTest), and saved stages whose files
 * were damaged or mixed up: each load fails with an error naming the path and what is wrong,
 * never a stage of another class or an internal error.
 */
class StageLoadingTest extends LocalSparkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  /** A stage saved once, copied for each damaged file. */
  private static String saved;

  @BeforeAll
  static void saveAStage() throws IOException {
    saved = save(new SoftmaxTransformer().setTemperature(2.0));
  }

  /** Save, saving again fails, overwrite works, load keeps the uid and every param (and isSet). */
  @Test
  void aStageWithEveryParamSetLoadsWithTheSameUidAndParams() throws IOException {
    SoftmaxTransformer transformer = new SoftmaxTransformer().setInputCol("scores")
        .setOutputCol("p").setTemperature(2.5).setLogSoftmax(true).setHandleInvalid("keep")
        .setPredictionCol("label").setTopK(3);
    assertRoundTrip(transformer, SoftmaxTransformer::load);
    assertRoundTrip(new SoftmaxTransformer().setTemperature(0.5), SoftmaxTransformer::load);
    assertRoundTrip(new SoftmaxCalibrator().setInputCol("raw").setLabelCol("y")
        .setWeightCol("w").setMaxIter(7).setTol(1e-3).setHandleInvalid("skip")
        .setLogSoftmax(true).setTopK(2), SoftmaxCalibrator::load);
    assertRoundTrip(new CalibrationEvaluator().setMetricName("ece").setNumBins(9),
        CalibrationEvaluator::load);
  }

  private <T extends Params & MLWritable> void assertRoundTrip(T stage, Function<String, T> load)
      throws IOException {
    String path = dir.resolve(stage.uid()).toString();
    stage.write().save(path);
    IOException again = assertThrows(IOException.class, () -> stage.write().save(path));
    assertTrue(again.getMessage().contains("already exists"), again.getMessage());
    stage.write().overwrite().save(path);
    T loaded = load.apply(path);
    assertEquals(stage.getClass(), loaded.getClass());
    assertEquals(stage.uid(), loaded.uid());
    for (Param<?> param : stage.params()) {
      Param<Object> twin = loaded.getParam(param.name());
      assertEquals(stage.getOrDefault(param), loaded.getOrDefault(twin), param.name());
      assertEquals(stage.isSet(param), loaded.isSet(twin), param.name() + " set");
      assertEquals(stage.hasDefault(param), loaded.hasDefault(twin), param.name() + " default");
    }
  }

  /** A stage saved by another class is not loaded as this one: the error names both classes. */
  @Test
  void aFileOfAnotherClassIsRefusedNamingBoth() throws IOException {
    String transformer = save(new SoftmaxTransformer().setTemperature(2.0));
    String calibrator = save(new SoftmaxCalibrator());
    String normalizer = save(new Normalizer());
    assertRefused(() -> SoftmaxCalibrator.load(transformer), transformer,
        "Cannot load a SoftmaxCalibrator from " + transformer + ": the metadata names class "
            + SoftmaxTransformer.class.getName() + ", not " + SoftmaxCalibrator.class.getName());
    assertRefused(() -> CalibrationEvaluator.load(transformer), transformer,
        "the metadata names class " + SoftmaxTransformer.class.getName() + ", not "
            + CalibrationEvaluator.class.getName());
    assertRefused(() -> SoftmaxTransformer.load(calibrator), calibrator,
        "the metadata names class " + SoftmaxCalibrator.class.getName() + ", not "
            + SoftmaxTransformer.class.getName());
    assertRefused(() -> SoftmaxTransformer.load(normalizer), normalizer,
        "the metadata names class " + Normalizer.class.getName());
  }

  /**
   * The case of issue #22: a file that names the calibrator but holds the transformer's params
   * (Spark's reader failed with "Param temperature does not exist").
   */
  @Test
  void aParamTheClassDoesNotHaveIsNamed() throws IOException {
    String path = save(new SoftmaxTransformer().setTemperature(2.0));
    editMetadata(path, json -> json.put("class", SoftmaxCalibrator.class.getName()));
    assertRefused(() -> SoftmaxCalibrator.load(path), path,
        "it sets param 'temperature', which SoftmaxCalibrator does not have");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "temperature | 0.0 | which it does not accept",
      "temperature | -1.5 | which it does not accept",
      "temperature | '\"warm\"' | which is not of the param's type",
      "temperature | true | which is not of the param's type",
      "logSoftmax | 3 | which is not of the param's type",
      "topK | -1 | which it does not accept",
      "topK | 2.5 | which is not of the param's type",
      "handleInvalid | '\"ignore\"' | which it does not accept",
      "inputCol | 5 | which is not of the param's type",
      "inputCol | '\"\"' | which it does not accept"})
  void aValueOfTheWrongTypeOrOutOfRangeIsNamedWithItsParam(String param, String stored,
      String problem) throws IOException {
    for (String section : new String[] {"paramMap", "defaultParamMap"}) {
      String path = copy(saved);
      editMetadata(path, json -> ((ObjectNode) json.get(section)).set(param, parse(stored)));
      assertRefused(() -> SoftmaxTransformer.load(path), path,
          "param '" + param + "' has the value " + stored + ", " + problem);
    }
  }

  /** A copy of the files of a saved stage, at a new path. */
  private static String copy(String saved) throws IOException {
    Path copy = dir.resolve("copy-" + System.nanoTime());
    try (Stream<Path> files = Files.walk(Path.of(saved))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, copy.resolve(Path.of(saved).relativize(file).toString()));
      }
    }
    return copy.toString();
  }

  private static String save(MLWritable stage) throws IOException {
    String path = dir.resolve("stage-" + System.nanoTime()).toString();
    stage.write().save(path);
    return path;
  }

  /**
   * Rewrites the saved stage's metadata line (in its one {@code part-} file, whose name differs
   * between Spark lines), and drops its checksum so that Hadoop reads it.
   */
  private static void editMetadata(String path, Consumer<ObjectNode> edit) throws IOException {
    Path metadata;
    try (Stream<Path> files = Files.list(Path.of(path, "metadata"))) {
      metadata = files.filter(file -> file.getFileName().toString().startsWith("part-"))
          .findFirst().orElseThrow();
    }
    ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(metadata));
    edit.accept(json);
    Files.writeString(metadata, JSON.writeValueAsString(json));
    Files.deleteIfExists(metadata.resolveSibling("." + metadata.getFileName() + ".crc"));
  }

  private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static void assertRefused(
      org.junit.jupiter.api.function.Executable load, String path, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load);
    assertTrue(e.getMessage().contains(path), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
