package io.github.sparksoftmax.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparksoftmax.ForkedJvm;
import io.github.sparksoftmax.SoftmaxJob;
import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The artifact as Spark users pull it: {@code spark-submit --packages GROUP:ARTIFACT:VERSION
 * --repositories file://...} resolves it with Ivy from the file repository that the build deployed
 * it to, and runs the scoring job from it, with no jar of this build on the command line.
 */
class PackagesIT {
  private static final double TEMPERATURE = 2.0;

  @Test
  void sparkSubmitPackagesResolvesTheDeployedArtifactAndRunsTheJob() throws Exception {
    Path work = ReleaseSettings.freshDir("packages");
    Path output = work.resolve("probabilities.json");
    String coordinates = ReleaseSettings.coordinates();
    // An empty home and Ivy folder, so that neither ~/.m2 nor an earlier resolution can serve it.
    ForkedJvm.Outcome run = ForkedJvm.of(ReleaseSettings.sparkClasspath(),
            "org.apache.spark.deploy.SparkSubmit")
        .option("-Duser.home=" + Files.createDirectories(work.resolve("home")))
        .run(Duration.ofMinutes(5), List.of(
            "--master", "local[1]",
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.jars.ivy=" + work.resolve("ivy"),
            "--packages", coordinates,
            "--repositories", ReleaseSettings.repository().toUri().toString(),
            "--class", SoftmaxJob.class.getName(),
            "spark-internal",
            "--input", "examples/data/logits.parquet",
            "--output", output.toString(), "--output-format", "json",
            "--temperature", String.valueOf(TEMPERATURE), "--handle-invalid", "skip"));

    assertEquals(0, run.code, run.toString());
    String module = coordinates.replaceFirst(":", "#").replaceFirst(":", ";");
    assertTrue(run.err.contains("found " + module + " in repo-1"), run.err);
    assertTrue(run.out.contains("rows read 8, rows written 7, rows skipped as invalid 1"), run.out);
    String[] parts = coordinates.split(":");
    Path resolved = work.resolve("ivy/jars/" + parts[0] + "_" + parts[1] + "-" + parts[2] + ".jar");
    assertArrayEquals(Files.readAllBytes(ReleaseSettings.jar()), Files.readAllBytes(resolved),
        "the jar Ivy resolved is not the one the build made");
    assertScoredExactly(output, 7);
  }

  /** Every row's probabilities within the accuracy contract of the exact softmax of its logits. */
  private static void assertScoredExactly(Path jsonOutput, int rows) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(jsonOutput)) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-"))
          .collect(Collectors.toList())) {
        for (String line : Files.readAllLines(part)) {
          records.add(json.readTree(line));
        }
      }
    }
    assertEquals(rows, records.size());
    for (JsonNode record : records) {
      double[] logits = doubles(record.get("logits"));
      double[] probabilities = doubles(record.get("probability"));
      ExactSoftmax exact = ExactSoftmax.of(logits, TEMPERATURE);
      for (int i = 0; i < logits.length; i++) {
        double ulps = exact.probabilityUlps(i, probabilities[i]);
        assertTrue(ulps <= 4, "row " + record + ", entry " + i + ": " + ulps + " ulps");
      }
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asDouble();
    }
    return values;
  }
}
