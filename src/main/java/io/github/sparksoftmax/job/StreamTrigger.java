package io.github.sparksoftmax.job;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.streaming.Trigger;

/**
 * When a stream ({@code --stream}) starts its batches, as {@code --trigger} names it: {@code
 * available-now} scores the files present at the start, in as many batches as it takes, and ends
 * the job; an interval ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}) runs until the job is
 * stopped, starting a batch at most once per interval, and only when files have arrived.
 */
final class StreamTrigger {
  /** The value of {@code --trigger} that ends the job once the files present are scored. */
  static final String AVAILABLE_NOW = "available-now";
  private static final Pattern INTERVAL = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Map<String, TimeUnit> UNITS = Map.of("ms", TimeUnit.MILLISECONDS,
      "s", TimeUnit.SECONDS, "m", TimeUnit.MINUTES, "h", TimeUnit.HOURS);

  private StreamTrigger() {}

  /** The trigger that {@code value} names, or null if it names none. */
  static Trigger parse(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (text.equals(AVAILABLE_NOW)) {
      return Trigger.AvailableNow();
    }
    Matcher interval = INTERVAL.matcher(text);
    if (!interval.matches()) {
      return null;
    }
    return Trigger.ProcessingTime(Long.parseLong(interval.group(1)),
        UNITS.get(interval.group(2)));
  }
}
