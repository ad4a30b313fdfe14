package io.github.sparksoftmax.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.math.BigDecimal;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An order-independent fingerprint of a set of rows: their count and the exact (decimal) sum of
 * the 64-bit hash of each row's {@code id} and {@code logits}, which hashes every double's bits.
 * A lost, a duplicated or a changed row changes it.
 */
final class Checksum {
  final long rows;
  final BigDecimal hashSum;

  private Checksum(long rows, BigDecimal hashSum) {
    this.rows = rows;
    this.hashSum = hashSum;
  }

  /** The checksum of the {@code id} and {@code logits} columns of {@code rows}. */
  static Checksum of(Dataset<Row> rows) {
    Row result = rows
        .agg(count(lit(1)), sum(xxhash64(col("id"), col("logits")).cast("decimal(20,0)")))
        .first();
    BigDecimal hashSum = result.isNullAt(1) ? BigDecimal.ZERO : result.getDecimal(1);
    return new Checksum(result.getLong(0), hashSum);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checksum
        && rows == ((Checksum) other).rows
        && hashSum.compareTo(((Checksum) other).hashSum) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, hashSum.stripTrailingZeros());
  }

  @Override
  public String toString() {
    return rows + " rows, hash sum " + hashSum.toPlainString();
  }
}
