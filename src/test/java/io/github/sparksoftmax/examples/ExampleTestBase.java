package io.github.sparksoftmax.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import scala.Console;

/**
 * Base of the suites that run an example's {@code main} as spark-submit would: the master comes
 * from the {@code spark.master} system property (and AWT is headless), set for the suite only.
 */
abstract class ExampleTestBase {
  private static final String[] SETTINGS = {
      "spark.master", "local[2]", "spark.ui.enabled", "false", "java.awt.headless", "true"};

  /** An example's {@code main} with its arguments. */
  interface Example {
    void run() throws Exception;
  }

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

  /** Runs the example and returns what it printed on stdout, from Java and from Scala code. */
  static String printedBy(Example example) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream stdout = System.out;
    System.setOut(out);
    try {
      // Dataset.show prints through scala.Console, which holds the stdout it first saw.
      Console.withOut(out, () -> {
        try {
          example.run();
        } catch (Exception e) {
          throw new IllegalStateException("the example failed", e);
        }
        return null;
      });
    } finally {
      System.setOut(stdout);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The cells of each data row (not the header) of the tables that {@code show} printed. */
  static List<String[]> tableRows(String printed) {
    List<String[]> rows = new ArrayList<>();
    boolean inTable = false;
    boolean headerSeen = false;
    for (String line : printed.lines().toArray(String[]::new)) {
      if (line.startsWith("+")) {
        headerSeen = headerSeen && inTable;
        inTable = true;
      } else if (line.startsWith("|")) {
        if (headerSeen) {
          rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
              .map(String::trim).toArray(String[]::new));
        }
        headerSeen = true;
      } else {
        inTable = false;
      }
    }
    return rows;
  }

  /** The numbers of a printed dense vector or array, e.g. {@code [0.1,0.9]}. */
  static double[] numbers(String printed) {
    return Arrays.stream(printed.replaceAll("[\\[\\]]", "").split(","))
        .mapToDouble(Double::parseDouble).toArray();
  }
}
