package io.raybridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void parsesGoStyleDurations() {
    assertThat(GoDuration.parse("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(GoDuration.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(GoDuration.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
    assertThat(GoDuration.parse("10ns")).isEqualTo(Duration.ofNanos(10));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsTextThatIsNotADuration() {
    for (String bad : new String[] {"", "5", "1x", "s", "-1s", "1s2", "1 s", "soon"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid duration '" + bad + "'");
    }
  }

  @Test
  void formatsTheShortestTextThatParsesBack() {
    assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration d :
        new Duration[] {Duration.ofNanos(1), Duration.ofSeconds(3661, 5), Duration.ofHours(25)}) {
      assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
    }
  }
}
