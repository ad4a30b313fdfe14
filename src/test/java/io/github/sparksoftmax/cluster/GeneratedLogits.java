package io.github.sparksoftmax.cluster;

import io.github.sparksoftmax.SoftmaxTransformer;
import java.nio.file.Path;

/**
 * The large input of a test run ({@code cluster.rows} generated rows of 10 logits), written once
 * and shared by the tests that score it, with the checksum that its scoring must have. That
 * checksum comes from {@link SoftmaxTransformer} with default params in the checking session: the
 * cluster must give the same rows, bit for bit, as one local JVM.
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
    Checksum expected = Checksum.of(
        new SoftmaxTransformer().transform(checking.spark.read().parquet(dir.toString())),
        "probability");
    System.out.printf("Generated %,d rows of logits in %s and their expected checksum in %.1f s.%n",
        settings.rows, dir, (System.nanoTime() - start) / 1e9);
    return new GeneratedLogits(dir, settings.rows, expected);
  }
}
