package io.github.sparksoftmax.job;

import io.github.sparksoftmax.stage.HandleInvalid;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The settings of one run of the job, from the command line and an optional {@code
 * --properties-file} (the command line wins), checked as far as they can be without reading data:
 * {@link #parse} raises every problem as a {@link JobFailure#usage usage error}.
 */
public final class JobOptions {
  private final Map<JobFlag, String> values;
  private final Map<String, String> sparkSettings;
  private final String input;
  private final String output;
  private final DataFormat inputFormat;
  private final DataFormat outputFormat;
  private final String inputCol;
  private final List<String> logitCols;
  private final String logitPrefix;
  private final String groupCol;
  private final String outputCol;
  private final double temperature;
  private final boolean logSoftmax;
  private final String handleInvalid;
  private final String predictionCol;
  private final boolean overwrite;
  private final int show;
  private final boolean verbose;
  private final boolean stream;
  private final String checkpoint;
  private final Trigger trigger;

  private JobOptions(FlagValues flags) {
    values = flags.values();
    sparkSettings = flags.sparkSettings();
    input = required(JobFlag.INPUT);
    output = required(JobFlag.OUTPUT);
    inputFormat = values.containsKey(JobFlag.FORMAT) ? format(JobFlag.FORMAT)
        : DataFormat.ofPath(input);
    outputFormat = format(JobFlag.OUTPUT_FORMAT);
    inputCol = columnName(JobFlag.INPUT_COL);
    logitCols = values.containsKey(JobFlag.LOGIT_COLS) ? columnNames(JobFlag.LOGIT_COLS)
        : Collections.emptyList();
    logitPrefix = values.containsKey(JobFlag.LOGIT_PREFIX) ? columnName(JobFlag.LOGIT_PREFIX)
        : null;
    groupCol = values.containsKey(JobFlag.GROUP_COL) ? columnName(JobFlag.GROUP_COL) : null;
    outputCol = columnName(JobFlag.OUTPUT_COL);
    temperature = positiveNumber(JobFlag.TEMPERATURE);
    logSoftmax = bool(JobFlag.LOG_SOFTMAX);
    handleInvalid = oneOf(JobFlag.HANDLE_INVALID, HandleInvalid.NAMES);
    predictionCol = value(JobFlag.PREDICTION_COL).isEmpty() ? ""
        : columnName(JobFlag.PREDICTION_COL);
    overwrite = oneOf(JobFlag.MODE, List.of("error", "overwrite")).equals("overwrite");
    show = count(JobFlag.SHOW);
    verbose = bool(JobFlag.VERBOSE);
    stream = bool(JobFlag.STREAM);
    checkpoint = values.containsKey(JobFlag.CHECKPOINT) ? required(JobFlag.CHECKPOINT) : null;
    trigger = StreamTrigger.parse(value(JobFlag.TRIGGER));
    if (trigger == null) {
      throw invalid(JobFlag.TRIGGER, StreamTrigger.AVAILABLE_NOW + " or an interval such as 30s");
    }
    requireOneLogitsSource();
    requireStreamFlagsTogether();
    requireGroupFlagsApart();
  }

  /**
   * Parses and checks the flags.
   *
   * @param args the command line, without {@code --help}
   * @throws JobFailure a usage error naming the flag, the properties key or the argument at fault
   */
  public static JobOptions parse(String[] args) {
    return new JobOptions(FlagValues.read(args));
  }

  /** True when the command line asks for help ({@code --help} or {@code -h}). */
  public static boolean wantsHelp(String[] args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  /** True when the command line asks for the versions ({@code --version}). */
  public static boolean wantsVersion(String[] args) {
    return Arrays.asList(args).contains("--version");
  }

  /** The text of {@code --help}. */
  public static String help() {
    return "Usage: bin/softmax-job [SPARK OPTIONS] --input PATH --output PATH [FLAGS]\n"
        + "   or: spark-submit [SPARK OPTIONS] --class io.github.sparksoftmax.SoftmaxJob JAR"
        + " --input PATH --output PATH [FLAGS]\n"
        + "Reads a dataset, adds the softmax of its logits and writes it with every input"
        + " column.\n\nFlags:\n"
        + Arrays.stream(JobFlag.values()).map(JobFlag::helpLine).collect(Collectors.joining("\n"))
        + "\n  --version                print the versions of this job, Spark, Scala and Java"
        + "\n  --help                   print this help\n\n"
        + "Exit codes: 0 done, " + JobFailure.USAGE + " usage error, " + JobFailure.DATA
        + " data error (input, output or an invalid row).";
  }

  public String input() {
    return input;
  }

  public String output() {
    return output;
  }

  public DataFormat inputFormat() {
    return inputFormat;
  }

  public DataFormat outputFormat() {
    return outputFormat;
  }

  /** The logits column; not used when {@link #logitCols} or {@link #logitPrefix} is set. */
  public String inputCol() {
    return inputCol;
  }

  /** The columns to assemble the logits from, in order; empty when not set. */
  public List<String> logitCols() {
    return logitCols;
  }

  /** The group column of long-format input; null when not set. */
  public String groupCol() {
    return groupCol;
  }

  /** The name prefix of the columns to assemble the logits from; null when not set. */
  public String logitPrefix() {
    return logitPrefix;
  }

  public String outputCol() {
    return outputCol;
  }

  public double temperature() {
    return temperature;
  }

  public boolean logSoftmax() {
    return logSoftmax;
  }

  /** {@code error}, {@code skip} or {@code keep}. */
  public String handleInvalid() {
    return handleInvalid;
  }

  /** The argmax column, or empty for none. */
  public String predictionCol() {
    return predictionCol;
  }

  /** True for {@code --mode overwrite}. */
  public boolean overwrite() {
    return overwrite;
  }

  /** How many output rows to print (0 for none). */
  public int show() {
    return show;
  }

  /** The Spark settings of {@code --conf KEY=VALUE}, in the order given. */
  public Map<String, String> sparkSettings() {
    return sparkSettings;
  }

  /** True for {@code --verbose}: Spark's INFO log and the stack traces of failures. */
  public boolean verbose() {
    return verbose;
  }

  /** True for {@code --stream}. */
  public boolean stream() {
    return stream;
  }

  /** The checkpoint folder of {@code --stream}; null without it. */
  public String checkpoint() {
    return checkpoint;
  }

  /** When {@code --stream} starts its batches. */
  public Trigger trigger() {
    return trigger;
  }

  private String value(JobFlag flag) {
    return values.getOrDefault(flag, flag.defaultValue());
  }

  private String required(JobFlag flag) {
    String value = value(flag);
    if (value == null || value.isBlank()) {
      throw JobFailure.usage("--" + flag.key() + " is required");
    }
    return value;
  }

  private DataFormat format(JobFlag flag) {
    DataFormat format = DataFormat.named(value(flag));
    if (format == null) {
      throw invalid(flag, DataFormat.NAMES);
    }
    return format;
  }

  private String columnName(JobFlag flag) {
    String name = value(flag);
    if (name.isBlank()) {
      throw invalid(flag, "a column name");
    }
    return name;
  }

  private List<String> columnNames(JobFlag flag) {
    List<String> names = Arrays.stream(value(flag).split(",", -1)).map(String::trim)
        .collect(Collectors.toList());
    if (names.contains("")) {
      throw invalid(flag, "a comma-separated list of column names");
    }
    return names;
  }

  private double positiveNumber(JobFlag flag) {
    try {
      double t = Double.parseDouble(value(flag));
      if (t > 0.0 && t <= Double.MAX_VALUE) {
        return t;
      }
    } catch (NumberFormatException e) {
      // reported below, as for an out-of-range number
    }
    throw invalid(flag, "a finite number > 0");
  }

  private boolean bool(JobFlag flag) {
    return oneOf(flag, List.of("true", "false")).equals("true");
  }

  private int count(JobFlag flag) {
    try {
      int n = Integer.parseInt(value(flag));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, as for a negative number
    }
    throw invalid(flag, "a whole number >= 0");
  }

  private String oneOf(JobFlag flag, List<String> allowed) {
    String value = value(flag);
    if (!allowed.contains(value)) {
      throw invalid(flag, "one of " + String.join(", ", allowed));
    }
    return value;
  }

  private void requireOneLogitsSource() {
    boolean assembled = !logitCols.isEmpty() || logitPrefix != null;
    if (!logitCols.isEmpty() && logitPrefix != null) {
      throw JobFailure.usage("--logit-cols and --logit-prefix exclude each other");
    }
    if (!assembled && groupCol == null && inputFormat == DataFormat.CSV) {
      throw JobFailure.usage("csv input cannot hold a vector or an array: name the logit"
          + " columns with --logit-cols or --logit-prefix");
    }
  }

  private void requireStreamFlagsTogether() {
    if (!stream) {
      for (JobFlag flag : List.of(JobFlag.CHECKPOINT, JobFlag.TRIGGER)) {
        if (values.containsKey(flag)) {
          throw JobFailure.usage("--" + flag.key() + " applies only to --stream");
        }
      }
      return;
    }
    if (checkpoint == null) {
      throw JobFailure.usage("--stream needs --checkpoint DIR, where the stream records its"
          + " progress");
    }
    if (overwrite) {
      throw JobFailure.usage("--mode overwrite does not apply to --stream, which adds each batch"
          + " to its output");
    }
    if (show > 0) {
      throw JobFailure.usage("--show does not apply to --stream");
    }
  }

  /** Long-format input has one score per row: no assembled logits, no argmax column, no stream. */
  private void requireGroupFlagsApart() {
    if (groupCol == null) {
      return;
    }
    if (!logitCols.isEmpty() || logitPrefix != null) {
      throw JobFailure.usage("--group-col takes one score per row, the --input-col column: it does"
          + " not go with --logit-cols or --logit-prefix");
    }
    if (!predictionCol.isEmpty()) {
      throw JobFailure.usage("--group-col does not go with --prediction-col: in long format each"
          + " row is a class of its group, and there is no argmax column to add");
    }
    if (stream) {
      throw JobFailure.usage("--group-col does not go with --stream: a group's probabilities need"
          + " all of its rows, which a stream never has");
    }
  }

  private JobFailure invalid(JobFlag flag, String expected) {
    return JobFailure.usage("--" + flag.key() + " must be " + expected + ", got '" + value(flag)
        + "'");
  }
}
