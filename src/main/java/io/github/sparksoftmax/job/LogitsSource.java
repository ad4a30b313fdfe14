package io.github.sparksoftmax.job;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the logits where the softmax stage reads them: the column named by {@code --input-col}.
 * With {@code --logit-cols} or {@code --logit-prefix}, that column is added, as the
 * {@code array<double>} of the named numeric columns in order (a null cell is a null entry, so an
 * invalid row); the job drops it again before writing. An array of another numeric type (JSON
 * integers are read as {@code array<bigint>}) is cast to {@code array<double>} in place. With
 * {@code --group-col} the column holds one numeric score per row, as it is.
 */
final class LogitsSource {
  private static final Logger LOG = LoggerFactory.getLogger(LogitsSource.class);

  private LogitsSource() {}

  /** True when the logits are assembled from several columns into a column the job adds. */
  static boolean isAssembled(JobOptions options) {
    return !options.logitCols().isEmpty() || options.logitPrefix() != null;
  }

  /**
   * The input with its logits in the column {@code options.inputCol()}.
   *
   * @throws JobFailure a data error if a named column is missing or not numeric, if no column has
   *     the prefix, if the assembled column's name is taken, or if a long-format score column
   *     holds text
   */
  static Dataset<Row> prepare(Dataset<Row> input, JobOptions options) {
    StructType schema = input.schema();
    String target = options.inputCol();
    List<String> names = Arrays.asList(schema.fieldNames());
    if (options.groupCol() != null) {
      if (names.contains(target) && schema.apply(target).dataType() instanceof StringType) {
        throw notNumeric(input, options, schema.apply(target));
      }
      return input;
    }
    if (!isAssembled(options)) {
      return names.contains(target) && needsCast(schema.apply(target).dataType())
          ? input.withColumn(target, column(target).cast(
              DataTypes.createArrayType(DataTypes.DoubleType)))
          : input;
    }
    if (names.contains(target)) {
      throw JobFailure.data("the input already has a column '" + target + "', the name of the"
          + " assembled logits column: set --input-col to another name");
    }
    List<String> sources = sources(schema, options);
    if (sources.isEmpty()) {
      throw JobFailure.data("no column name starts with --logit-prefix '" + options.logitPrefix()
          + "'; the columns are " + String.join(", ", names));
    }
    for (String name : sources) {
      if (!names.contains(name)) {
        throw JobFailure.data("column '" + name + "' named by " + flag(options) + " does not"
            + " exist; the columns are " + String.join(", ", names));
      }
      if (!(schema.apply(name).dataType() instanceof NumericType)) {
        throw notNumeric(input, options, schema.apply(name));
      }
    }
    LOG.info("Assembling the logits from {} into '{}'", String.join(", ", sources), target);
    Column[] logits = sources.stream().map(n -> column(n).cast(DataTypes.DoubleType))
        .toArray(Column[]::new);
    return input.withColumn(target, functions.array(logits));
  }

  /**
   * The input columns that hold the logits, in class order: the {@code --logit-cols}, the columns
   * with the {@code --logit-prefix} in the input's order, or the {@code --input-col} alone.
   */
  static List<String> sources(StructType schema, JobOptions options) {
    if (!isAssembled(options)) {
      return List.of(options.inputCol());
    }
    return options.logitPrefix() == null ? options.logitCols()
        : Arrays.stream(schema.fieldNames()).filter(n -> n.startsWith(options.logitPrefix()))
            .collect(Collectors.toList());
  }

  /** The flag that named the logits' columns, as the user wrote it, e.g. {@code --logit-cols}. */
  static String flag(JobOptions options) {
    if (options.logitPrefix() != null) {
      return "--logit-prefix " + options.logitPrefix();
    }
    return isAssembled(options) ? "--logit-cols" : "--input-col";
  }

  /** A data error for a logits column that is not numeric, with its first non-numeric value. */
  private static JobFailure notNumeric(Dataset<Row> input, JobOptions options, StructField field) {
    // try_cast, as a plain cast fails on a non-number under ANSI mode (Spark 4's default).
    Column notANumber = column(field.name()).isNotNull().and(functions.expr(
        "try_cast(CAST(" + quoted(field.name()) + " AS STRING) AS DOUBLE)").isNull());
    String problem = "column '" + field.name() + "' named by " + flag(options) + " must be"
        + " numeric";
    return JobFailure.data(OffendingRows.describeFirst(input, options.inputFormat(),
            UnaryOperator.identity(), notANumber, List.of(field.name()))
        .map(row -> problem + "; the first row where it is not: " + row)
        .orElse(problem + " but is " + field.dataType().catalogString()));
  }

  /** A column by its exact name, even one with dots or backticks. */
  static Column column(String name) {
    return functions.col(quoted(name));
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static boolean needsCast(DataType type) {
    if (!(type instanceof ArrayType)) {
      return false;
    }
    DataType element = ((ArrayType) type).elementType();
    return element instanceof NumericType && !element.equals(DataTypes.DoubleType)
        && !element.equals(DataTypes.FloatType);
  }
}
