package io.github.sparksoftmax.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats the job reads and writes, named as Spark's data sources are. */
public enum DataFormat {
  PARQUET,
  ORC,
  JSON,
  CSV;

  /** The names users write, e.g. for error messages: "parquet, orc, json or csv". */
  public static final String NAMES = Arrays.stream(values()).map(DataFormat::sparkName)
      .collect(Collectors.joining(", ")).replaceFirst(", (\\w+)$", " or $1");

  /** The data source name, as {@code DataFrameReader.format} takes it. */
  public String sparkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named {@code name} (case-insensitive), or null. */
  public static DataFormat named(String name) {
    for (DataFormat format : values()) {
      if (format.sparkName().equalsIgnoreCase(name)) {
        return format;
      }
    }
    return null;
  }

  /**
   * The format a path's extension names ({@code scores.csv}, {@code scores.json.gz},
   * {@code data.orc/}), or parquet when the last path segment has no such extension.
   */
  public static DataFormat ofPath(String path) {
    String trimmed = path.replaceAll("/+$", "");
    String name = trimmed.substring(trimmed.lastIndexOf('/') + 1)
        .replaceFirst("\\.(gz|bz2|deflate|lz4|snappy|zst)$", "");
    DataFormat format = named(name.substring(name.lastIndexOf('.') + 1));
    return format == null || !name.contains(".") ? PARQUET : format;
  }
}
