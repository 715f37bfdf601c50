package io.raybridge.pipeline.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ApiFixtures.CapturingLogger;
import io.raybridge.pipeline.ApiFixtures.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class RateLimitedLoggerTest {

  private final CapturingLogger logger = new CapturingLogger();
  private final ManualClock clock = new ManualClock();
  private final RateLimitedLogger limited =
      new RateLimitedLogger(logger, Duration.ofSeconds(10), clock);

  @Test
  void logsOncePerIntervalAndReportsWhatItSuppressed() {
    assertThat(limited.warn("k", "export failed: {}", "a")).isTrue();
    assertThat(limited.warn("k", "export failed: {}", "b")).isFalse();
    assertThat(limited.warn("k", "export failed: {}", "c")).isFalse();
    assertThat(limited.suppressed("k")).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(limited.warn("k", "export failed: {}", "d")).isTrue();

    assertThat(logger.at(Level.WARN))
        .containsExactly("export failed: a", "export failed: d (2 similar suppressed)");
    assertThat(limited.suppressed("k")).isZero();
  }

  @Test
  void keysAreIndependent() {
    limited.error("a", "first");
    limited.error("b", "second");
    limited.error("a", "again");
    assertThat(logger.at(Level.ERROR)).containsExactly("first", "second");
  }

  @Test
  void formatsDurationsInConfigTerms() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250us");
    assertThat(Durations.format(Duration.ofSeconds(-1))).isEqualTo("-1s");
  }
}
