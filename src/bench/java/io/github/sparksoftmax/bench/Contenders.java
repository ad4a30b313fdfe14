package io.github.sparksoftmax.bench;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * The ways of turning a vector column {@code x} into a result column {@code y} that the Spark
 * benchmark times. Each keeps only {@code y}, so every contender reads and writes the same amount.
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
      transformer(false).transform(df.withColumn("x", Udfs.DENSIFY.apply(col("x")))));

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
