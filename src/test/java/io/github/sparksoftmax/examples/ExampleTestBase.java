package io.github.sparksoftmax.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the suites that run an example's {@code main} as spark-submit would: the master comes
 * from the {@code spark.master} system property (and AWT is headless), set for the suite only.
 */
abstract class ExampleTestBase {
  private static final String[] SETTINGS = {
      "spark.master", "local[2]", "spark.ui.enabled", "false", "java.awt.headless", "true"};

  @BeforeAll
  static void supplyTheSettings() {
    for (int i = 0; i < SETTINGS.length; i += 2) {
      System.setProperty(SETTINGS[i], SETTINGS[i + 1]);
    }
  }

  @AfterAll
  static void clearTheSettings() {
    for (int i = 0; i < SETTINGS.length; i += 2) {
      System.clearProperty(SETTINGS[i]);
    }
  }
}
