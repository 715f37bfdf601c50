package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingTargetsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "cccccccccccccccccccccccc";

  private final SamplingRules rules =
      SamplingRules.of(
          List.of(SamplingRule.matchAll("api", 1, 0.2, 5)), SamplingRule.defaultRule(1, 0.05));

  @Test
  void sharesTheReservoirAmongActiveClientsWithoutExceedingIt() {
    SamplingTargets targets = new SamplingTargets(rules);
    assertThat(targets.quota(A, "api", T0).orElseThrow().reservoirQuota()).isEqualTo(5);
    targets.quota(B, "api", T0);
    targets.quota(C, "api", T0);
    int a = targets.quota(A, "api", T0).orElseThrow().reservoirQuota();
    int b = targets.quota(B, "api", T0).orElseThrow().reservoirQuota();
    int c = targets.quota(C, "api", T0).orElseThrow().reservoirQuota();
    assertThat(List.of(a, b, c)).containsExactly(2, 2, 1);
    SamplingTarget t = targets.quota(A, "api", T0).orElseThrow();
    assertThat(t.fixedRate()).isEqualTo(0.2);
    assertThat(t.reservoirQuotaTtl()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(t.intervalSeconds()).isEqualTo(10);
  }

  @Test
  void clientsThatStopReportingLoseTheirShare() {
    SamplingTargets targets = new SamplingTargets(rules);
    targets.quota(A, "api", T0);
    targets.quota(B, "api", T0);
    Instant later = T0.plusSeconds(31);
    assertThat(targets.quota(A, "api", later).orElseThrow().reservoirQuota()).isEqualTo(5);
    assertThat(targets.activeClients("api", later)).containsExactly(A);
  }

  @Test
  void recordsReportedStatisticsPerRuleAndIgnoresUnknownRules() {
    SamplingTargets targets = new SamplingTargets(rules);
    assertThat(targets.report(new SamplingStatistics("api", A, T0, 10, 4, 1), T0)).isPresent();
    assertThat(targets.report(new SamplingStatistics("api", B, T0, 5, 1, 0), T0)).isPresent();
    assertThat(targets.report(new SamplingStatistics("nope", B, T0, 5, 1, 0), T0)).isEmpty();
    assertThat(targets.drainStatistics())
        .containsEntry("api", new RuleStatistics.Snapshot(15, 5, 1))
        .containsEntry("Default", new RuleStatistics.Snapshot(0, 0, 0));
    assertThat(targets.drainStatistics().get("api"))
        .isEqualTo(new RuleStatistics.Snapshot(0, 0, 0));
    assertThat(SamplingStatistics.isValidClientId(A)).isTrue();
    assertThat(SamplingStatistics.isValidClientId("xyz")).isFalse();
  }
}
