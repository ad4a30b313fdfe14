package io.github.sparksoftmax;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.kernel.ExactSoftmax;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Long-format test data: groups of finite scores (some {@code -Infinity}) as rows {@code (g int,
 * i long, score double)}, {@code i} numbering the rows, with each group's exact log-sum-exp and
 * softmax from {@link ExactSoftmax}, which shares no code with what is tested.
 */
public final class LongFormatGroups {

  /** The row schema. */
  public static final StructType SCHEMA = new StructType()
      .add("g", DataTypes.IntegerType, false)
      .add("i", DataTypes.LongType, false)
      .add("score", DataTypes.DoubleType, true);

  /** How the rows are laid out before Spark reads them. */
  public enum Order {
    /** Shuffled at random. */
    SHUFFLED,
    /** Every group's scores ascending, groups interleaved. */
    ASCENDING,
    /** Every group's scores descending. */
    DESCENDING
  }

  private final double[][] groups;
  private final Map<String, ExactSoftmax> references = new HashMap<>();

  private LongFormatGroups(double[][] groups) {
    this.groups = groups;
  }

  /** Groups of the given scores. */
  public static LongFormatGroups of(double[]... groups) {
    return new LongFormatGroups(groups);
  }

  /**
   * {@code count} groups of 1 to {@code maxSize} scores, each group spread over up to a thousand
   * units around an offset of up to 10^4 (one group in five near {@code Double.MAX_VALUE} in
   * magnitude), with a {@code -Infinity} now and then.
   */
  public static LongFormatGroups random(long seed, int count, int maxSize) {
    Random random = new Random(seed);
    double[][] groups = new double[count][];
    for (int g = 0; g < count; g++) {
      int n = 1 + (int) Math.round(Math.exp(random.nextDouble() * Math.log(maxSize)) - 1);
      boolean huge = g % 5 == 4;
      double offset = huge ? 1.7e308 * (random.nextBoolean() ? 1 : -1)
          : (2 * random.nextDouble() - 1) * 1e4;
      double spread = huge ? 1e305 : Math.exp(random.nextDouble() * Math.log(1000));
      groups[g] = new double[n];
      for (int i = 0; i < n; i++) {
        groups[g][i] = huge ? offset - Math.signum(offset) * spread * random.nextDouble()
            : offset - spread * random.nextDouble();
      }
      if (n > 2 && random.nextInt(3) == 0) {
        groups[g][random.nextInt(n)] = Double.NEGATIVE_INFINITY;
      }
    }
    return new LongFormatGroups(groups);
  }

  /** How many groups. */
  public int size() {
    return groups.length;
  }

  /** The scores of group {@code g}. */
  public double[] scores(int g) {
    return groups[g];
  }

  /** The exact reference of group {@code g} at {@code temperature}, computed once. */
  public ExactSoftmax exact(int g, double temperature) {
    return references.computeIfAbsent(g + "@" + temperature,
        key -> ExactSoftmax.of(groups[g], temperature));
  }

  /**
   * The rows, laid out in {@code order} and split into {@code partitions} partitions of
   * consecutive rows. Row {@code i} of the frame is score {@link #position(long)} of its group.
   */
  public Dataset<Row> frame(SparkSession spark, Order order, int partitions, long seed) {
    List<Row> rows = new ArrayList<>();
    long i = 0;
    for (int g = 0; g < groups.length; g++) {
      for (int k = 0; k < groups[g].length; k++) {
        rows.add(RowFactory.create(g, i++, groups[g][k]));
      }
    }
    if (order == Order.SHUFFLED) {
      Collections.shuffle(rows, new Random(seed));
    } else {
      rows.sort((a, b) -> (order == Order.ASCENDING ? 1 : -1)
          * Double.compare(a.getDouble(2), b.getDouble(2)));
    }
    return spark.createDataFrame(rows, SCHEMA).coalesce(1).repartition(partitions);
  }

  /** The index within its group of the score of row {@code i}. */
  public int position(long i) {
    return (int) (i - firstRow(group(i)));
  }

  /** The group of row {@code i}. */
  public int group(long i) {
    long rest = i;
    for (int g = 0; g < groups.length; g++) {
      if (rest < groups[g].length) {
        return g;
      }
      rest -= groups[g].length;
    }
    throw new IndexOutOfBoundsException("no row " + i);
  }

  private long firstRow(int group) {
    long first = 0;
    for (int g = 0; g < group; g++) {
      first += groups[g].length;
    }
    return first;
  }

  /**
   * Asserts the accuracy contract of softmax: a probability within 4 ulps of the exact value (2
   * {@code Double.MIN_VALUE} when subnormal), a log-probability within 4 ulps of {@code max(1,
   * |exact|)}.
   */
  public static void assertWithinContract(ExactSoftmax exact, int i, double actual,
      boolean logSpace, String where) {
    if (logSpace) {
      assertTrue(exact.logProbabilityUlps(i, actual) <= 4,
          where + ": " + actual + " vs exact " + exact.logProbability(i));
    } else {
      double bound = Math.abs(exact.probability(i)) < Double.MIN_NORMAL ? 2 : 4;
      assertTrue(exact.probabilityUlps(i, actual) <= bound,
          where + ": " + actual + " vs exact " + exact.probability(i));
    }
  }
}
