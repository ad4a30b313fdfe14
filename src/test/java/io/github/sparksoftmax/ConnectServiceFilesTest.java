package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.util.MLWritable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a Spark Connect server needs of the stages that the jar's service files list: it finds
 * them with {@link ServiceLoader}, makes them by their {@code (String uid)} constructor, loads
 * them with a static {@code load(String)}, and saves fitted models to disk and back (so they must
 * be {@link MLWritable}). A listing that cannot be instantiated breaks the service for every
 * library on the server.
 */
class ConnectServiceFilesTest {

  @ParameterizedTest
  @ValueSource(classes = {Transformer.class, Estimator.class, Evaluator.class})
  void eachServiceListsOneStageThatTheServerCanMakeLoadAndSave(Class<?> service)
      throws Exception {
    List<Class<?>> listed = ServiceLoader.load(service).stream()
        .map(ServiceLoader.Provider::type)
        .filter(type -> type.getName().startsWith("io.github.sparksoftmax."))
        .collect(Collectors.toList());
    assertEquals(1, listed.size(), listed.toString());
    Class<?> stage = listed.get(0);
    assertTrue(service.isAssignableFrom(stage));
    assertTrue(MLWritable.class.isAssignableFrom(stage));
    assertTrue(Modifier.isPublic(stage.getConstructor().getModifiers()));
    Object made = stage.getConstructor(String.class).newInstance("made_by_the_server");
    assertEquals("made_by_the_server", stage.getMethod("uid").invoke(made));
    Method load = stage.getMethod("load", String.class);
    assertTrue(Modifier.isStatic(load.getModifiers()));
    assertEquals(stage, load.getReturnType());
  }

  /** The Python wrapper reads a fitted temperature from {@code toString}, which must keep it. */
  @ParameterizedTest
  @ValueSource(doubles = {1.0, 0.1, 1.0 / 3, 2.718281828459045, 1e-6, 123456.789, 1e6,
      Double.MIN_NORMAL, Double.MAX_VALUE})
  void toStringCarriesTheExactTemperature(double temperature) {
    SoftmaxTransformer stage = new SoftmaxTransformer("softmax_uid").setTemperature(temperature);
    Matcher matcher = Pattern.compile("^SoftmaxTransformer: uid=softmax_uid, temperature=(\\S+)$")
        .matcher(stage.toString());
    assertTrue(matcher.matches(), stage.toString());
    assertEquals(Double.doubleToRawLongBits(temperature),
        Double.doubleToRawLongBits(Double.parseDouble(matcher.group(1))));
  }
}
