package io.github.sparksoftmax;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparksoftmax.fuzz.FuzzGroup;
import io.github.sparksoftmax.fuzz.FuzzRows;
import io.github.sparksoftmax.fuzz.FuzzTries;
import io.github.sparksoftmax.fuzz.GroupOracle;
import io.github.sparksoftmax.fuzz.Invariants;
import io.github.sparksoftmax.kernel.Contract;
import io.github.sparksoftmax.kernel.LogSumExp;
import io.github.sparksoftmax.sql.SoftmaxFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The group mode on Spark, on batches of 1 to {@value #MAX_GROUPS} generated groups ({@link
 * FuzzGroup}: 1 to 50 scores of every shape, NaN, infinities and nulls included; one batch in
 * four with a null group key) as rows {@code (g, id, score)} in a shuffled order, read from a
 * local relation or from parquet, compiled and interpreted, at a generated temperature: the
 * transformer with {@code groupCol} under {@code keep} (both spaces) and under {@code skip}, SQL's
 * {@code softmax} and {@code log_softmax} over {@code PARTITION BY g}, and {@code logsumexp} in
 * {@code GROUP BY g}. Each is held to the documented semantics of invalid groups (the transformer:
 * a null, a NaN or every score {@code -Infinity} gives NaN in every row under {@code keep}, no row
 * under {@code skip}; SQL: nulls left out, null for a null score or a group of nulls, NaN for a
 * NaN or a group of {@code -Infinity}) and, on valid groups, to {@link GroupOracle}: the kernel's
 * output and the invariants on every group, the 40-digit reference on one group in three. The
 * transformer and SQL agree on the groups without a null within twice the contract.
 */
@AddLifecycleHook(FuzzTries.class)
class GroupFuzzTest extends LocalSparkTest {
  private static final int MAX_GROUPS = 12;

  private static Path files;

  @BeforeContainer
  static void start() throws IOException {
    startSpark();
    SparkFuzzTest.keepLocalRelations();
    SoftmaxFunctions.register(spark);
    files = Files.createTempDirectory("group-fuzz");
  }

  @AfterContainer
  static void stop() {
    stopSpark();
  }

  @Provide
  Arbitrary<List<FuzzGroup>> batches() {
    return FuzzGroup.groups().list().ofMinSize(1).ofMaxSize(MAX_GROUPS);
  }

  @Provide
  Arbitrary<Double> temperatures() {
    return FuzzRows.temperatures();
  }

  @Property(tries = 6)
  void theGroupModeKeepsTheContract(@ForAll("batches") List<FuzzGroup> groups,
      @ForAll("temperatures") double temperature, @ForAll @IntRange(max = 3) int nullKey,
      @ForAll boolean fromParquet, @ForAll long seed, @ForAll @IntRange(max = 2) int sample)
      throws IOException {
    Batch batch = new Batch(groups, nullKey == 0, sample);
    Dataset<Row> frame = batch.frame(fromParquet, new Random(seed));
    String source = (fromParquet ? "parquet" : "local relation") + ", t " + temperature + ", "
        + batch;
    for (Map<String, String> mode : List.of(COMPILED, INTERPRETED)) {
      String where = source + (mode == COMPILED ? ", compiled" : ", interpreted");
      withConf(mode, () -> {
        double[][][] stage = checkStageKeep(batch, frame, temperature, where);
        checkStageSkip(batch, frame, temperature, where);
        double[][][] sql = checkSqlWindow(batch, frame, temperature, where);
        for (int g = 0; g < groups.size(); g++) {
          if (groups.get(g).nullEntry() < 0 && !Contract.invalid(groups.get(g).scores())) {
            for (int space = 0; space < 2; space++) {
              Invariants.assertAgree(stage[space][g], sql[space][g], space == 1,
                  where + ", group " + g + ": transformer and SQL");
            }
          }
        }
        checkLogSumExp(batch, frame, temperature, where);
        return null;
      });
    }
  }

