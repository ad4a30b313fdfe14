package io.github.sparksoftmax.stage;

import org.apache.spark.SparkException;

/**
 * Thrown when a vector in a logits column is malformed: its stored form is not a vector that
 * Spark's {@code VectorUDT} could have written (see {@link VectorStructure}). Such a row is corrupt
 * data, not a row on which softmax is undefined, so it fails the action whatever {@code
 * handleInvalid} says: dropping it or keeping it as NaN would hide the corruption, and any answer
 * computed from it would be wrong. As with {@link InvalidRowException}, the failed action's
 * SparkException is this one (rows evaluated on the driver) or names it with its message.
 */
public final class MalformedVectorException extends SparkException {
  private static final long serialVersionUID = 1L;

  /**
   * @param column the input column that held the row
   * @param problem what is wrong, e.g. "index -1 (at position 0) is negative"
   * @param row the row's stored parts, e.g. "type 0, size 3, indices [-1, 1], values [1.0, 2.0]"
   */
  public MalformedVectorException(String column, String problem, String row) {
    super("Column '" + column + "' holds a malformed vector (" + row + "): " + problem
        + ". This is corrupt data, not a row that handleInvalid applies to; find where it was"
        + " written, for example with input_file_name().");
  }
}
