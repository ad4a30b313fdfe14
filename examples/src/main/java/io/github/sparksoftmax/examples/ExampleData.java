package io.github.sparksoftmax.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the example data of {@code examples/data}: {@code logits.parquet}, one parquet file with
 * a vector column of 4 logits (one row has a NaN logit, so it is invalid), and {@code logits.csv},
 * with 3 logits per row in the columns {@code logit_cat}, {@code logit_dog}, {@code logit_bird}.
 * The first row of each has logits {@code ln 1, ln 2, ...}, whose softmax is known exactly. The
 * argument is the directory to write into (default {@code examples/data}). Run with spark-submit,
 * or with {@code -Dspark.master=local[*]}.
 */
public class ExampleData {
  private static final String CSV = String.join("\n",
      "id,animal,logit_cat,logit_dog,logit_bird",
      "0,bird," + 0.0 + "," + Math.log(2.0) + "," + Math.log(3.0),
      "1,cat,2.5,0.3,-1.2",
      "2,bird,-0.7,0.1,4.2",
      "3,dog,1.0,3.0,1.0",
      "4,cat,10.0,-10.0,0.0",
      "5,bird,0.25,0.5,0.75",
      "");

  public static void main(String[] args) throws IOException {
    Path dir = Paths.get(args.length > 0 ? args[0] : "examples/data");
    SparkSession spark = SparkSession.builder().appName("ExampleData").getOrCreate();

    List<Row> rows = Arrays.asList(
        RowFactory.create(0L, "img-0", Vectors.dense(0.0, Math.log(2.0), Math.log(3.0),
            Math.log(4.0))),
        RowFactory.create(1L, "img-1", Vectors.dense(2.0, 1.0, 0.1, -1.0)),
        RowFactory.create(2L, "img-2", Vectors.dense(1000.0, 1001.0, 1002.0, 1003.0)),
        RowFactory.create(3L, "img-3", Vectors.sparse(4, new int[] {2}, new double[] {3.5})),
        RowFactory.create(4L, "img-4", Vectors.dense(Double.NEGATIVE_INFINITY, 0.0, 0.0, 0.0)),
        RowFactory.create(5L, "img-5", Vectors.dense(Double.NaN, 1.0, 2.0, 3.0)),
        RowFactory.create(6L, "img-6", Vectors.dense(0.5, -0.25, 3.0, 1.75)),
        RowFactory.create(7L, "img-7", Vectors.dense(5.0, 5.0, 5.0, 5.0)));
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("image", DataTypes.StringType, false, Metadata.empty()),
        new StructField("logits", SQLDataTypes.VectorType(), false,
            new AttributeGroup("logits", 4).toMetadata())});
    Dataset<Row> logits = spark.createDataFrame(rows, schema).coalesce(1);

    Files.createDirectories(dir);
    Path scratch = Files.createTempDirectory(dir, ".parquet-");
    logits.write().mode("overwrite").parquet(scratch.toString());
    try (Stream<Path> files = Files.list(scratch)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow(() -> new IllegalStateException("Spark wrote no parquet file"));
      Files.move(part, dir.resolve("logits.parquet"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    deleteTree(scratch);
    Files.write(dir.resolve("logits.csv"), CSV.getBytes(StandardCharsets.UTF_8));
    System.out.println("Wrote " + dir.resolve("logits.parquet") + " and "
        + dir.resolve("logits.csv"));

    spark.stop();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