  /**
   * The transformer under {@code keep}: NaN in every row of an invalid group, the contract on a
   * valid one. Returns its output by space, group and position.
   */
  private static double[][][] checkStageKeep(Batch batch, Dataset<Row> frame,
      double temperature, String where) {
    Dataset<Row> scored = stage(temperature, "keep").setOutputCol("p").transform(frame);
    scored = stage(temperature, "keep").setLogSoftmax(true).setOutputCol("log_p")
        .transform(scored);
    double[][][] out = batch.collect(scored.select("id", "p", "log_p"));
    for (int g = 0; g < batch.groups.size(); g++) {
      FuzzGroup group = batch.groups.get(g);
      String what = where + ", transformer, group " + g + " " + group;
      double[] strict = group.strict();
      if (Contract.invalid(strict)) {
        Contract.assertAllNaN(out[0][g], what);
        Contract.assertAllNaN(out[1][g], what + ", log space");
        continue;
      }
      GroupOracle.assertValidGroup(strict, temperature, out[0][g], out[1][g],
          batch.sampled(g), what);
    }
    return out;
  }

  /** The transformer under {@code skip} keeps exactly the rows of the valid groups. */
  private static void checkStageSkip(Batch batch, Dataset<Row> frame, double temperature,
      String where) {
    Set<Integer> kept = stage(temperature, "skip").setOutputCol("p").transform(frame)
        .select("id").collectAsList().stream().map(row -> row.getInt(0))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> valid = new TreeSet<>();
    for (int id = 0; id < batch.rows(); id++) {
      if (!Contract.invalid(batch.groups.get(batch.groupOf[id]).strict())) {
        valid.add(id);
      }
    }
    assertEquals(valid, kept, where + ", skip");
  }

  /**
   * {@code softmax} and {@code log_softmax} over {@code PARTITION BY g}: nulls left out (null for
   * a null score, and every row of a group of nulls), NaN in every row of a group with a NaN or
   * of only {@code -Infinity}, the contract on the non-null scores of the others. Returns the
   * output by space, group and position.
   */
  private static double[][][] checkSqlWindow(Batch batch, Dataset<Row> frame,
      double temperature, String where) {
    Column score = col("score");
    Column t = lit(temperature);
    Dataset<Row> scored = frame.select(col("id"),
        call_function("softmax", score, t).over(Window.partitionBy("g")),
        call_function("log_softmax", score, t).over(Window.partitionBy("g")));
    Object[][][] out = batch.collectBoxed(scored);
    double[][][] values = new double[2][batch.groups.size()][];
    for (int g = 0; g < batch.groups.size(); g++) {
      FuzzGroup group = batch.groups.get(g);
      String what = where + ", SQL window, group " + g + " " + group;
      double[] nonNull = group.nonNull();
      for (int space = 0; space < 2; space++) {
        Object[] rows = out[space][g];
        values[space][g] = new double[nonNull.length];
        boolean undefined = nonNull.length > 0 && Contract.invalid(nonNull);
        for (int i = 0, k = 0; i < rows.length; i++) {
          String at = what + " [" + i + "]" + (space == 1 ? ", log space" : "");
          if (undefined) {
            assertTrue(rows[i] != null && Double.isNaN((Double) rows[i]), at + ": " + rows[i]);
          } else if (i == group.nullEntry()) {
            assertNull(rows[i], at);
          } else {
            values[space][g][k++] = (Double) rows[i];
          }
        }
      }
      if (nonNull.length > 0 && !Contract.invalid(nonNull)) {
        GroupOracle.assertValidGroup(nonNull, temperature, values[0][g], values[1][g],
            batch.sampled(g), what);
      }
    }
    return values;
  }

  /**
   * {@code logsumexp} in {@code GROUP BY g}: null for a group of nulls, else as {@link
   * GroupOracle} has it on the non-null scores, and the kernel's value within twice the contract.
   */
  private static void checkLogSumExp(Batch batch, Dataset<Row> frame, double temperature,
      String where) {
    Map<Integer, Double> byKey = new HashMap<>();
    for (Row row : frame.groupBy("g")
        .agg(SoftmaxFunctions.logsumexp(col("score"), temperature)).collectAsList()) {
      byKey.put(row.isNullAt(0) ? null : row.getInt(0), row.isNullAt(1) ? null : row.getDouble(1));
    }
    assertEquals(batch.groups.size(), byKey.size(), where + ": groups of logsumexp");
    for (int g = 0; g < batch.groups.size(); g++) {
      FuzzGroup group = batch.groups.get(g);
      String what = where + ", logsumexp, group " + g + " " + group;
      Double value = byKey.get(batch.key(g));
      double[] nonNull = group.nonNull();
      if (nonNull.length == 0) {
        assertNull(value, what);
        continue;
      }
      LogSumExp kernel = new LogSumExp(temperature);
      for (double x : nonNull) {
        kernel.add(x);
      }
      Invariants.assertAgree(new double[] {kernel.value()}, new double[] {value}, true,
          what + ": against the kernel");
      GroupOracle.assertLogSumExp(nonNull, temperature, value, batch.sampled(g), what);
    }
  }

