package io.github.sparksoftmax.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The raw values of the job's flags: those of the {@code --properties-file}, if any, overridden by
 * those of the command line; and the Spark settings of the command line's {@code --conf} flags.
 * Values are not checked here, only names and syntax.
 */
final class FlagValues {
  private final Map<JobFlag, String> values = new EnumMap<>(JobFlag.class);
  private final Map<String, String> sparkSettings = new LinkedHashMap<>();

  private FlagValues() {}

  /**
   * The flags set by the command line or its {@code --properties-file}; a switch given on the
   * command line reads {@code true}.
   *
   * @throws JobFailure a usage error for an unknown, repeated or valueless flag, a stray argument,
   *     a {@code --conf} that is not a Spark setting, an unreadable {@code --properties-file} or an
   *     unknown key in it
   */
  static FlagValues read(String[] args) {
    FlagValues commandLine = commandLine(args);
    FlagValues merged = new FlagValues();
    if (commandLine.values.containsKey(JobFlag.PROPERTIES_FILE)) {
      merged.values.putAll(propertiesFile(commandLine.values.get(JobFlag.PROPERTIES_FILE)));
    }
    merged.values.putAll(commandLine.values);
    merged.sparkSettings.putAll(commandLine.sparkSettings);
    return merged;
  }

  /** The value of each flag that is set, except {@link JobFlag#CONF}. */
  Map<JobFlag, String> values() {
    return Collections.unmodifiableMap(values);
  }

  /** The Spark settings of the {@code --conf} flags, in order; for a repeated key, the last. */
  Map<String, String> sparkSettings() {
    return Collections.unmodifiableMap(sparkSettings);
  }

  private static FlagValues commandLine(String[] args) {
    FlagValues flags = new FlagValues();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw JobFailure.usage("unexpected argument '" + arg + "'");
      }
      int equals = arg.indexOf('=');
      String key = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      JobFlag flag = JobFlag.ofKey(key);
      if (flag == null) {
        throw JobFailure.usage("unknown flag --" + key);
      }
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (flag.isSwitch()) {
        value = "true";
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw JobFailure.usage("--" + key + " needs a value");
      }
      if (flag.isRepeatable()) {
        flags.addSparkSetting(value);
      } else if (flags.values.put(flag, value) != null) {
        throw JobFailure.usage("--" + key + " is given twice");
      }
    }
    return flags;
  }

  private void addSparkSetting(String setting) {
    int equals = setting.indexOf('=');
    if (equals < 0) {
      throw JobFailure.usage("--conf takes a Spark setting KEY=VALUE, as spark-submit does, got '"
          + setting + "'; the properties file of the job's flags is now given with"
          + " --properties-file FILE");
    }
    String key = setting.substring(0, equals).trim();
    if (!key.startsWith("spark.")) {
      throw JobFailure.usage("--conf takes a Spark setting, whose key starts with 'spark.', got '"
          + setting + "'");
    }
    sparkSettings.put(key, setting.substring(equals + 1).trim());
  }

  private static Map<JobFlag, String> propertiesFile(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw JobFailure.usage("cannot read the --properties-file '" + file + "': no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.usage("cannot read the --properties-file '" + file + "': "
          + e.getMessage());
    }
    Map<JobFlag, String> values = new EnumMap<>(JobFlag.class);
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith("spark.")) {
        throw JobFailure.usage("'" + key + "' in the --properties-file '" + file + "' is a Spark"
            + " setting: give it with --conf " + key + "=VALUE; the file's keys are the job's flag"
            + " names without the dashes, e.g. temperature=2.0");
      }
      JobFlag flag = JobFlag.ofKey(key);
      if (flag == null || flag == JobFlag.PROPERTIES_FILE || flag.isRepeatable()) {
        throw JobFailure.usage("unknown key '" + key + "' in the --properties-file '" + file
            + "'; its keys are the job's flag names without the dashes, e.g. temperature=2.0");
      }
      values.put(flag, properties.getProperty(key).trim());
    }
    return values;
  }
}
