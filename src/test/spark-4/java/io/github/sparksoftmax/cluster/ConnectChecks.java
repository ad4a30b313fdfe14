package io.github.sparksoftmax.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparksoftmax.connect.RowText;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compares what a Connect client saw with what a classic session gives for the same request: rows
 * cell by cell as {@link RowText} writes them (so equal text is equal bits), and failures by the
 * problem that their messages name.
 */
final class ConnectChecks {
  /** The part of a Spark error message that names the problem: up to its SQLSTATE, if any. */
  private static final Pattern PROBLEM = Pattern.compile("(?s)^(.*?SQLSTATE: \\w+)");

  private ConnectChecks() {}

  /** Asserts that the client's reply holds exactly the rows of {@code classic}. */
  static void assertSameRows(Dataset<Row> classic, JsonNode reply) {
    assertTrue(reply.has("rows"), reply.toString());
    assertEquals(RowText.rows(classic.collectAsList()), reply.get("rows"));
  }

  /**
   * Asserts that the client's reply is an error of the class that the classic run threw (or
   * {@code connectClass}, where the client raises another) whose message names the same problem:
   * the same text up to the SQLSTATE for an error with an error class, or the classic root
   * cause's message somewhere in it for a failed task.
   *
   * @return the client's message
   */
  static String assertSameError(Supplier<?> classicRun, JsonNode reply) {
    assertTrue(reply.has("error"), reply.toString());
    String message = reply.get("error").get("message").asText();
    Exception classic;
    try {
      classicRun.get();
      throw new AssertionError("the classic run succeeded, the Connect client saw " + message);
    } catch (Exception e) {
      classic = e;
    }
    Matcher classicProblem = PROBLEM.matcher(String.valueOf(classic.getMessage()));
    if (classicProblem.find()) {
      assertEquals(classic.getClass().getName(), reply.get("error").get("class").asText());
      Matcher problem = PROBLEM.matcher(message);
      assertTrue(problem.find(), message);
      assertEquals(classicProblem.group(1), problem.group(1));
    } else {
      Throwable root = classic;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertTrue(message.contains(root.getMessage()),
          "the client saw: " + message + "\nthe classic run's cause: " + root.getMessage());
    }
    return message;
  }
}
