package io.github.sparksoftmax.cluster;

import java.nio.file.Path;

/**
 * The medium input of a test run: 200,000 generated rows of 10 logits as 20 parquet files of
 * 10,000 rows, with the logits both as {@code logits array<double>} and as {@code features}, an
 * ML vector. Written once and shared by the tests that need many small tasks or files that
 * arrive one by one, with its {@link Checksum}.
 */
final class LogitFiles {
  static final long ROWS = 200_000;
  static final int FILES = 20;

  final Path dir;
  final Checksum expected;

  private LogitFiles(Path dir, Checksum expected) {
    this.dir = dir;
    this.expected = expected;
  }

  static LogitFiles write(CheckingSession checking, HarnessSettings settings) {
    Path dir = settings.workDir.resolve("input/logit-files");
    long start = System.nanoTime();
    ScoringInputs.writeLogitsAndVectors(checking.spark, ROWS, FILES, dir);
    Checksum expected = Checksum.of(checking.spark.read().parquet(dir.toString()));
    System.out.printf("Generated %,d rows of logits in %d files in %s and their checksum in %.1f"
        + " s.%n", ROWS, FILES, dir, (System.nanoTime() - start) / 1e9);
    return new LogitFiles(dir, expected);
  }
}
