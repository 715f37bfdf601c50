package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RuleSamplerTest {

  private static final long T0 = 1_700_000_000_000L;

  private final SamplingRules rules =
      SamplingRules.of(
          List.of(
              new SamplingRule("health", 1, 0.01, 0, "*", "*", "*", "GET", "/health", "*", null, 1),
              new SamplingRule(
                  "payments",
                  2,
                  0.5,
                  3,
                  "payment-service",
                  "*",
                  "*",
                  "*",
                  "/payment/*",
                  "*",
                  null,
                  1)),
          SamplingRule.defaultRule(1, 0.05));

  @Test
  void spendsTheReservoirFirstThenAppliesTheRateOnTheTraceId() {
    RuleSampler sampler = new RuleSampler(rules);
    SamplingRequest payment = SamplingRequest.of("payment-service", "POST", "/payment/1");
    long neverByRate = 0; // randomness 0 is below every positive threshold
    for (int i = 0; i < 3; i++) {
      assertThat(sampler.decide(payment, neverByRate, T0 + i).outcome())
          .isEqualTo(SamplingDecision.Outcome.RESERVOIR);
    }
    assertThat(sampler.decide(payment, neverByRate, T0 + 3).outcome())
        .isEqualTo(SamplingDecision.Outcome.DROPPED);
    assertThat(sampler.decide(payment, TraceIdThreshold.MAX_THRESHOLD - 1, T0 + 4).outcome())
        .isEqualTo(SamplingDecision.Outcome.RATE);
    assertThat(sampler.decide(payment, neverByRate, T0 + 1000).outcome())
        .as("the next second refills the reservoir")
        .isEqualTo(SamplingDecision.Outcome.RESERVOIR);
    assertThat(sampler.statistics("payments").snapshot())
        .isEqualTo(new RuleStatistics.Snapshot(6, 5, 0));
  }

  @Test
  void rateDecisionsAgreeAcrossInstancesAndMatchTheRate() {
    RuleSampler a = new RuleSampler(rules);
    RuleSampler b = new RuleSampler(rules);
    SamplingRequest health = SamplingRequest.of("any", "GET", "/health");
    Random random = new Random(3);
    int n = 200_000;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      byte[] traceId = new byte[16];
      random.nextBytes(traceId);
      long r = TraceIdThreshold.randomness(traceId);
      boolean da = a.decide(health, r, T0).sampled();
      assertThat(b.decide(health, r, T0 + 12345).sampled()).isEqualTo(da);
      kept += da ? 1 : 0;
    }
    double expected = n * 0.01;
    double sigma = Math.sqrt(n * 0.01 * 0.99);
    assertThat((double) kept).isBetween(expected - 4 * sigma, expected + 4 * sigma);
  }

  @Test
  void thresholdsAreMonotonicInTheRate() {
    assertThat(TraceIdThreshold.threshold(1.0)).isZero();
    assertThat(TraceIdThreshold.threshold(0.0)).isEqualTo(TraceIdThreshold.MAX_THRESHOLD);
    assertThat(TraceIdThreshold.threshold(0.5)).isEqualTo(1L << 55);
    assertThat(TraceIdThreshold.threshold(0.25)).isEqualTo(3L << 54);
    byte[] id = new byte[16];
    id[9] = (byte) 0x80;
    assertThat(TraceIdThreshold.randomness(id)).isEqualTo(1L << 55);
    assertThat(TraceIdThreshold.passes(1L << 55, TraceIdThreshold.threshold(0.5))).isTrue();
    assertThat(TraceIdThreshold.passes((1L << 55) - 1, TraceIdThreshold.threshold(0.5))).isFalse();
  }
}
