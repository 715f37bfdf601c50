package io.raybridge.processor.headsampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.sampling.SamplingRules;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeadSamplerTest {

  private static final String RATE_RULES =
      """
      rules:
        - rule_name: health
          http_method: GET
          url_path: /health
          fixed_rate: 0.01
        - rule_name: payments
          service_name: payment-service
          url_path: /payment/*
          fixed_rate: 0.5
      default: { fixed_rate: 0.1, reservoir_size: 0 }
      """;

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final List<HeadSampler> created = new ArrayList<>();

  @AfterEach
  void shutDown() {
    created.forEach(s -> s.shutdown(Duration.ofSeconds(1)));
  }

  private HeadSampler sampler(String yaml, TracesSink sink) {
    HeadSamplingConfig config = ConfigFixtures.bind(HeadSamplingConfig.class, yaml);
    SamplingRules rules;
    try {
      rules = config.samplingRules();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    HeadSampler s =
        new HeadSampler(
            TestSettings.builder(ComponentKind.PROCESSOR, "head_sampling")
                .clock(clock)
                .telemetry(telemetry)
                .build(),
            config,
            rules,
            sink);
    created.add(s);
    return s;
  }

  private static List<TestTraces.Trace> mixedTraces(Random random, int n) {
    List<TestTraces.Trace> traces = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int spans = 5 + random.nextInt(46);
      traces.add(
          switch (i % 3) {
            case 0 -> TestTraces.trace(random, "cart", "GET", "/health", spans);
            case 1 -> TestTraces.trace(random, "payment-service", "POST", "/payment/" + i, spans);
            default -> TestTraces.trace(random, "cart", "POST", "/cart/" + i, spans);
          });
    }
    return traces;
  }

  @Test
  void keepsWholeTracesAtEachRulesRateAndTwoInstancesAgree() {
    Random random = new Random(5);
    List<TestTraces.Trace> traces = mixedTraces(random, 10_000);
    List<Traces> batches = TestTraces.shuffledBatches(random, traces, 400);
    TracesSink sinkA = new TracesSink();
    TracesSink sinkB = new TracesSink();
    HeadSampler a = sampler(RATE_RULES, sinkA);
    HeadSampler b = sampler(RATE_RULES, sinkB);
    batches.forEach(a::consume);
    for (int i = batches.size() - 1; i >= 0; i--) {
      b.consume(batches.get(i));
    }
    assertThat(a.heldTraceCount()).as("traces still waiting for their entry span").isZero();
    assertThat(b.heldTraceCount()).isZero();

    Map<ByteString, Integer> keptA = countByTrace(sinkA.spans());
    assertThat(countByTrace(sinkB.spans())).isEqualTo(keptA);
    Map<String, int[]> perPath = new HashMap<>(); // path kind -> {traces, kept}
    for (TestTraces.Trace t : traces) {
      Integer kept = keptA.get(t.traceId());
      assertThat(kept == null || kept == t.spans().size())
          .as("trace %s kept %s of %s spans", t.traceId(), kept, t.spans().size())
          .isTrue();
      int[] c = perPath.computeIfAbsent(t.path().replaceAll("/[0-9]+$", ""), k -> new int[2]);
      c[0]++;
      c[1] += kept == null ? 0 : 1;
    }
    assertWithinFourSigma(perPath.get("/health"), 0.01);
    assertWithinFourSigma(perPath.get("/payment"), 0.5);
    assertWithinFourSigma(perPath.get("/cart"), 0.1);

    for (Span s : sinkA.spans()) {
      String rule = TestTraces.attribute(s, "sampling.rule");
      assertThat(rule).isIn("health", "payments", "Default");
    }
    String matched = "otelcol_processor_head_sampling_rule_matched_traces";
    assertThat(telemetry.counterValue(matched, "rule", "payments")).isEqualTo(2 * 3333);
    assertThat(
            telemetry.counterValue(
                    "otelcol_processor_head_sampling_rule_sampled_by_rate_traces",
                    "rule",
                    "payments")
                + telemetry.counterValue(
                    "otelcol_processor_head_sampling_rule_dropped_traces", "rule", "payments"))
        .isEqualTo(2 * 3333);
  }

  private static void assertWithinFourSigma(int[] counts, double rate) {
    double n = counts[0];
    double sigma = Math.sqrt(n * rate * (1 - rate));
    assertThat((double) counts[1])
        .as("traces kept of %s at rate %s", counts[0], rate)
        .isBetween(n * rate - 4 * sigma, n * rate + 4 * sigma);
  }

  @Test
  void reservoirIsHonouredInEachSecond() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler(
            """
            rules:
              - { rule_name: api, url_path: "/api/*", fixed_rate: 0.0, reservoir_size: 5 }
            default: { fixed_rate: 0.0, reservoir_size: 0 }
            """,
            sink);
    Random random = new Random(8);
    List<Integer> keptPerSecond = new ArrayList<>();
    for (int second = 0; second < 10; second++) {
      List<TestTraces.Trace> traces = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        traces.add(TestTraces.trace(random, "svc", "GET", "/api/" + i, 5 + random.nextInt(46)));
      }
      long before = countByTrace(sink.spans()).size();
      TestTraces.shuffledBatches(random, traces, 50).forEach(s::consume);
      keptPerSecond.add((int) (countByTrace(sink.spans()).size() - before));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(keptPerSecond).containsOnly(5);
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_head_sampling_rule_sampled_by_reservoir_traces", "rule", "api"))
        .isEqualTo(50);
  }

  @Test
  void spansWaitForTheEntrySpanAndThenFollowItsDecision() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler(
            """
            rules:
              - { rule_name: payments, url_path: "/payment/*", fixed_rate: 1.0 }
            default: { fixed_rate: 0.0, reservoir_size: 0 }
            """,
            sink);
    TestTraces.Trace t = TestTraces.trace(new Random(1), "svc", "POST", "/payment/1", 4);
    s.consume(TestTraces.batch(t.spans().subList(1, 3)));
    assertThat(sink.spans()).isEmpty();
    assertThat(s.heldTraceCount()).isEqualTo(1);
    s.consume(TestTraces.batch(t.spans().subList(0, 1)));
    assertThat(sink.spans()).hasSize(3);
    s.consume(TestTraces.batch(t.spans().subList(3, 4)));
    assertThat(sink.spans()).hasSize(4);
    assertThat(sink.spans())
        .allSatisfy(
            sp -> assertThat(TestTraces.attribute(sp, "sampling.rule")).isEqualTo("payments"));
    assertThat(s.heldTraceCount()).isZero();
  }

  @Test
  void holdEndsAfterMaxHoldAndTheDefaultRuleDecides() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler(
            """
            rules:
              - { rule_name: never, url_path: "*", fixed_rate: 0.0 }
            default: { fixed_rate: 1.0, reservoir_size: 0 }
            max_hold: 2s
            """,
            sink);
    TestTraces.Trace t = TestTraces.trace(new Random(2), "svc", "GET", "/x", 3);
    s.consume(TestTraces.batch(t.spans().subList(1, 3)));
    clock.advance(Duration.ofMillis(1999));
    s.tick();
    assertThat(sink.spans()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    s.tick();
    assertThat(sink.spans()).hasSize(2);
    assertThat(TestTraces.attribute(sink.spans().get(0), "sampling.rule")).isEqualTo("Default");
    // The entry span arrives late: it follows the decision already taken, not its own rule.
    s.consume(TestTraces.batch(t.spans().subList(0, 1)));
    assertThat(sink.spans()).hasSize(3);
    assertThat(telemetry.counterValue("otelcol_processor_head_sampling_hold_expired_traces"))
        .isEqualTo(1);
  }

  @Test
  void timerThreadEndsHolds() throws Exception {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler("default: { fixed_rate: 1.0, reservoir_size: 0 }\nmax_hold: 100ms", sink);
    s.start();
    TestTraces.Trace t = TestTraces.trace(new Random(3), "svc", "GET", "/x", 3);
    s.consume(TestTraces.batch(t.spans().subList(1, 3)));
    clock.advance(Duration.ofSeconds(1));
    Poll.await(() -> sink.spanCount() == 2, Duration.ofSeconds(10), () -> "held spans released");
  }

  @Test
  void byteBudgetDecidesTheOldestWaitingTracesEarly() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler("default: { fixed_rate: 1.0, reservoir_size: 0 }\nmax_hold_bytes: 4000", sink);
    Random random = new Random(4);
    List<TestTraces.Trace> traces = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      traces.add(TestTraces.trace(random, "svc", "GET", "/x", 10));
    }
    for (TestTraces.Trace t : traces) {
      s.consume(TestTraces.batch(t.spans().subList(1, 10)));
      assertThat(telemetry.gaugeValue("otelcol_processor_head_sampling_held_bytes"))
          .as("held bytes after %s", t.traceId())
          .hasValueSatisfying(v -> assertThat(v).isBetween(1L, 4000L));
    }
    long evicted = telemetry.counterValue("otelcol_processor_head_sampling_hold_evicted_traces");
    assertThat(evicted).isPositive();
    assertThat(sink.spanCount()).isEqualTo(evicted * 9);
    // The oldest traces were decided first.
    assertThat(countByTrace(sink.spans())).containsKey(traces.get(0).traceId());
  }

  @Test
  void shutdownDecidesAndFlushesWaitingSpans() {
    TracesSink sink = new TracesSink();
    HeadSampler s = sampler("default: { fixed_rate: 1.0, reservoir_size: 0 }", sink);
    TestTraces.Trace t = TestTraces.trace(new Random(6), "svc", "GET", "/x", 5);
    s.consume(TestTraces.batch(t.spans().subList(1, 5)));
    assertThat(sink.spans()).isEmpty();
    s.shutdown(Duration.ofSeconds(1));
    assertThat(sink.spans()).hasSize(4);
  }

  @Test
  void spansArrivingAfterShutdownAreNotHeldForever() {
    TracesSink sink = new TracesSink();
    HeadSampler s = sampler("default: { fixed_rate: 1.0, reservoir_size: 0 }", sink);
    s.shutdown(Duration.ofSeconds(1));
    TestTraces.Trace t = TestTraces.trace(new Random(11), "svc", "GET", "/x", 3);
    s.consume(TestTraces.batch(t.spans().subList(1, 3)));
    assertThat(s.heldTraceCount()).isZero();
    assertThat(sink.spans()).hasSize(2);
  }

  @Test
  void respectsTheUpstreamThresholdWhenAsked() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler(
            "default: { fixed_rate: 0.0, reservoir_size: 0 }\nrespect_parent_decision: true", sink);
    Random random = new Random(7);
    List<TestTraces.ServiceSpan> entries = new ArrayList<>();
    for (String low : List.of("f0", "10")) {
      TestTraces.Trace t = TestTraces.trace(random, "svc", "GET", "/x", 1);
      byte[] id = t.traceId().toByteArray();
      id[9] = (byte) Integer.parseInt(low, 16);
      Span entry =
          t.spans().get(0).span().toBuilder()
              .setTraceId(ByteString.copyFrom(id))
              .setParentSpanId(TestTraces.randomId(random, 8))
              .setTraceState("ot=th:8")
              .build();
      entries.add(new TestTraces.ServiceSpan("svc", entry));
    }
    s.consume(TestTraces.batch(entries));
    assertThat(sink.spans())
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.getTraceId().byteAt(9)).isEqualTo((byte) 0xf0);
              assertThat(TestTraces.attribute(sp, "sampling.rule")).isEqualTo("parent");
            });
  }

  @Test
  void ignoresUpstreamDecisionsByDefault() {
    TracesSink sink = new TracesSink();
    HeadSampler s = sampler("default: { fixed_rate: 0.0, reservoir_size: 0 }", sink);
    Random random = new Random(9);
    TestTraces.Trace t = TestTraces.trace(random, "svc", "GET", "/x", 1);
    Span entry =
        t.spans().get(0).span().toBuilder()
            .setParentSpanId(TestTraces.randomId(random, 8))
            .setTraceState("ot=th:0")
            .setFlags(0x301)
            .build();
    s.consume(TestTraces.batch(List.of(new TestTraces.ServiceSpan("svc", entry))));
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void decisionCacheIsBounded() {
    TracesSink sink = new TracesSink();
    HeadSampler s =
        sampler("default: { fixed_rate: 1.0, reservoir_size: 0 }\ndecision_cache_size: 2", sink);
    Random random = new Random(10);
    List<TestTraces.Trace> traces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestTraces.Trace t = TestTraces.trace(random, "svc", "GET", "/x", 2);
      traces.add(t);
      s.consume(TestTraces.batch(t.spans().subList(0, 1)));
    }
    // The first trace's decision was evicted; its late span waits again rather than passing.
    s.consume(TestTraces.batch(traces.get(0).spans().subList(1, 2)));
    assertThat(s.heldTraceCount()).isEqualTo(1);
    s.consume(TestTraces.batch(traces.get(2).spans().subList(1, 2)));
    assertThat(sink.spanCount()).isEqualTo(4);
  }

  private static Map<ByteString, Integer> countByTrace(List<Span> spans) {
    Map<ByteString, Integer> out = new HashMap<>();
    for (Span s : spans) {
      out.merge(s.getTraceId(), 1, Integer::sum);
    }
    return out;
  }
}
