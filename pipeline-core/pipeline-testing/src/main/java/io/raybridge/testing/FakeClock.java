package io.raybridge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when a test says so. Thread-safe: components may read it from their own
 * threads while the test advances it.
 */
public final class FakeClock extends Clock {

  /** Where every new fake clock starts: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private volatile Instant now;

  public FakeClock() {
    this(DEFAULT_START);
  }

  public FakeClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Moves the clock forward by {@code d} (which must not be negative). */
  public synchronized FakeClock advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + d);
    }
    now = now.plus(d);
    return this;
  }

  /** Sets the clock to {@code instant}. */
  public synchronized FakeClock set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** The same clock: a fake clock is always UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "FakeClock[" + now + "]";
  }
}
