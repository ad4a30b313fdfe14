package io.github.sparksoftmax.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads a stage saved in Spark's {@code DefaultParamsWriter} format (a {@code metadata} folder
 * holding one line of JSON: the class, the uid, the params that were set and the defaults), as
 * Spark's {@code DefaultParamsReader} does, but checks the file against the stage being loaded
 * before anything is set, so that a wrong or damaged file fails with what is wrong rather than
 * with an internal error or a stage of another class:
 *
 * <ul>
 *   <li>the class the file names must be the class being loaded;
 *   <li>every param in it must be one that class has;
 *   <li>every value must decode as its param's type, to the value stored (Spark's decoder would
 *       read a {@code topK} of 2.5 as 2), and be one the param accepts (a temperature of 0 is
 *       refused here, as {@code setTemperature(0)} is).
 * </ul>
 *
 * Each error is an {@link IllegalArgumentException} naming the path and the problem (the class,
 * or the param and its value as stored). The three stages of this library load through it.
 *
 * @param <T> the stage's class
 */
public final class StageReader<T extends Params> extends MLReader<T> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Class<T> stageClass;

  /** A reader of stages of {@code stageClass}, which has a public {@code (String uid)} constructor. */
  public StageReader(Class<T> stageClass) {
    this.stageClass = stageClass;
  }

  /**
   * The stage saved at {@code path}, with the uid, set params and defaults it was saved with.
   *
   * @throws IllegalArgumentException if the file names another class, or holds a param the class
   *     does not have, or a value its param cannot decode or does not accept
   */
  @Override
  public T load(String path) {
    DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(), "");
    if (!stageClass.getName().equals(metadata.className())) {
      throw new IllegalArgumentException(cannotLoad(path) + "the metadata names class "
          + metadata.className() + ", not " + stageClass.getName() + ". Load it with that"
          + " class's load method, or PipelineModel.load for a whole pipeline.");
    }
    T stage = newStage(metadata.uid());
    JsonNode json = parse(path, metadata.metadataJson());
    setAll(path, stage, json.get("paramMap"), false);
    setAll(path, stage, json.get("defaultParamMap"), true);
    return stage;
  }

  private T newStage(String uid) {
    try {
      return stageClass.getConstructor(String.class).newInstance(uid);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot create a " + stageClass.getName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(stageClass.getName() + " has no public (String uid)"
          + " constructor", e);
    }
  }

  private JsonNode parse(String path, String metadataJson) {
    try {
      return JSON.readTree(metadataJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(cannotLoad(path) + "its metadata is not JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /** Sets (or, with {@code asDefaults}, sets as defaults) every param of a JSON object, checked. */
  private void setAll(String path, T stage, JsonNode params, boolean asDefaults) {
    if (params == null) {
      return;
    }
    if (!params.isObject()) {
      throw new IllegalArgumentException(cannotLoad(path) + "its "
          + (asDefaults ? "defaultParamMap" : "paramMap") + " is not a JSON object: " + params);
    }
    for (Iterator<Map.Entry<String, JsonNode>> entries = params.fields(); entries.hasNext();) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String name = entry.getKey();
      if (!stage.hasParam(name)) {
        throw new IllegalArgumentException(cannotLoad(path) + "it sets param '" + name + "', which "
            + stageClass.getSimpleName() + " does not have.");
      }
      Param<Object> param = stage.getParam(name);
      Object value = decoded(path, param, entry.getValue());
      if (asDefaults) {
        stage.setDefault(param, value);
      } else {
        stage.set(param, value);
      }
    }
  }

  /** The param's value, decoded and validated; {@code stored} is its JSON as saved. */
  private Object decoded(String path, Param<Object> param, JsonNode stored) {
    Object value;
    try {
      value = param.jsonDecode(stored.toString());
    } catch (Exception e) {
      throw new IllegalArgumentException(cannotLoad(path) + "param '" + param.name()
          + "' has the value " + stored + ", which is not of the param's type (" + e.getMessage()
          + ").", e);
    }
    JsonNode readBack = parse(path, param.jsonEncode(value));
    if (!readBack.equals(stored)) {
      throw new IllegalArgumentException(cannotLoad(path) + "param '" + param.name()
          + "' has the value " + stored + ", which is not of the param's type (it reads as "
          + readBack + ").");
    }
    if (!(Boolean) param.isValid().apply(value)) {
      throw new IllegalArgumentException(cannotLoad(path) + "param '" + param.name()
          + "' has the value " + stored + ", which it does not accept: " + param.doc() + ".");
    }
    return value;
  }

  private String cannotLoad(String path) {
    return "Cannot load a " + stageClass.getSimpleName() + " from " + path + ": ";
  }
}
