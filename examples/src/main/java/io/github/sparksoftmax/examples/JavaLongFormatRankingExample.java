package io.github.sparksoftmax.examples;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a ranker's scores of documents per query, one row per (query, document), into each
 * document's probability within its query, keeps the top 3 documents of each query, and does the
 * same in SQL with {@code softmax(score) OVER (PARTITION BY query)} and {@code logsumexp}. Run
 * with spark-submit, or with {@code -Dspark.master=local[*]}.
 */
public class JavaLongFormatRankingExample {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("JavaLongFormatRankingExample")
        .getOrCreate();

    List<Row> data = Arrays.asList(
        RowFactory.create("spark softmax", "doc-1", 12.4),
        RowFactory.create("spark softmax", "doc-2", 11.9),
        RowFactory.create("spark softmax", "doc-3", 9.7),
        RowFactory.create("spark softmax", "doc-4", 12.4),
        RowFactory.create("spark softmax", "doc-5", 3.1),
        RowFactory.create("exact log-sum-exp", "doc-6", 1000.2),
        RowFactory.create("exact log-sum-exp", "doc-7", 1001.9),
        RowFactory.create("exact log-sum-exp", "doc-8", 998.6),
        RowFactory.create("exact log-sum-exp", "doc-9", 1000.9),
        RowFactory.create("window functions", "doc-10", -2.5),
        RowFactory.create("window functions", "doc-11", 0.8));
    StructType schema = new StructType(new StructField[] {
        new StructField("query", DataTypes.StringType, false, Metadata.empty()),
        new StructField("doc", DataTypes.StringType, false, Metadata.empty()),
        new StructField("score", DataTypes.DoubleType, false, Metadata.empty())});
    Dataset<Row> scores = spark.createDataFrame(data, schema);

    SoftmaxTransformer perQuery = new SoftmaxTransformer()
        .setInputCol("score")
        .setGroupCol("query")
        .setOutputCol("probability");
    Dataset<Row> probabilities = perQuery.transform(scores);
    System.out.println("Each document's probability within its query:");
    probabilities.orderBy("query", "doc").show(false);

    Dataset<Row> top3 = new SoftmaxTransformer()
        .setInputCol("score")
        .setGroupCol("query")
        .setOutputCol("probability")
        .setTopK(3)
        .transform(scores);
    System.out.println("The 3 most probable documents of each query (ties to the earlier row):");
    top3.orderBy("query", "doc").show(false);

    scores.createOrReplaceTempView("scores");
    System.out.println("The same in SQL, with each query's log-sum-exp:");
    spark.sql("SELECT query, doc, softmax(score) OVER (PARTITION BY query) AS probability,"
        + " logsumexp(score) OVER (PARTITION BY query) AS log_normaliser"
        + " FROM scores ORDER BY query, doc").show(false);

    spark.stop();
  }
}
