package io.github.sparksoftmax;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the tests see of a folder: the names in it, to compare with what a job should leave. */
public final class Folders {
  private Folders() {}

  /** The names of the entries of {@code folder}, hidden ones included, sorted. */
  public static List<String> names(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.map(entry -> entry.getFileName().toString()).sorted()
          .collect(Collectors.toList());
    }
  }
}
