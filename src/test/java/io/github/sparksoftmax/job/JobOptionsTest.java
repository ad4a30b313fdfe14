package io.github.sparksoftmax.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOptionsTest {

  @Test
  void defaultsMatchTheTransformersAndTheIssue() {
    JobOptions options = parse("--input", "in/data", "--output", "out");
    assertEquals("in/data", options.input());
    assertEquals("out", options.output());
    assertEquals(DataFormat.PARQUET, options.inputFormat());
    assertEquals(DataFormat.PARQUET, options.outputFormat());
    assertEquals("logits", options.inputCol());
    assertEquals("probability", options.outputCol());
    assertEquals(1.0, options.temperature());
    assertFalse(options.logSoftmax());
    assertEquals("error", options.handleInvalid());
    assertEquals("", options.predictionCol());
    assertFalse(options.overwrite());
    assertEquals(0, options.show());
    assertTrue(options.logitCols().isEmpty());
    assertNull(options.logitPrefix());
    assertEquals(Map.of(), options.sparkSettings());
    assertFalse(options.verbose());
  }

  @Test
  void everyFlagIsReadInBothSpellings() {
    JobOptions options = parse("--input", "a.json", "--output=b", "--output-format", "CSV",
        "--input-col", "raw", "--output-col=p", "--temperature", "2.5", "--log-softmax",
        "--handle-invalid", "skip", "--prediction-col", "label", "--mode=overwrite",
        "--show", "3", "--verbose");
    assertEquals(DataFormat.JSON, options.inputFormat());
    assertEquals(DataFormat.CSV, options.outputFormat());
    assertEquals("raw", options.inputCol());
    assertEquals("p", options.outputCol());
    assertEquals(2.5, options.temperature());
    assertTrue(options.logSoftmax());
    assertEquals("skip", options.handleInvalid());
    assertEquals("label", options.predictionCol());
    assertTrue(options.overwrite());
    assertEquals(3, options.show());
    assertTrue(options.verbose());
    assertEquals(List.of("x", "y z", "w"),
        parse("--input", "i.csv", "--output", "o", "--logit-cols", "x, y z ,w").logitCols());
    assertEquals("logit_",
        parse("--input", "i.csv", "--output", "o", "--logit-prefix=logit_").logitPrefix());
  }

  @Test
  void theInputFormatComesFromTheFlagElseTheExtensionElseParquet() {
    assertEquals(DataFormat.ORC, parse("--input", "x.csv", "--output", "o", "--format", "orc")
        .inputFormat());
    assertEquals(DataFormat.CSV, DataFormat.ofPath("s3a://bucket/dir/scores.CSV"));
    assertEquals(DataFormat.JSON, DataFormat.ofPath("logs/day.json.gz"));
    assertEquals(DataFormat.ORC, DataFormat.ofPath("/data/table.orc/"));
    assertEquals(DataFormat.PARQUET, DataFormat.ofPath("/data/table"));
    assertEquals(DataFormat.PARQUET, DataFormat.ofPath("/data.csv/table"));
    assertEquals(DataFormat.PARQUET, DataFormat.ofPath("notes.txt"));
  }

  @Test
  void thePropertiesFileSetsTheSameKeysAndTheCommandLineWins(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "# defaults\ninput = from-file\noutput=out\ntemperature=3\n"
        + "log-softmax = true\nprediction-col=pred\nverbose=true\n");
    JobOptions options = parse("--properties-file", file.toString(), "--temperature", "0.5");
    assertEquals("from-file", options.input());
    assertEquals(0.5, options.temperature());
    assertTrue(options.logSoftmax());
    assertEquals("pred", options.predictionCol());
    assertTrue(options.verbose());
    assertFalse(parse("--properties-file", file.toString(), "--log-softmax=false").logSoftmax());
  }

  @Test
  void everyConfIsASparkSettingInOrderAndTheLastOfAKeyWins() {
    JobOptions options = parse("--input", "i", "--output", "o", "--conf", "spark.a=1",
        "--conf=spark.sql.b = x=y", "--conf", "spark.c=", "--conf", "spark.a=2");
    assertEquals(List.of(Map.entry("spark.a", "2"), Map.entry("spark.sql.b", "x=y"),
        Map.entry("spark.c", "")), List.copyOf(options.sparkSettings().entrySet()));
  }

  @Test
  void usageErrorsNameTheFlagAndTheValue(@TempDir Path dir) throws IOException {
    Path badKey = dir.resolve("bad.properties");
    Files.writeString(badKey, "temprature=2\n");
    Path sparkKey = dir.resolve("spark.properties");
    Files.writeString(sparkKey, "spark.executor.memory 2g\n");
    Path confKey = dir.resolve("conf.properties");
    Files.writeString(confKey, "conf=spark.a=1\n");
    String[][] cases = {
        {"--output", "o", "--input is required"},
        {"--input", "i", "--output is required"},
        {"--input", "i", "--output", "o", "--frobnicate", "unknown flag --frobnicate"},
        {"--input", "i", "--output", "o", "extra", "unexpected argument 'extra'"},
        {"--input", "--output", "o", "--input needs a value"},
        {"--input", "i", "--output", "o", "--input", "j", "--input is given twice"},
        {"--input", "i", "--output", "o", "--temperature", "0",
            "--temperature must be a finite number > 0, got '0'"},
        {"--input", "i", "--output", "o", "--temperature", "warm",
            "--temperature must be a finite number > 0, got 'warm'"},
        {"--input", "i", "--output", "o", "--temperature", "Infinity", "got 'Infinity'"},
        {"--input", "i", "--output", "o", "--format", "xml",
            "--format must be parquet, orc, json or csv, got 'xml'"},
        {"--input", "i", "--output", "o", "--output-format", "avro", "got 'avro'"},
        {"--input", "i", "--output", "o", "--handle-invalid", "ignore",
            "--handle-invalid must be one of error, skip, keep, got 'ignore'"},
        {"--input", "i", "--output", "o", "--mode", "append",
            "--mode must be one of error, overwrite, got 'append'"},
        {"--input", "i", "--output", "o", "--log-softmax=yes", "--log-softmax must be one of true, false"},
        {"--input", "i", "--output", "o", "--show", "-1", "--show must be a whole number >= 0"},
        {"--input", "i", "--output", "o", "--output-col", " ", "--output-col must be a column name"},
        {"--input", "i", "--output", "o", "--logit-cols", "a,,b", "--logit-cols must be a comma"},
        {"--input", "i", "--output", "o", "--logit-cols", "a", "--logit-prefix", "l",
            "--logit-cols and --logit-prefix exclude each other"},
        {"--input", "i.csv", "--output", "o",
            "csv input cannot hold a vector or an array: name the logit columns"},
        {"--input", "i", "--output", "o", "--properties-file", dir.resolve("none").toString(),
            "cannot read the --properties-file '" + dir.resolve("none") + "': no such file"},
        {"--input", "i", "--output", "o", "--properties-file", badKey.toString(),
            "unknown key 'temprature' in the --properties-file"},
        {"--input", "i", "--output", "o", "--properties-file", confKey.toString(),
            "unknown key 'conf' in the --properties-file"},
        {"--input", "i", "--output", "o", "--properties-file", sparkKey.toString(),
            "'spark.executor.memory' in the --properties-file '" + sparkKey + "' is a Spark"
            + " setting: give it with --conf spark.executor.memory=VALUE"},
        {"--input", "i", "--output", "o", "--conf", "conf/softmax-job.properties",
            "--conf takes a Spark setting KEY=VALUE, as spark-submit does, got"
            + " 'conf/softmax-job.properties'; the properties file of the job's flags is now"
            + " given with --properties-file FILE"},
        {"--input", "i", "--output", "o", "--conf", "temperature=2",
            "--conf takes a Spark setting, whose key starts with 'spark.', got 'temperature=2'"},
        {"--input", "i", "--output", "o", "--conf", "--verbose", "--conf needs a value"},
        {"--input", "i", "--output", "o", "--verbose", "--verbose", "--verbose is given twice"},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOf(c, c.length - 1);
      JobFailure failure = assertThrows(JobFailure.class, () -> JobOptions.parse(args),
          String.join(" ", args));
      assertEquals(JobFailure.USAGE, failure.exitCode());
      assertTrue(failure.getMessage().contains(c[c.length - 1]), failure.getMessage());
    }
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    String help = JobOptions.help();
    for (JobFlag flag : JobFlag.values()) {
      assertTrue(help.contains("--" + flag.key()), flag.key());
    }
    assertTrue(help.contains("--temperature T"), help);
    assertTrue(help.contains("(default probability)"), help);
    assertTrue(help.contains("--help"), help);
    assertTrue(help.contains("--version"), help);
    assertTrue(help.contains("--conf KEY=VALUE"), help);
    assertTrue(JobOptions.wantsHelp(new String[] {"--input", "x", "--help"}));
    assertFalse(JobOptions.wantsHelp(new String[] {"--input", "x"}));
    assertTrue(JobOptions.wantsVersion(new String[] {"--input", "x", "--version"}));
    assertFalse(JobOptions.wantsVersion(new String[] {"--input", "x", "--verbose"}));
  }

  private static JobOptions parse(String... args) {
    return JobOptions.parse(args);
  }
}
