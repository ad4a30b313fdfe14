package io.github.sparksoftmax.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.randn;

import com.sun.management.OperatingSystemMXBean;
import io.github.sparksoftmax.kernel.Softmax;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Times the softmax stage against the other ways of computing it in Spark, in one {@code local[2]}
 * JVM: for each row width, one cached DataFrame; every contender is warmed up, then the contenders
 * take turns for several rounds, each run fully evaluated by the {@code noop} sink. Prints the
 * median of each {@link Measure} (wall-clock, the tasks' CPU time, the whole JVM's CPU time) of
 * each contender, with their ratios to the first contender (this project's stage), then the goals.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code elements} (stored logits per
 * DataFrame, default 80,000,000) and {@code maxRows} (default 8,000,000), which set the row count
 * of each width to {@code min(maxRows, elements / (k * density))}, so that each run takes about
 * 0.2-7 s here and is mostly per-row work;
 * {@code widths} (default 10,100,1000,32768; empty for none), {@code sparseWidth} (10000; 0 for
 * no sparse run), {@code topKWidth} (32768: full output against topK = 10; 0 for none),
 * {@code density} (0.05), {@code warmup} (2), {@code rounds} (5),
 * {@code partitions} (4); for long-format rows (one score per row, a group column),
 * {@code groupSizes} (50,5000; empty for none) and {@code longRows} (10,000,000 per group size).
 * {@code quick} stands for {@code elements=8000000 maxRows=200000 longRows=400000 warmup=1
 * rounds=3}; {@code longFormatOnly} for {@code widths= sparseWidth=0 topKWidth=0}.
 *
 * <p>With the dense widths, it also draws the task CPU ratios as a bar chart ({@link RatioChart})
 * into the PNG file that the system property {@code spark.bench.chart} names (default {@code
 * spark-benchmark.png} in the working directory; the build passes one under {@code target/}).
 */
public final class SparkBenchmark {

  private static final List<Contenders> DENSE_CONTENDERS = List.of(Contenders.SOFTMAX,
      Contenders.LOG_SOFTMAX, Contenders.SQL_FUNCTION, Contenders.NORMALIZER,
      Contenders.IDENTITY_UDF, Contenders.PASS_THROUGH, Contenders.HAND_UDF, Contenders.SQL);
  private static final List<Contenders> SPARSE_CONTENDERS =
      List.of(Contenders.SOFTMAX, Contenders.DENSIFY_THEN_SOFTMAX);
  private static final List<Contenders> TOP_K_CONTENDERS =
      List.of(Contenders.SOFTMAX, Contenders.TOP_K);
  private static final List<Contenders> LONG_FORMAT_CONTENDERS = List.of(
      Contenders.GROUP_SOFTMAX, Contenders.WINDOW_SOFTMAX, Contenders.LOGSUMEXP_WINDOW,
      Contenders.HAND_WINDOWS, Contenders.GROUP_BY_JOIN, Contenders.LOGSUMEXP_JOIN,
      Contenders.COUNT_WINDOW, Contenders.SHUFFLE_SORT, Contenders.SHUFFLE_ONLY);

  /** The system property that names the chart's PNG file (the build sets it under target/). */
  private static final String CHART_PROPERTY = "spark.bench.chart";

  private final Settings settings;
  private final SparkSession spark;
  private static final OperatingSystemMXBean JVM =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final TaskCpuTime cpuTime = new TaskCpuTime();

  private SparkBenchmark(Settings settings, SparkSession spark) {
    this.settings = settings;
    this.spark = spark;
    spark.sparkContext().addSparkListener(cpuTime);
  }

