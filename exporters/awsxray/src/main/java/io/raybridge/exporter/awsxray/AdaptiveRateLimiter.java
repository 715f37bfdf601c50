package io.raybridge.exporter.awsxray;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The AIMD budget of calls per second described in {@link RateLimitConfig}. Callers {@link
 * #acquire(Duration)} a slot before each call and report the outcome with {@link #onSuccess()} or
 * {@link #onThrottle()}. Slots are spaced {@code 1 / budget} apart (no bursts), which keeps the
 * rate smooth right after a throttle. Thread-safe.
 */
final class AdaptiveRateLimiter {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final boolean enabled;
  private final double min;
  private final double max;
  private final double increase;
  private final LongSupplier nanoTime;

  /** Calls per second allowed; {@code Double.POSITIVE_INFINITY} when unlimited. */
  private double budget;

  private long lastAdjust;
  private long nextSlot;
  private final long[] recentCalls = new long[2];
  private long recentWindow;

  AdaptiveRateLimiter(RateLimitConfig config, LongSupplier nanoTime) {
    this.enabled = config.enabled();
    this.min = config.minCallsPerSecond();
    this.max =
        config.maxCallsPerSecond() == 0 ? Double.POSITIVE_INFINITY : config.maxCallsPerSecond();
    this.increase = config.additiveIncrease();
    this.nanoTime = nanoTime;
    this.budget = max;
    this.lastAdjust = nanoTime.getAsLong();
    this.nextSlot = lastAdjust;
    this.recentWindow = lastAdjust / SECOND;
  }

  /**
   * Waits for the next slot, at most {@code maxWait}.
   *
   * @return false when the slot is further away than {@code maxWait} (nothing is reserved then)
   */
  boolean acquire(Duration maxWait) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      grow(now);
      countCall(now);
      if (Double.isInfinite(budget)) {
        return true;
      }
      long slot = Math.max(now, nextSlot);
      wait = slot - now;
      if (wait > maxWait.toNanos()) {
        return false;
      }
      nextSlot = slot + (long) (SECOND / budget);
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    return true;
  }

  /** A call went through: the budget may grow (additively, once per elapsed second). */
  synchronized void onSuccess() {
    grow(nanoTime.getAsLong());
  }

  /** A call was throttled: halve the budget, measured from the rate actually achieved. */
  synchronized void onThrottle() {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    double achieved = achievedRate(now);
    double base = Math.min(budget, Math.max(achieved, min));
    budget = Math.max(min, base / 2);
    lastAdjust = now;
  }

  /** The current budget in calls per second; infinite when unlimited. */
  synchronized double budget() {
    return budget;
  }

  private void grow(long now) {
    if (Double.isInfinite(budget)) {
      lastAdjust = now;
      return;
    }
    long elapsed = now - lastAdjust;
    if (elapsed >= SECOND) {
      long seconds = elapsed / SECOND;
      budget = Math.min(max, budget + seconds * increase);
      lastAdjust += seconds * SECOND;
    }
  }

  private void countCall(long now) {
    long window = now / SECOND;
    if (window != recentWindow) {
      recentCalls[0] = window == recentWindow + 1 ? recentCalls[1] : 0;
      recentCalls[1] = 0;
      recentWindow = window;
    }
    recentCalls[1]++;
  }

  /** Calls started in the last full second plus the current one, scaled to one second. */
  private double achievedRate(long now) {
    long window = now / SECOND;
    if (window != recentWindow) {
      return window == recentWindow + 1 ? recentCalls[1] : 0;
    }
    double fraction = (now % SECOND) / (double) SECOND;
    return recentCalls[0] * (1 - fraction) + recentCalls[1];
  }
}
