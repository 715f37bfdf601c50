package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReservoirTest {

  @Test
  void grantsAtMostTheQuotaInEachCalendarSecond() {
    Reservoir r = new Reservoir(2);
    long t = 1_700_000_000_000L;
    assertThat(r.tryTake(t)).isTrue();
    assertThat(r.tryTake(t + 500)).isTrue();
    assertThat(r.tryTake(t + 999)).isFalse();
    assertThat(r.tryTake(t + 1000)).as("a new second").isTrue();
    assertThat(r.tryTake(t + 1001)).isTrue();
    assertThat(r.tryTake(t + 1002)).isFalse();
    assertThat(r.tryTake(t + 5000)).isTrue();
  }

  @Test
  void aClockGoingBackwardsGetsNoFreshQuota() {
    Reservoir r = new Reservoir(1);
    long t = 1_700_000_005_000L;
    assertThat(r.tryTake(t)).isTrue();
    assertThat(r.tryTake(t - 2000)).isFalse();
  }

  @Test
  void zeroQuotaGrantsNothing() {
    assertThat(new Reservoir(0).tryTake(0)).isFalse();
  }
}
