package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  private AdaptiveRateLimiter limiter(Double max) {
    return new AdaptiveRateLimiter(new RateLimitConfig(null, 1.0, max, 2.0), now::get);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void isUnlimitedUntilTheFirstThrottle() throws Exception {
    AdaptiveRateLimiter l = limiter(null);
    for (int i = 0; i < 1000; i++) {
      assertThat(l.acquire(Duration.ZERO)).isTrue();
    }
    assertThat(l.budget()).isInfinite();
  }

  @Test
  void halvesFromTheAchievedRateOnThrottleAndGrowsAdditively() throws Exception {
    AdaptiveRateLimiter l = limiter(null);
    for (int i = 0; i < 40; i++) {
      l.acquire(Duration.ZERO);
    }
    l.onThrottle();
    double afterFirst = l.budget();
    assertThat(afterFirst).isBetween(19.0, 21.0);

    l.onThrottle();
    assertThat(l.budget()).isBetween(afterFirst / 2 - 0.01, afterFirst / 2 + 0.01);

    double throttled = l.budget();
    advance(Duration.ofSeconds(3));
    l.onSuccess();
    assertThat(l.budget()).isEqualTo(throttled + 6);
  }

  @Test
  void neverFallsBelowTheFloorNorRisesAboveTheCeiling() {
    AdaptiveRateLimiter l = limiter(10.0);
    for (int i = 0; i < 20; i++) {
      l.onThrottle();
    }
    assertThat(l.budget()).isEqualTo(1.0);
    advance(Duration.ofSeconds(100));
    l.onSuccess();
    assertThat(l.budget()).isEqualTo(10.0);
  }

  @Test
  void refusesASlotFurtherAwayThanTheCallerCanWait() throws Exception {
    AdaptiveRateLimiter l = limiter(null);
    l.onThrottle();
    assertThat(l.budget()).isEqualTo(1.0);
    assertThat(l.acquire(Duration.ZERO)).isTrue();
    assertThat(l.acquire(Duration.ofMillis(10))).isFalse();
  }
}
