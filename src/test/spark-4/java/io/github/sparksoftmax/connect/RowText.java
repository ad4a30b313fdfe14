package io.github.sparksoftmax.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Rows as JSON text, the same in the Connect client program and in the tests that check what it
 * received (both compile this file): a list of rows, each a list of cells; a null cell is null, an
 * array a list of cells, any other value its {@code toString}, which for a double or a float reads
 * back to the same value, so that equal text means equal bits.
 */
public final class RowText {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private RowText() {}

  /** The rows, as text. */
  public static ArrayNode rows(List<Row> rows) {
    ArrayNode text = JSON.arrayNode();
    for (Row row : rows) {
      ArrayNode cells = text.addArray();
      for (int i = 0; i < row.length(); i++) {
        cells.add(cell(row.get(i)));
      }
    }
    return text;
  }

  private static JsonNode cell(Object value) {
    if (value == null) {
      return JSON.nullNode();
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      ArrayNode elements = JSON.arrayNode();
      seq.foreach(element -> elements.add(cell(element)));
      return elements;
    }
    return JSON.textNode(value.toString());
  }
}
