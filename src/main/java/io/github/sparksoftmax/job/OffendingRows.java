package io.github.sparksoftmax.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.Seq;

/**
 * Finds the first row of the input that a data error is about, so that the error line can show
 * it; run on the failure path only, as one or two more queries. A CSV row is named by its file and
 * its data row number (the Nth record after the header, counted from 1); any other row by the
 * values of the input's first three columns. Either way the values of the columns the error is
 * about follow.
 */
final class OffendingRows {
  private static final Logger LOG = LoggerFactory.getLogger(OffendingRows.class);
  private static final int IDENTIFYING_COLUMNS = 3;
  /** Longer values (a wide vector) are cut, so that the error stays one readable line. */
  private static final int MAX_VALUE_CHARS = 80;

  private OffendingRows() {}

  /**
   * The first offending row, e.g. {@code data row 4 of /data/logits.csv, logit_dog=null} or
   * {@code id=5, image=img-5, logits=[NaN,1.0,2.0,3.0]}; empty if there is none or it cannot be
   * read.
   *
   * @param input the input as read
   * @param format its format
   * @param derive what the job does to the input before {@code offending} applies to it
   * @param offending true on a row the error is about
   * @param shown the columns the error is about, whose values are shown
   */
  static Optional<String> describeFirst(Dataset<Row> input, DataFormat format,
      UnaryOperator<Dataset<Row>> derive, Column offending, List<String> shown) {
    try {
      return format == DataFormat.CSV ? inCsvFile(input, derive, offending, shown)
          : byValues(input, derive, offending, shown);
    } catch (RuntimeException e) {
      LOG.info("Cannot find the offending row", e);
      return Optional.empty();
    }
  }

  private static Optional<String> byValues(Dataset<Row> input, UnaryOperator<Dataset<Row>> derive,
      Column offending, List<String> shown) {
    List<String> columns = Stream.concat(
            Arrays.stream(input.columns()).limit(IDENTIFYING_COLUMNS), shown.stream())
        .distinct().collect(Collectors.toList());
    return derive.apply(input).filter(offending).select(columns(columns)).limit(1)
        .collectAsList().stream().findFirst().map(row -> values(row, 0, columns));
  }

  /** The file and the data row number, found by reading that file again, in order. */
  private static Optional<String> inCsvFile(Dataset<Row> input, UnaryOperator<Dataset<Row>> derive,
      Column offending, List<String> shown) {
    List<Row> files = derive.apply(input).filter(offending)
        .select(functions.input_file_name()).limit(1).collectAsList();
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Path file = path(files.get(0).getString(0));
    Dataset<Row> rows = derive.apply(InputReader.readFile(input.sparkSession(), DataFormat.CSV,
        file.toString(), input.schema()));
    List<Column> columns = new ArrayList<>(List.of(offending));
    columns.addAll(Arrays.asList(columns(shown)));
    List<Tuple2<Row, Long>> first = rows.select(columns.toArray(new Column[0])).javaRDD()
        .zipWithIndex().filter(row -> !row._1().isNullAt(0) && row._1().getBoolean(0)).take(1);
    return first.stream().findFirst().map(row -> "data row " + (row._2() + 1) + " of "
        + shownPath(file) + (shown.isEmpty() ? "" : ", " + values(row._1(), 1, shown)));
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(LogitsSource::column).toArray(Column[]::new);
  }

  /** {@code name=value, ...} for the row's fields from {@code from} on, named by {@code names}. */
  private static String values(Row row, int from, List<String> names) {
    StringJoiner values = new StringJoiner(", ");
    for (int i = from; i < row.size(); i++) {
      Object value = row.get(i);
      String text = value instanceof Seq ? ((Seq<?>) value).mkString("[", ",", "]")
          : String.valueOf(value);
      values.add(names.get(i - from) + "=" + (text.length() <= MAX_VALUE_CHARS ? text
          : text.substring(0, MAX_VALUE_CHARS) + "..."));
    }
    return values.toString();
  }

  /** The path of {@code input_file_name()}, which Spark gives URL-encoded. */
  private static Path path(String fileName) {
    try {
      return new Path(new URI(fileName));
    } catch (URISyntaxException e) {
      return new Path(fileName);
    }
  }

  /** A local file as a plain path, any other as its URI. */
  private static String shownPath(Path file) {
    URI uri = file.toUri();
    return "file".equals(uri.getScheme()) ? uri.getPath() : file.toString();
  }
}
