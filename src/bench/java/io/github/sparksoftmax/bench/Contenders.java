package io.github.sparksoftmax.bench;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;

import io.github.sparksoftmax.SoftmaxTransformer;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * The ways of turning a vector column {@code x} into a result column {@code y} that the Spark
 * benchmark times, and the ways of turning long-format rows (a group {@code q}, a score {@code s})
 * into each row's probability {@code y} within its group. Each keeps only {@code y}, so every
 * contender of a DataFrame reads and writes the same amount.
 */
enum Contenders {
  /** This project's stage, probabilities. */
  SOFTMAX("SoftmaxTransformer", df -> transformer(false).transform(df)),
  /** This project's stage, log-probabilities. */
  LOG_SOFTMAX("SoftmaxTransformer log", df -> transformer(true).transform(df)),
  /** This project's SQL function, {@code softmax(x)}, called from the DataFrame API. */
  SQL_FUNCTION("softmax SQL function", df ->
      df.withColumn("y", call_function(SoftmaxFunctions.SOFTMAX, col("x")))),
  /** Spark's own vector-to-vector stage of similar work: an L1 normalisation. */
  NORMALIZER("Normalizer p=1", df ->
      new Normalizer().setP(1.0).setInputCol("x").setOutputCol("y").transform(df)),
  /** The cost floor of any UDF stage: VectorUDT in, a copy out. */
  IDENTITY_UDF("identity UDF (copy)", df -> df.withColumn("y", Udfs.IDENTITY.apply(col("x")))),
  /** No computation: the cached column written as the result, the floor under every stage. */
  PASS_THROUGH("pass-through (no stage)", df -> df.withColumn("y", col("x"))),
  /** The textbook stable softmax as a Java UDF. */
  HAND_UDF("hand-written softmax UDF", df -> df.withColumn("y", Udfs.SOFTMAX.apply(col("x")))),
  /** Built-in SQL functions only: max, exponentials and their sum, each computed once per row. */
  SQL("SQL higher-order functions", Contenders::sqlSoftmax),
  /** This project's stage keeping only the 10 largest probabilities, as a sparse vector. */
  TOP_K("SoftmaxTransformer topK=10", df -> transformer(false).setTopK(10).transform(df)),
  /** A sparse row made dense by a UDF, then this project's stage. */
  DENSIFY_THEN_SOFTMAX("densify, then SoftmaxTransformer", df ->
      transformer(false).transform(df.withColumn("x", Udfs.DENSIFY.apply(col("x"))))),
  /** Long format: this project's stage in group mode, each score's probability in its group. */
  GROUP_SOFTMAX("SoftmaxTransformer groupCol", df -> new SoftmaxTransformer().setInputCol("s")
      .setGroupCol("q").setOutputCol("y").transform(df)),
  /** Long format: the exact SQL form, {@code softmax(s) OVER (PARTITION BY q)}. */
  WINDOW_SOFTMAX("softmax(s) OVER w", df ->
      df.selectExpr("softmax(s) OVER (PARTITION BY q) AS y")),
  /** Long format: this project's aggregate in one window, then the naive exponential. */
  LOGSUMEXP_WINDOW("exp(s - logsumexp(s) OVER w)", df ->
      df.selectExpr("exp(s - logsumexp(s) OVER (PARTITION BY q)) AS y")),
  /** Long format: the hand-written stable route, a window of the max, then one of the sum. */
  HAND_WINDOWS("hand-written max + sum windows", Contenders::handWindows),
  /** Long format: the group sums of exponentials by groupBy, joined back (not stable). */
  GROUP_BY_JOIN("groupBy sum(exp(s)) + join", df -> df
      .join(df.groupBy("q").agg(sum(exp(col("s"))).as("z")), "q")
      .withColumn("y", exp(col("s")).divide(col("z")))),
  /** Long format: this project's aggregate by groupBy, joined back. */
  LOGSUMEXP_JOIN("groupBy logsumexp(s) + join", df -> df
      .join(df.groupBy("q").agg(SoftmaxFunctions.logsumexp(col("s")).as("l")), "q")
      .withColumn("y", exp(col("s").minus(col("l"))))),
  /** Long format, a floor: a window that only counts its partition's rows. */
  COUNT_WINDOW("count(*) OVER w (floor)", df ->
      df.selectExpr("CAST(count(*) OVER (PARTITION BY q) AS DOUBLE) AS y")),
  /** Long format, a floor: the shuffle by group alone, which any grouping of the rows needs. */
  SHUFFLE_ONLY("shuffle by q only (floor)", df ->
      df.repartition(col("q")).withColumn("y", col("s"))),
  /** Long format, a floor: the shuffle by group and the sort within partitions, alone. */
  SHUFFLE_SORT("shuffle + sort by q (floor)", df ->
      df.repartition(col("q")).sortWithinPartitions("q").withColumn("y", col("s")));