  private static SoftmaxTransformer stage(double temperature, String handleInvalid) {
    return new SoftmaxTransformer().setInputCol("score").setGroupCol("g")
        .setTemperature(temperature).setHandleInvalid(handleInvalid);
  }

  /** The groups of one property try, their rows numbered by {@code id} group after group. */
  private static final class Batch {
    private static final StructType SCHEMA = new StructType()
        .add("g", DataTypes.IntegerType, true)
        .add("id", DataTypes.IntegerType, false)
        .add("score", DataTypes.DoubleType, true);

    private final List<FuzzGroup> groups;
    private final boolean nullKey;
    private final int sample;
    private final int[] groupOf;
    private final int[] positionOf;

    Batch(List<FuzzGroup> groups, boolean nullKey, int sample) {
      this.groups = groups;
      this.nullKey = nullKey;
      this.sample = sample;
      int rows = groups.stream().mapToInt(group -> group.scores().length).sum();
      groupOf = new int[rows];
      positionOf = new int[rows];
      int id = 0;
      for (int g = 0; g < groups.size(); g++) {
        for (int i = 0; i < groups.get(g).scores().length; i++, id++) {
          groupOf[id] = g;
          positionOf[id] = i;
        }
      }
    }

    int rows() {
      return groupOf.length;
    }

    /** Group {@code g}'s key: its index, or null for the first group of a null-key batch. */
    Integer key(int g) {
      return nullKey && g == 0 ? null : g;
    }

    /** One group in three, from a generated offset, is checked against the reference. */
    boolean sampled(int g) {
      return g % 3 == sample;
    }

    /** The rows in a shuffled order, from a local relation or from a parquet file. */
    Dataset<Row> frame(boolean fromParquet, Random random) throws IOException {
      List<Row> rows = new ArrayList<>();
      for (int id = 0; id < rows(); id++) {
        rows.add(RowFactory.create(key(groupOf[id]), id,
            groups.get(groupOf[id]).score(positionOf[id])));
      }
      Collections.shuffle(rows, random);
      return SparkFuzzTest.source(spark.createDataFrame(rows, SCHEMA), fromParquet, files);
    }

    /** The two double columns after the id of {@code query}, by column, group and position. */
    double[][][] collect(Dataset<Row> query) {
      Object[][][] boxed = collectBoxed(query);
      double[][][] values = new double[2][groups.size()][];
      for (int c = 0; c < 2; c++) {
        for (int g = 0; g < groups.size(); g++) {
          values[c][g] = new double[boxed[c][g].length];
          for (int i = 0; i < values[c][g].length; i++) {
            Object value = boxed[c][g][i];
            assertNotNull(value, "group " + g + " [" + i + "]: null, not a double");
            values[c][g][i] = (Double) value;
          }
        }
      }
      return values;
    }

    /** The two columns after the id of {@code query}, nulls kept, by column, group, position. */
    Object[][][] collectBoxed(Dataset<Row> query) {
      Object[][][] values = new Object[2][groups.size()][];
      for (int g = 0; g < groups.size(); g++) {
        values[0][g] = new Object[groups.get(g).scores().length];
        values[1][g] = new Object[groups.get(g).scores().length];
      }
      List<Row> rows = query.collectAsList();
      assertEquals(rows(), rows.size(), "rows out");
      for (Row row : rows) {
        int id = row.getInt(0);
        values[0][groupOf[id]][positionOf[id]] = row.get(1);
        values[1][groupOf[id]][positionOf[id]] = row.get(2);
      }
      return values;
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(groups.size() + " groups");
      for (int g = 0; g < groups.size(); g++) {
        text.append(g == 0 ? ": " : "; ").append(key(g)).append(" -> ").append(groups.get(g));
      }
      return text.toString();
    }
  }
}
