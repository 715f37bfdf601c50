package io.raybridge.pipeline.util;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs a repeated condition at most once per interval and per key, so that a failing backend or a
 * flood of bad input produces a few lines instead of one per batch. Occurrences that were not
 * logged are counted and reported by the next line of the same key ({@code "... (37 similar
 * messages suppressed)"}).
 *
 * <pre>{@code
 * RateLimitedLogger warn = new RateLimitedLogger(logger, Duration.ofSeconds(10), clock);
 * warn.warn("export-failed", "export to {} failed, will retry", endpoint, e);
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe and non-blocking apart from the underlying logger; two threads
 * racing for the same key may both log once at the start of an interval, never more.
 */
public final class RateLimitedLogger {

  /** The interval used by {@link #of(Logger)}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private final Logger logger;
  private final long intervalMillis;
  private final Clock clock;
  private final ConcurrentMap<String, KeyState> keys = new ConcurrentHashMap<>();

  /**
   * @param logger where lines go
   * @param interval the minimum time between two lines of the same key; must be positive
   * @param clock the clock that measures the interval
   */
  public RateLimitedLogger(Logger logger, Duration interval, Clock clock) {
    this.logger = Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    this.intervalMillis = interval.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A logger with the {@link #DEFAULT_INTERVAL} on the system clock. */
  public static RateLimitedLogger of(Logger logger) {
    return new RateLimitedLogger(logger, DEFAULT_INTERVAL, Clock.systemUTC());
  }

  /** Logs at WARN unless {@code key} was logged within the interval; see {@link Logger#warn}. */
  public boolean warn(String key, String format, Object... args) {
    return log(Level.WARN, key, format, args);
  }

  /** Logs at ERROR unless {@code key} was logged within the interval. */
  public boolean error(String key, String format, Object... args) {
    return log(Level.ERROR, key, format, args);
  }

  /** Logs at INFO unless {@code key} was logged within the interval. */
  public boolean info(String key, String format, Object... args) {
    return log(Level.INFO, key, format, args);
  }

  /**
   * Logs {@code format} with {@code args} (SLF4J style; a trailing throwable is logged as the
   * exception) at {@code level}, unless a line with the same {@code key} was logged less than the
   * interval ago, in which case the occurrence is only counted.
   *
   * @return whether a line was written
   */
  public boolean log(Level level, String key, String format, Object... args) {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(format, "format");
    if (!logger.isEnabledForLevel(level)) {
      return false;
    }
    long suppressed = keys.computeIfAbsent(key, k -> new KeyState()).tryAcquire(clock.millis());
    if (suppressed < 0) {
      return false;
    }
    String line = suppressed == 0 ? format : format + " (" + suppressed + " similar suppressed)";
    logger.atLevel(level).log(line, args);
    return true;
  }

  /** The occurrences of {@code key} counted but not yet reported. */
  public long suppressed(String key) {
    KeyState state = keys.get(key);
    return state == null ? 0 : state.suppressedCount();
  }

  private final class KeyState {
    private long lastLoggedMillis = Long.MIN_VALUE;
    private long suppressed;

    /** -1 to suppress, otherwise the number suppressed since the last line (and resets it). */
    synchronized long tryAcquire(long now) {
      if (lastLoggedMillis != Long.MIN_VALUE && now - lastLoggedMillis < intervalMillis) {
        suppressed++;
        return -1;
      }
      lastLoggedMillis = now;
      long count = suppressed;
      suppressed = 0;
      return count;
    }

    synchronized long suppressedCount() {
      return suppressed;
    }
  }
}