  public static void main(String[] args) throws InterruptedException, IOException {
    Settings settings = Settings.parse(args);
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("spark-softmax-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    String setup = String.format(Locale.ROOT, "Spark %s, local[2] on %d cores, Java %s, SIMD "
        + "kernel %s", spark.version(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), Softmax.simdEnabled() ? "on" : "off");
    System.out.println(settings + "; " + setup);
    SoftmaxFunctions.register(spark);
    SparkBenchmark benchmark = new SparkBenchmark(settings, spark);
    List<Table> tables = new ArrayList<>();
    for (int width : settings.widths) {
      tables.add(benchmark.run("dense k=" + width, width, 1.0, DENSE_CONTENDERS));
    }
    if (settings.sparseWidth > 0) {
      tables.add(benchmark.run(String.format(Locale.ROOT, "sparse k=%d, %.0f%% non-zero",
          settings.sparseWidth, 100 * settings.density), settings.sparseWidth, settings.density,
          SPARSE_CONTENDERS));
    }
    if (settings.topKWidth > 0) {
      tables.add(benchmark.run("dense k=" + settings.topKWidth + ", full vs top-10 output",
          settings.topKWidth, 1.0, TOP_K_CONTENDERS));
    }
    for (int groupSize : settings.groupSizes) {
      tables.add(benchmark.measure("long format, groups of " + groupSize + ", "
          + settings.longRows + " rows", 0, benchmark.scores(settings.longRows, groupSize),
          settings.longRows, LONG_FORMAT_CONTENDERS));
    }
    System.out.println();
    tables.forEach(Table::print);
    Goals.print(tables);
    File chart = new File(System.getProperty(CHART_PROPERTY, "spark-benchmark.png"));
    if (RatioChart.write(tables, setup + "; medians of " + settings.rounds + " rounds", chart)) {
      System.out.println("Chart of the task CPU ratios: " + chart.toPath().normalize());
    }
    spark.stop();
  }

  private Table run(String title, int width, double density, List<Contenders> contenders)
      throws InterruptedException {
    // As many stored logits per DataFrame at every width and density: a sparse DataFrame with
    // as many rows as a dense one of its width would take a few tens of milliseconds per run,
    // most of it Spark's fixed cost per job.
    long rows = Math.max(1, Math.min(settings.maxRows,
        (long) (settings.elements / (width * Math.min(1.0, density)))));
    return measure(title + ", " + rows + " rows", width, logits(rows, width, density), rows,
        contenders);
  }

  /**
   * Caches {@code input}, times each contender on it (warm-up rounds, then timed rounds in turn)
   * and drops the cache.
   */
  private Table measure(String title, int width, Dataset<Row> input, long rows,
      List<Contenders> contenders) throws InterruptedException {
    Dataset<Row> data = input.cache();
    data.count();
    Map<Measure, Map<Contenders, List<Double>>> measured = new EnumMap<>(Measure.class);
    for (Measure measure : Measure.values()) {
      measured.put(measure, new EnumMap<>(Contenders.class));
    }
    for (int round = -settings.warmup; round < settings.rounds; round++) {
      for (Contenders contender : contenders) {
        Dataset<Row> result = contender.apply(data);
        cpuTime.reset();
        long jvmCpuStart = JVM.getProcessCpuTime();
        long start = System.nanoTime();
        result.write().format("noop").mode("overwrite").save();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<Measure, Double> measures = new EnumMap<>(Measure.class);
        measures.put(Measure.WALL, elapsed);
        measures.put(Measure.JVM_CPU, (JVM.getProcessCpuTime() - jvmCpuStart) / 1e9);
        measures.put(Measure.TASK_CPU, cpuTime.seconds(settings.partitions));
        if (round >= 0) {
          measures.forEach((measure, value) -> measured.get(measure)
              .computeIfAbsent(contender, c -> new ArrayList<>()).add(value));
        }
      }
      System.out.printf("%s, %s round %d done%n", title, round < 0 ? "warm-up" : "timed", round);
    }
    Map<Contenders, Double> bytesPerRow = new EnumMap<>(Contenders.class);
    for (Contenders contender : contenders) {
      bytesPerRow.put(contender, outputBytesPerRow(contender.apply(data), rows));
    }
    data.unpersist(true);
    return new Table(title, width, contenders, measured, bytesPerRow);
  }

  /** The mean size of a result row in Spark's binary row format, as every operator passes it on. */
  private static double outputBytesPerRow(Dataset<Row> result, long rows) {
    long total = result.queryExecution().toRdd().toJavaRDD()
        .map(row -> (long) ((UnsafeRow) row).getSizeInBytes())
        .reduce(Long::sum);
    return (double) total / rows;
  }

