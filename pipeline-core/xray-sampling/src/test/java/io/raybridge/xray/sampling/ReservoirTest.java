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
  void aClockGoingBackwardsWithinOrAcrossSecondsSpendsTheCurrentQuota() {
    Reservoir r = new Reservoir(2);
    long t = 1_700_000_005_500L;
    assertThat(r.tryTake(t)).isTrue();
    assertThat(r.tryTake(t - 400)).as("earlier in the same second").isTrue();
    assertThat(r.tryTake(t - 501)).as("the second before").isFalse();
    assertThat(r.tryTake(t + 499)).as("the same second, spent").isFalse();
    assertThat(r.tryTake(t + 500)).as("the next second").isTrue();
  }

  @Test
  void countsSecondsBeforeTheEpochByFloor() {
    Reservoir r = new Reservoir(1);
    assertThat(r.tryTake(-1)).isTrue();
    assertThat(r.tryTake(-1000)).as("the same second, [-1000, -1]").isFalse();
    assertThat(r.tryTake(0)).as("the next second").isTrue();
  }

  @Test
  void zeroQuotaGrantsNothing() {
    assertThat(new Reservoir(0).tryTake(0)).isFalse();
  }
}