  final String label;
  private final UnaryOperator<Dataset<Row>> stage;

  Contenders(String label, UnaryOperator<Dataset<Row>> stage) {
    this.label = label;
    this.stage = stage;
  }

  /** The contender applied to {@code df}, reduced to its result column. */
  Dataset<Row> apply(Dataset<Row> df) {
    return stage.apply(df).select("y");
  }

  private static SoftmaxTransformer transformer(boolean logSpace) {
    return new SoftmaxTransformer().setInputCol("x").setOutputCol("y").setLogSoftmax(logSpace);
  }

  /**
   * The max and the sum are bound as the finish argument of {@code aggregate}, so each is computed
   * once per row. Kept in columns of their own, they would be inlined into the lambdas that read
   * them by Catalyst's CollapseProject (one syntactic reference each), and recomputed for every
   * element: O(k^2) per row.
   */
  private static Dataset<Row> sqlSoftmax(Dataset<Row> df) {
    return df.select(functions.vector_to_array(col("x"), "float64").as("a"))
        .select(aggregate(col("a"), lit(Double.NEGATIVE_INFINITY), (m, v) -> greatest(m, v),
            m -> transform(col("a"), v -> exp(v.minus(m)))).as("e"))
        .select(functions.array_to_vector(aggregate(col("e"), lit(0.0), (s, v) -> s.plus(v),
            s -> transform(col("e"), v -> v.divide(s)))).as("y"));
  }

  /**
   * {@code exp(s - max(s) OVER w) / sum(exp(s - max(s) OVER w)) OVER w}, as users write it: the
   * second window needs the first one's column, so Spark runs two window operators.
   */
  private static Dataset<Row> handWindows(Dataset<Row> df) {
    WindowSpec group = Window.partitionBy("q");
    Column shifted = exp(col("s").minus(col("m")));
    return df.withColumn("m", max(col("s")).over(group))
        .withColumn("y", shifted.divide(sum(shifted).over(group)));
  }

  /** The UDFs, built once; their functions capture nothing. */
  private static final class Udfs {
    static final UserDefinedFunction IDENTITY =
        udf((UDF1<Vector, Vector>) Vector::copy, new VectorUDT());
    static final UserDefinedFunction SOFTMAX =
        udf((UDF1<Vector, Vector>) Udfs::softmax, new VectorUDT());
    static final UserDefinedFunction DENSIFY =
        udf((UDF1<Vector, Vector>) Vector::toDense, new VectorUDT());

    private static Vector softmax(Vector logits) {
      double[] x = logits.toArray();
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        max = Math.max(max, v);
      }
      double[] out = new double[x.length];
      double sum = 0.0;
      for (int i = 0; i < x.length; i++) {
        out[i] = Math.exp(x[i] - max);
        sum += out[i];
      }
      for (int i = 0; i < out.length; i++) {
        out[i] /= sum;
      }
      return Vectors.dense(out);
    }
  }
}
