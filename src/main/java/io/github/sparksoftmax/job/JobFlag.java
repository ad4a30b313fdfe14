package io.github.sparksoftmax.job;

import java.util.Locale;

/**
 * The flags of {@code SoftmaxJob}, with their help and defaults. The command line spells a flag
 * {@code --name VALUE} (or {@code --name=VALUE}; a switch takes no value), and a {@code
 * --properties-file} {@code name=VALUE}, with {@code true} or {@code false} for a switch. Only
 * {@link #CONF} may be given more than once, and only on the command line.
 */
public enum JobFlag {
  INPUT("PATH", null, "input: a file, a directory or a glob (required)"),
  OUTPUT("PATH", null, "output directory (required)"),
  FORMAT("FMT", null, "input format: parquet, orc, json or csv (default: from the input's"
      + " extension, else parquet)"),
  OUTPUT_FORMAT("FMT", "parquet", "output format: parquet, orc, json or csv"),
  INPUT_COL("NAME", "logits", "column of logits: vector, array<double> or array<float>; with"
      + " --group-col, a numeric score"),
  LOGIT_COLS("A,B,...", null, "instead of --input-col, the numeric columns that hold the logits,"
      + " in class order (needed for csv input unless --logit-prefix or --group-col)"),
  LOGIT_PREFIX("PREFIX", null, "instead of --input-col, the numeric columns whose names start with"
      + " PREFIX, in the input's column order"),
  GROUP_COL("NAME", null, "long-format input: --input-col is a numeric score per row, and each"
      + " row's probability is taken among the rows that share this column's value"),
  OUTPUT_COL("NAME", "probability", "column of probabilities (or log-probabilities)"),
  TEMPERATURE("T", "1.0", "the logits are divided by T (finite, > 0) before softmax"),
  LOG_SOFTMAX(null, "false", "output log-probabilities"),
  HANDLE_INVALID("POLICY", "error", "a row with null logits, a null or NaN logit, or only -Infinity"
      + " logits: error (exit 1), skip (drop it) or keep (NaN, or null for a null row)"),
  PREDICTION_COL("NAME", "", "if set, also write the argmax class index to this column"),
  MODE("MODE", "error", "error: fail if the output exists; overwrite: replace it once the new"
      + " output is complete"),
  SHOW("N", "0", "print the first N rows of the written output"),
  STREAM(null, "false", "score the files of the --input folder as they arrive, into the --output"
      + " folder, each row exactly once across restarts (see --checkpoint, --trigger)"),
  CHECKPOINT("DIR", null, "with --stream (required): where the stream records its progress, so"
      + " that a restart resumes it"),
  TRIGGER("WHEN", "10s", "with --stream: an interval such as 30s or 5m between batches, until"
      + " stopped; or available-now: score the files present, then stop"),
  CONF("KEY=VALUE", null, "a Spark setting, as spark-submit's --conf (repeatable); it wins over"
      + " spark-defaults.conf"),
  PROPERTIES_FILE("FILE", null, "a properties file of these flags (name=value); the command line"
      + " wins"),
  VERBOSE(null, "false", "log Spark's INFO lines and the stack traces of failures on stderr");

  private final String valueName;
  private final String defaultValue;
  private final String help;

  JobFlag(String valueName, String defaultValue, String help) {
    this.valueName = valueName;
    this.defaultValue = defaultValue;
    this.help = help;
  }

  /** The name as written in a properties file: {@code output-format} for {@code --output-format}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True for a switch, a flag that takes no value on the command line. */
  public boolean isSwitch() {
    return valueName == null;
  }

  /** True for {@link #CONF}, which sets one Spark setting each time it is given. */
  public boolean isRepeatable() {
    return this == CONF;
  }

  /** The value used when neither the command line nor the properties file sets the flag; or null. */
  public String defaultValue() {
    return defaultValue;
  }

  /** The flag named {@code key} (without the dashes), or null. */
  public static JobFlag ofKey(String key) {
    for (JobFlag flag : values()) {
      if (flag.key().equals(key)) {
        return flag;
      }
    }
    return null;
  }

  /** One line of {@code --help}: the flag, its value and its help, with the default if any. */
  String helpLine() {
    String usage = "--" + key() + (isSwitch() ? "" : " " + valueName);
    boolean showDefault = defaultValue != null && !defaultValue.isEmpty() && !isSwitch();
    return String.format(Locale.ROOT, "  %-24s %s%s", usage, help,
        showDefault ? " (default " + defaultValue + ")" : "");
  }
}