  /** {@code rows} vectors of {@code width} logits, N(0, 3^2); sparse when {@code density < 1}. */
  private Dataset<Row> logits(long rows, int width, double density) {
    StructType schema = new StructType().add("x", SQLDataTypes.VectorType(), false);
    MapFunction<Long, Row> row = id -> {
      SplittableRandom random = new SplittableRandom(id);
      if (density >= 1.0) {
        double[] values = new double[width];
        Arrays.setAll(values, i -> 3.0 * gaussian(random));
        return RowFactory.create(Vectors.dense(values));
      }
      int nonZeros = Math.max(1, (int) Math.round(width * density));
      int[] indices = random.ints(0, width).distinct().limit(nonZeros).sorted().toArray();
      double[] values = new double[nonZeros];
      Arrays.setAll(values, i -> 3.0 * gaussian(random));
      return RowFactory.create(Vectors.sparse(width, indices, values));
    };
    return spark.range(0, rows, 1, settings.partitions).map(row, Encoders.row(schema));
  }

  /**
   * {@code rows} long-format rows {@code (q long, s double)}: groups of {@code groupSize}
   * consecutive ids, scores N(0, 3^2).
   */
  private Dataset<Row> scores(long rows, int groupSize) {
    return spark.range(0, rows, 1, settings.partitions).select(
        col("id").divide(groupSize).cast(DataTypes.LongType).as("q"),
        randn(7).multiply(3.0).as("s"));
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log1p(-u)) * Math.cos(2.0 * Math.PI * v);
  }

  /** The command-line settings. */
  private static final class Settings {
    long elements = 80_000_000L;
    long maxRows = 8_000_000L;
    int[] widths = {10, 100, 1000, 32768};
    int sparseWidth = 10_000;
    int topKWidth = 32_768;
    double density = 0.05;
    int warmup = 2;
    int rounds = 5;
    int partitions = 4;
    int[] groupSizes = {50, 5000};
    long longRows = 10_000_000L;

    static Settings parse(String[] args) {
      Settings settings = new Settings();
      for (String arg : args) {
        if (arg.equals("longFormatOnly")) {
          settings.widths = new int[0];
          settings.sparseWidth = 0;
          settings.topKWidth = 0;
          continue;
        }
        if (arg.equals("quick")) {
          settings.elements = 8_000_000L;
          settings.maxRows = 200_000L;
          settings.warmup = 1;
          settings.rounds = 3;
          settings.longRows = 400_000L;
          continue;
        }
        String[] pair = arg.split("=", 2);
        if (pair.length != 2) {
          throw new IllegalArgumentException("expected key=value or quick, not " + arg);
        }
        String value = pair[1];
        switch (pair[0]) {
          case "elements": settings.elements = Long.parseLong(value); break;
          case "maxRows": settings.maxRows = Long.parseLong(value); break;
          case "widths": settings.widths = Arrays.stream(value.split(","))
              .filter(w -> !w.isEmpty()).mapToInt(Integer::parseInt).toArray(); break;
          case "sparseWidth": settings.sparseWidth = Integer.parseInt(value); break;
          case "topKWidth": settings.topKWidth = Integer.parseInt(value); break;
          case "density": settings.density = Double.parseDouble(value); break;
          case "warmup": settings.warmup = Integer.parseInt(value); break;
          case "rounds": settings.rounds = Integer.parseInt(value); break;
          case "partitions": settings.partitions = Integer.parseInt(value); break;
          case "groupSizes": settings.groupSizes = Arrays.stream(value.split(","))
              .filter(w -> !w.isEmpty()).mapToInt(Integer::parseInt).toArray(); break;
          case "longRows": settings.longRows = Long.parseLong(value); break;
          default: throw new IllegalArgumentException("unknown setting " + pair[0]);
        }
      }
      return settings;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "elements=%d maxRows=%d widths=%s sparseWidth=%d "
          + "topKWidth=%d density=%s warmup=%d rounds=%d partitions=%d groupSizes=%s "
          + "longRows=%d", elements, maxRows, Arrays.toString(widths), sparseWidth, topKWidth,
          density, warmup, rounds, partitions, Arrays.toString(groupSizes), longRows);
    }
  }
}
