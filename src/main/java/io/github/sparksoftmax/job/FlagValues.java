package io.github.sparksoftmax.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * The raw values of the job's flags: those of the {@code --conf} properties file, if any,
 * overridden by those of the command line. Values are not checked here, only names and syntax.
 */
final class FlagValues {
  private FlagValues() {}

  /**
   * The flags set by the command line or its {@code --conf} file; a switch given on the command
   * line reads {@code true}.
   *
   * @throws JobFailure a usage error for an unknown, repeated or valueless flag, a stray argument,
   *     an unreadable {@code --conf} file or an unknown key in it
   */
  static Map<JobFlag, String> read(String[] args) {
    Map<JobFlag, String> commandLine = commandLine(args);
    Map<JobFlag, String> merged = new EnumMap<>(JobFlag.class);
    if (commandLine.containsKey(JobFlag.CONF)) {
      merged.putAll(propertiesFile(commandLine.get(JobFlag.CONF)));
    }
    merged.putAll(commandLine);
    return merged;
  }

  private static Map<JobFlag, String> commandLine(String[] args) {
    Map<JobFlag, String> values = new EnumMap<>(JobFlag.class);
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
      if (values.put(flag, value) != null) {
        throw JobFailure.usage("--" + key + " is given twice");
      }
    }
    return values;
  }

  private static Map<JobFlag, String> propertiesFile(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw JobFailure.usage("cannot read the --conf file '" + file + "': no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw JobFailure.usage("cannot read the --conf file '" + file + "': " + e.getMessage());
    }
    Map<JobFlag, String> values = new EnumMap<>(JobFlag.class);
    for (String key : properties.stringPropertyNames()) {
      JobFlag flag = JobFlag.ofKey(key);
      if (flag == null || flag == JobFlag.CONF) {
        throw JobFailure.usage("unknown key '" + key + "' in the --conf file '" + file
            + "'; its keys are flag names without the dashes, e.g. temperature=2.0");
      }
      values.put(flag, properties.getProperty(key).trim());
    }
    return values;
  }
}
