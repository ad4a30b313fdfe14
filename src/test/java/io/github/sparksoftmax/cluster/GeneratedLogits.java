package io.github.sparksoftmax.cluster;

import java.nio.file.Path;

/**
 * The large input of a test run ({@code cluster.rows} generated rows of 10 logits), written once
 * and shared by the tests that score it, with its {@link Checksum}: the scored output must hold
 * exactly these rows.
 */
final class GeneratedLogits {
  final Path dir;
  final long rows;
  final Checksum expected;

  private GeneratedLogits(Path dir, long rows, Checksum expected) {
    this.dir = dir;
    this.rows = rows;
    this.expected = expected;
  }

  static GeneratedLogits write(CheckingSession checking, HarnessSettings settings) {
    Path dir = settings.workDir.resolve("input/logits");
    long start = System.nanoTime();
    ScoringInputs.writeLogits(checking.spark, settings.rows, dir);
    Checksum expected = Checksum.of(checking.spark.read().parquet(dir.toString()));
    System.out.printf("Generated %,d rows of logits in %s and their expected checksum in %.1f s.%n",
        settings.rows, dir, (System.nanoTime() - start) / 1e9);
    return new GeneratedLogits(dir, settings.rows, expected);
  }
}
