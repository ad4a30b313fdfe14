package io.github.sparksoftmax.stage;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The plan of the softmax stage's group mode, on long-format rows (one numeric score per row, a
 * group column saying which rows belong together): one window partitioned by the group computes
 * each group's normaliser ({@link LogSumExpAggregate}, a null or NaN score or every score {@code
 * -Infinity} making the group invalid), and a projection gives each row its probability from its
 * score and that normaliser ({@link GroupSoftmaxExpression}). Spark shuffles the rows by group and
 * sorts them once (not at all when the input is already so partitioned and sorted), and spills
 * the rows of a group that does not fit in memory.
 *
 * <p>Invalid groups: {@link HandleInvalid#ERROR} fails the action naming the group, {@link
 * HandleInvalid#SKIP} drops its rows, {@link HandleInvalid#KEEP} gives each of them NaN. With
 * {@code topK > 0}, each group keeps its {@code topK} rows of largest score (so of largest
 * probability), ties going to the row that comes first in the input (by Spark's {@code
 * monotonically_increasing_id}: partition by partition, row by row), in the same window.
 */
public final class GroupScoring {

  private GroupScoring() {}

  /**
   * The rows of {@code data} (all of them, or each group's {@code topK}) with the probability (or
   * log-probability) of each row's score within its group added as the double column {@code
   * output}.
   *
   * @param score a numeric column of {@code data}
   * @param group a column of {@code data}; rows with equal values (nulls included) form a group
   * @param temperature finite and &gt; 0
   * @param topK 0 for every row
   */
  public static Dataset<Row> transform(Dataset<?> data, String score, String group,
      String output, double temperature, boolean logSpace, HandleInvalid handleInvalid,
      int topK) {
    Dataset<Row> rows = data.toDF();
    Column key = rows.col(group);
    String position = unusedName(rows, "position", output);
    WindowSpec ranked = null;
    WindowSpec whole = Window.partitionBy(key);
    if (topK > 0) {
      rows = rows.withColumn(position, functions.monotonically_increasing_id());
      ranked = Window.partitionBy(key).orderBy(rows.col(score).desc(), rows.col(position));
      whole = ranked.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    }
    Column normaliser = CatalystCompat.column(LogSumExpAggregate.of(
            CatalystCompat.expression(rows.col(score)),
            Literal.create(temperature, DataTypes.DoubleType),
            LogSumExpAggregate.Output.STRICT_NORMALISER)
        .toAggregateExpression()).over(whole);
    Column probability = CatalystCompat.column(new GroupSoftmaxExpression(
        CatalystCompat.expression(rows.col(score)), CatalystCompat.expression(normaliser),
        CatalystCompat.expression(key), temperature, logSpace,
        handleInvalid == HandleInvalid.ERROR, score, group)).as(output);
    String rank = unusedName(rows, "rank", output);
    Dataset<Row> scored = topK > 0
        ? rows.select(functions.col("*"), probability,
            functions.row_number().over(ranked).as(rank))
        : rows.select(functions.col("*"), probability);
    if (handleInvalid == HandleInvalid.SKIP) {
      scored = scored.filter(functions.not(functions.isnan(scored.col(output))));
    }
    if (topK > 0) {
      scored = scored.filter(scored.col(rank).leq(topK)).drop(rank, position);
    }
    return scored;
  }

  /** A column name of the form {@code __softmax_<role>[_n]} that neither the rows nor the output use. */
  private static String unusedName(Dataset<Row> rows, String role, String output) {
    List<String> taken = Arrays.asList(rows.columns());
    String name = "__softmax_" + role;
    for (int n = 1; taken.contains(name) || name.equals(output); n++) {
      name = "__softmax_" + role + "_" + n;
    }
    return name;
  }
}
