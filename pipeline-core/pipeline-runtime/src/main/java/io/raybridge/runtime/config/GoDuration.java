package io.raybridge.runtime.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way the OTel Collector writes them (Go's {@code time.ParseDuration}): a
 * sequence of decimal numbers, each with a unit, such as {@code 200ms}, {@code 1.5s} or {@code
 * 1h30m}. Units are {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m} and
 * {@code h}; a bare {@code 0} is allowed. Negative durations are rejected: no setting needs one.
 */
public final class GoDuration {

  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final String EXPECTED =
      "expected a number with a unit (ns, us, ms, s, m, h) such as 200ms, 1s, 5m or 1h30m";

  private GoDuration() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message in YAML terms when {@code text} is not a
   *     duration
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("invalid duration '': " + EXPECTED);
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("invalid duration '" + text + "': " + EXPECTED);
      }
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      at = m.end();
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "': too large", e);
    }
  }

  /** Formats {@code d} as the shortest Go-style text that parses back to it ({@code 1h30m}). */
  public static String format(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (d.isNegative()) {
      out.append('-');
      d = d.negated();
    }
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    int seconds = d.toSecondsPart();
    int nanos = d.toNanosPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0 || (nanos > 0 && (hours > 0 || minutes > 0))) {
      out.append(seconds);
      if (nanos > 0) {
        out.append('.').append(trimZeros(String.format("%09d", nanos)));
      }
      out.append('s');
    } else if (nanos > 0) {
      if (nanos % 1_000_000 == 0) {
        out.append(nanos / 1_000_000).append("ms");
      } else if (nanos % 1_000 == 0) {
        out.append(nanos / 1_000).append("us");
      } else {
        out.append(nanos).append("ns");
      }
    }
    return out.toString();
  }

  private static String trimZeros(String digits) {
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalStateException("unit " + unit);
    };
  }
}
