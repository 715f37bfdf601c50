package io.raybridge.pipeline.util;

import java.time.Duration;
import java.util.Objects;

/**
 * Renders durations the way config files write them ({@code 200ms}, {@code 5s}, {@code 2m}), so
 * that validation messages quote the user's value in the user's terms.
 */
public final class Durations {

  private Durations() {}

  /**
   * The shortest config spelling of {@code d} in a single unit: {@code 0s}, {@code 1h}, {@code 5m},
   * {@code 30s}, {@code 1500ms}, {@code 250us} or {@code 7ns}. Negative values keep their sign.
   */
  public static String format(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isZero()) {
      return "0s";
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos = d.getNano();
    long seconds = d.getSeconds();
    if (nanos == 0) {
      if (seconds % 3600 == 0) {
        return seconds / 3600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % 1_000_000 == 0) {
      return d.toMillis() + "ms";
    }
    if (nanos % 1_000 == 0) {
      return d.toNanos() / 1_000 + "us";
    }
    return d.toNanos() + "ns";
  }
}
