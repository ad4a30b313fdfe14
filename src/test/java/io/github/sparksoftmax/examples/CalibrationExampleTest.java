package io.github.sparksoftmax.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link CalibrationExample#main} as spark-submit would, the master coming from the {@code
 * spark.master} system property and AWT headless, so that the example cannot rot.
 */
class CalibrationExampleTest extends ExampleTestBase {
  @Test
  void writesTheReliabilityDiagram(@TempDir Path dir) throws Exception {
    Path diagram = dir.resolve("reliability-diagram.png");
    CalibrationExample.main(new String[] {diagram.toString()});
    BufferedImage image = ImageIO.read(diagram.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(700, image.getHeight());
  }
}
