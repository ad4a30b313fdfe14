package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparksoftmax.stage.HandleInvalid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python wrappers ({@code src/main/python/sparksoftmax}) against the Java stages: PySpark is
 * not installed here, so {@code src/test/python/wrapper_params.py} reads the wrappers' source with
 * Python's {@code ast} module and this test compares what it declares with the Java stages. Each
 * stage that the jar's service files list has a wrapper of the right {@code pyspark.ml} kind (the
 * fitted stage one more, a {@code JavaModel}), and each Java param has a Python twin of the same
 * name, type, default and allowed values, and no more; {@code isLargerBetter} agrees metric by
 * metric. The Connect tests send the Java names, which are therefore the wrappers'.
 */
class PythonWrappersTest {
  private static final String STAGES = "src/main/python/sparksoftmax/stages.py";
  private static final String READER = "src/test/python/wrapper_params.py";
  /** The values of each Java param that accepts only some strings. */
  private static final Map<String, List<String>> ENUMERATED = Map.of(
      "handleInvalid", HandleInvalid.NAMES, "metricName", CalibrationEvaluator.METRICS);
  /** A string that no enumerated param accepts. */
  private static final String NOT_A_VALUE = "surely not an allowed value";

  private static JsonNode declared;

  @BeforeAll
  static void readTheWrappers() throws IOException, InterruptedException {
    Process python = new ProcessBuilder("python3", READER, STAGES).redirectErrorStream(true)
        .start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, python.waitFor(), output);
    declared = new ObjectMapper().readTree(output);
  }

  /**
   * Every file of the package compiles (compileall runs py_compile on each; the bytecode goes to a
   * scratch folder, not beside the sources), so a syntax error fails the tests. A build without
   * tests does not need Python.
   */
  @Test
  void everyPythonFileCompiles(@TempDir Path bytecode) throws IOException, InterruptedException {
    ProcessBuilder compile = new ProcessBuilder("python3", "-m", "compileall", "-q",
        "src/main/python").redirectErrorStream(true);
    compile.environment().put("PYTHONPYCACHEPREFIX", bytecode.toString());
    Process python = compile.start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, python.waitFor(), output);
  }

  @Test
  void eachListedStageHasAWrapperOfItsKindAndTheFittedStageAModelWrapper() {
    Set<String> expected = new TreeSet<>();
    expected.addAll(listed(Transformer.class, "JavaTransformer"));
    expected.addAll(listed(Estimator.class, "JavaEstimator"));
    expected.addAll(listed(Evaluator.class, "JavaEvaluator"));
    expected.add(SoftmaxTransformer.class.getName() + " JavaModel");
    Set<String> wrappers = new TreeSet<>();
    declared.get("classes").forEach(wrapper ->
        wrappers.add(wrapper.get("java").asText() + " " + wrapper.get("base").asText()));
    assertEquals(expected, wrappers);
  }

  @Test
  void eachWrapperDeclaresTheJavaParamsWithTheirTypesDefaultsAndAllowedValues()
      throws ReflectiveOperationException {
    for (Map.Entry<String, JsonNode> wrapper : declared.get("classes").properties()) {
      Params stage = (Params) Class.forName(wrapper.getValue().get("java").asText())
          .getConstructor().newInstance();
      JsonNode params = wrapper.getValue().get("params");
      Set<String> javaNames = new TreeSet<>();
      for (Param<?> param : stage.params()) {
        javaNames.add(param.name());
        String where = wrapper.getKey() + "." + param.name();
        JsonNode python = params.get(param.name());
        assertNotNull(python, where + " has no Python twin");
        assertEquals(converter(param), python.get("converter").asText(), where);
        assertTrue(python.has("default"), where + " has no Python default");
        assertEquals(stage.getDefault(param).get(), value(python.get("default")), where);
        assertEquals(allowedValues(param, where), allowedValues(python), where);
      }
      Set<String> pythonNames = new TreeSet<>();
      params.fieldNames().forEachRemaining(pythonNames::add);
      assertEquals(javaNames, pythonNames, wrapper.getKey() + " declares other params");
      JsonNode keywords = wrapper.getValue().get("keywords");
      if (!keywords.isNull()) {
        Set<String> keywordNames = new TreeSet<>();
        keywords.forEach(keyword -> keywordNames.add(keyword.asText()));
        assertEquals(javaNames, keywordNames, wrapper.getKey() + ".__init__ takes other keywords");
      }
    }
  }

  @Test
  void isLargerBetterAgreesForEachMetric() {
    List<String> pythonLargerIsBetter = new ArrayList<>();
    declared.get("largerIsBetter").forEach(metric -> pythonLargerIsBetter.add(metric.asText()));
    for (String metric : CalibrationEvaluator.METRICS) {
      assertEquals(new CalibrationEvaluator().setMetricName(metric).isLargerBetter(),
          pythonLargerIsBetter.contains(metric), metric);
    }
  }

  /** The Java classes that the jar lists for {@code service}, each followed by {@code kind}. */
  private static List<String> listed(Class<?> service, String kind) {
    return ServiceLoader.load(service).stream().map(ServiceLoader.Provider::type)
        .map(Class::getName).filter(name -> name.startsWith("io.github.sparksoftmax."))
        .map(name -> name + " " + kind).collect(Collectors.toList());
  }

  /** The PySpark type converter that matches the Java param's type. */
  private static String converter(Param<?> param) {
    if (param instanceof DoubleParam) {
      return "toFloat";
    }
    if (param instanceof IntParam) {
      return "toInt";
    }
    if (param instanceof BooleanParam) {
      return "toBoolean";
    }
    return ENUMERATED.containsKey(param.name()) ? "oneOf" : "toString";
  }

  /**
   * The strings that a Java param accepts, if it accepts only some: from {@link #ENUMERATED},
   * after checking that its validator accepts each of them and rejects another.
   */
  @SuppressWarnings("unchecked")
  private static List<String> allowedValues(Param<?> param, String where) {
    if (!(param instanceof DoubleParam || param instanceof IntParam
        || param instanceof BooleanParam)) {
      Param<String> strings = (Param<String>) param;
      boolean enumerated = !(Boolean) strings.isValid().apply(NOT_A_VALUE);
      assertEquals(enumerated, ENUMERATED.containsKey(param.name()),
          where + ": a param that accepts only some strings is listed in ENUMERATED");
      if (enumerated) {
        List<String> values = ENUMERATED.get(param.name());
        values.forEach(value -> assertTrue((Boolean) strings.isValid().apply(value), where));
        return values;
      }
    }
    return List.of();
  }

  private static List<String> allowedValues(JsonNode python) {
    List<String> values = new ArrayList<>();
    python.path("allowed").forEach(value -> values.add(value.asText()));
    assertFalse(python.has("allowed") && values.isEmpty());
    return values;
  }

  /** A JSON default as the Java value it must equal. */
  private static Object value(JsonNode json) {
    if (json.isBoolean()) {
      return json.asBoolean();
    }
    if (json.isInt()) {
      return json.asInt();
    }
    if (json.isDouble()) {
      return json.asDouble();
    }
    return json.asText();
  }
}
