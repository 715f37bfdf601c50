package io.raybridge.processor.tailsampling;

import static io.raybridge.processor.tailsampling.TestSpans.bool;
import static io.raybridge.processor.tailsampling.TestSpans.error;
import static io.raybridge.processor.tailsampling.TestSpans.num;
import static io.raybridge.processor.tailsampling.TestSpans.resource;
import static io.raybridge.processor.tailsampling.TestSpans.span;
import static io.raybridge.processor.tailsampling.TestSpans.str;
import static io.raybridge.processor.tailsampling.TestSpans.trace;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyEngineTest {

  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private final TestTelemetry telemetry = new TestTelemetry();

  private PolicyEngine engine(String yaml) {
    TailSamplingConfig c = ConfigFixtures.bind(TailSamplingConfig.class, yaml);
    return new PolicyEngine(
        c.policies(),
        c.sampleOnFirstMatch(),
        telemetry.component(ComponentKind.PROCESSOR, ComponentId.parse("tail_sampling")));
  }

  private static String keptBy(PolicyEngine e, TraceData t) {
    PolicyEngine.Outcome o = e.decide(t, NOW);
    return o.keep() ? (o.policy() >= 0 ? e.names().get(o.policy()) : "<all>") : null;
  }

  @Test
  void withoutPoliciesEveryTraceIsKept() {
    assertThat(engine("{}").decide(trace(span(1, 0).build()), NOW).keep()).isTrue();
  }

  @Test
  void alwaysSampleKeepsEverything() {
    PolicyEngine e = engine("policies: [{name: all, type: always_sample}]");
    assertThat(keptBy(e, trace(span(1, 0).build()))).isEqualTo("all");
  }

  @Test
  void latencyMeasuresEarliestStartToLatestEnd() {
    PolicyEngine e =
        engine("policies: [{name: slow, type: latency, latency: {threshold_ms: 100}}]");
    TraceData fast =
        trace(span(1, 0).setStartTimeUnixNano(0).setEndTimeUnixNano(99_000_000).build());
    TraceData slow =
        trace(
            span(2, 0).setStartTimeUnixNano(0).setEndTimeUnixNano(50_000_000).build(),
            span(2, 1).setStartTimeUnixNano(40_000_000).setEndTimeUnixNano(100_000_000).build());
    assertThat(keptBy(e, fast)).isNull();
    assertThat(keptBy(e, slow)).isEqualTo("slow");
  }

  @Test
  void latencyWithUpperThresholdIsAnOpenClosedRange() {
    PolicyEngine e =
        engine(
            "policies: [{name: mid, type: latency,"
                + " latency: {threshold_ms: 100, upper_threshold_ms: 200}}]");
    assertThat(keptBy(e, lasting(100))).isNull();
    assertThat(keptBy(e, lasting(150))).isEqualTo("mid");
    assertThat(keptBy(e, lasting(200))).isEqualTo("mid");
    assertThat(keptBy(e, lasting(201))).isNull();
  }

  private static TraceData lasting(long millis) {
    return trace(span(1, 0).setStartTimeUnixNano(0).setEndTimeUnixNano(millis * 1_000_000).build());
  }

  @Test
  void statusCodeMatchesAnySpan() {
    PolicyEngine e =
        engine(
            "policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]");
    assertThat(keptBy(e, trace(span(1, 0).build(), span(1, 1).build()))).isNull();
    assertThat(keptBy(e, trace(span(1, 0).build(), span(1, 1).setStatus(error()).build())))
        .isEqualTo("errors");
  }

  @Test
  void stringAttributeMatchesExactValuesOnSpansAndResources() {
    PolicyEngine e =
        engine(
            "policies: [{name: s, type: string_attribute,"
                + " string_attribute: {key: tier, values: [gold, platinum]}}]");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("tier", "gold")).build())))
        .isEqualTo("s");
    assertThat(keptBy(e, trace(resource("svc", str("tier", "platinum")), span(1, 0).build())))
        .isEqualTo("s");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("tier", "golden")).build()))).isNull();
    assertThat(keptBy(e, trace(span(1, 0).build()))).isNull();
  }

  @Test
  void stringAttributeRegexMatchesAnywhereUnlessAnchored() {
    PolicyEngine e =
        engine(
            "policies: [{name: r, type: string_attribute, string_attribute:"
                + " {key: url.path, values: ['^/api/v[0-9]+/', health], enabled_regex_matching:"
                + " true, cache_max_size: 2}}]");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("url.path", "/api/v2/x")).build())))
        .isEqualTo("r");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("url.path", "/x/api/v2/")).build())))
        .isNull();
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("url.path", "/healthz")).build())))
        .isEqualTo("r");
    // Served from the cache the second time; the answer must not change.
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("url.path", "/healthz")).build())))
        .isEqualTo("r");
  }

  @Test
  void invertedMatchKeepsOnlyWhenNoPolicySaysNotSampled() {
    // Alone, an inverted match that does not match keeps the trace...
    PolicyEngine alone =
        engine(
            "policies: [{name: not-health, type: string_attribute, string_attribute:"
                + " {key: url.path, values: [/health], invert_match: true}}]");
    assertThat(keptBy(alone, trace(span(1, 0).addAttributes(str("url.path", "/pay")).build())))
        .isEqualTo("not-health");
    assertThat(keptBy(alone, trace(span(1, 0).addAttributes(str("url.path", "/health")).build())))
        .isNull();
    // ...but a plain "not sampled" from another policy outweighs it, as the Collector documents.
    PolicyEngine withOther =
        engine(
            """
            policies:
              - {name: not-health, type: string_attribute,
                 string_attribute: {key: url.path, values: [/health], invert_match: true}}
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
            """);
    assertThat(keptBy(withOther, trace(span(1, 0).addAttributes(str("url.path", "/pay")).build())))
        .isNull();
    // An inverted "not sampled" drops even a trace another policy samples.
    assertThat(
            keptBy(
                withOther,
                trace(
                    span(1, 0)
                        .addAttributes(str("url.path", "/health"))
                        .setStatus(error())
                        .build())))
        .isNull();
  }

  @Test
  void numericAttributeIsAnInclusiveRangeWithOptionalBounds() {
    PolicyEngine e =
        engine(
            """
            policies:
              - {name: range, type: numeric_attribute,
                 numeric_attribute: {key: http.response.status_code, min_value: 500, max_value: 599}}
            """);
    assertThat(
            keptBy(
                e, trace(span(1, 0).addAttributes(num("http.response.status_code", 500)).build())))
        .isEqualTo("range");
    assertThat(
            keptBy(
                e, trace(span(1, 0).addAttributes(num("http.response.status_code", 599)).build())))
        .isEqualTo("range");
    assertThat(
            keptBy(
                e, trace(span(1, 0).addAttributes(num("http.response.status_code", 404)).build())))
        .isNull();
    PolicyEngine minOnly =
        engine(
            "policies: [{name: big, type: numeric_attribute,"
                + " numeric_attribute: {key: size, min_value: 10}}]");
    assertThat(
            keptBy(minOnly, trace(span(1, 0).addAttributes(num("size", Long.MAX_VALUE)).build())))
        .isEqualTo("big");
    PolicyEngine inverted =
        engine(
            "policies: [{name: small, type: numeric_attribute,"
                + " numeric_attribute: {key: size, max_value: 10, invert_match: true}}]");
    assertThat(keptBy(inverted, trace(span(1, 0).addAttributes(num("size", 5)).build()))).isNull();
    assertThat(keptBy(inverted, trace(span(1, 0).addAttributes(num("size", 50)).build())))
        .isEqualTo("small");
  }

  @Test
  void booleanAttributeMatchesTheValue() {
    PolicyEngine e =
        engine(
            "policies: [{name: forced, type: boolean_attribute,"
                + " boolean_attribute: {key: app.force_sample, value: true}}]");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(bool("app.force_sample", true)).build())))
        .isEqualTo("forced");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(bool("app.force_sample", false)).build())))
        .isNull();
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("app.force_sample", "true")).build())))
        .isNull();
  }

  @Test
  void probabilisticKeepsAboutThePercentageAndIsDeterministicPerTraceId() {
    PolicyEngine e =
        engine(
            "policies: [{name: ten, type: probabilistic, probabilistic: {sampling_percentage: 10}}]");
    PolicyEngine again =
        engine(
            "policies: [{name: ten, type: probabilistic, probabilistic: {sampling_percentage: 10}}]");
    int kept = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      TraceData t = trace(span(i, 0).build());
      boolean k = e.decide(t, NOW).keep();
      assertThat(again.decide(t, NOW).keep()).isEqualTo(k);
      kept += k ? 1 : 0;
    }
    // 10 % +- 5 standard deviations (sd = sqrt(n p (1-p)) = 42).
    assertThat(kept).isBetween(2000 - 212, 2000 + 212);
    PolicyEngine none =
        engine(
            "policies: [{name: z, type: probabilistic, probabilistic: {sampling_percentage: 0}}]");
    PolicyEngine all =
        engine(
            "policies: [{name: a, type: probabilistic, probabilistic: {sampling_percentage: 100}}]");
    for (int i = 0; i < 1000; i++) {
      assertThat(none.decide(trace(span(i, 0).build()), NOW).keep()).isFalse();
      assertThat(all.decide(trace(span(i, 0).build()), NOW).keep()).isTrue();
    }
  }

  @Test
  void probabilisticHashSaltChangesWhichTracesAreKept() {
    PolicyEngine a =
        engine(
            "policies: [{name: p, type: probabilistic, probabilistic: {sampling_percentage: 50}}]");
    PolicyEngine b =
        engine(
            "policies: [{name: p, type: probabilistic,"
                + " probabilistic: {sampling_percentage: 50, hash_salt: other}}]");
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      TraceData t = trace(span(i, 0).build());
      differ += a.decide(t, NOW).keep() != b.decide(t, NOW).keep() ? 1 : 0;
    }
    assertThat(differ).isGreaterThan(300);
  }

  @Test
  void rateLimitingSpendsSpansPerSecond() {
    PolicyEngine e =
        engine("policies: [{name: rl, type: rate_limiting, rate_limiting: {spans_per_second: 5}}]");
    TraceData three = trace(span(1, 0).build(), span(1, 1).build(), span(1, 2).build());
    assertThat(e.decide(three, NOW).keep()).isTrue();
    assertThat(e.decide(three, NOW + 10).keep()).isFalse(); // 3 + 3 > 5
    assertThat(e.decide(trace(span(2, 0).build(), span(2, 1).build()), NOW + 20).keep()).isTrue();
    assertThat(e.decide(three, NOW + 1000).keep()).as("a new second").isTrue();
  }

  @Test
  void spanCountIsAnInclusiveRange() {
    PolicyEngine e =
        engine(
            "policies: [{name: sc, type: span_count, span_count: {min_spans: 2, max_spans: 3}}]");
    assertThat(keptBy(e, trace(span(1, 0).build()))).isNull();
    assertThat(keptBy(e, trace(span(1, 0).build(), span(1, 1).build()))).isEqualTo("sc");
    assertThat(keptBy(e, trace(span(1, 0).build(), span(1, 1).build(), span(1, 2).build())))
        .isEqualTo("sc");
    assertThat(
            keptBy(
                e,
                trace(
                    span(1, 0).build(),
                    span(1, 1).build(),
                    span(1, 2).build(),
                    span(1, 3).build())))
        .isNull();
  }

  @Test
  void traceStateMatchesKeyAndValue() {
    PolicyEngine e =
        engine(
            "policies: [{name: ts, type: trace_state,"
                + " trace_state: {key: vendor, values: [keep, also]}}]");
    assertThat(keptBy(e, trace(span(1, 0).setTraceState("ot=th:0,vendor=keep").build())))
        .isEqualTo("ts");
    assertThat(keptBy(e, trace(span(1, 0).setTraceState("vendor=drop").build()))).isNull();
    assertThat(keptBy(e, trace(span(1, 0).build()))).isNull();
  }

  @Test
  void andNeedsEverySubPolicyAndNotInvertsOne() {
    PolicyEngine e =
        engine(
            """
            policies:
              - name: slow-checkout
                type: and
                and:
                  and_sub_policy:
                    - {name: svc, type: string_attribute,
                       string_attribute: {key: service.name, values: [checkout]}}
                    - {name: slow, type: latency, latency: {threshold_ms: 100}}
              - name: not-ok
                type: not
                not:
                  not_sub_policy: {name: ok, type: status_code, status_code: {status_codes: [OK, UNSET]}}
            """);
    assertThat(keptBy(e, lasting(150))).isEqualTo("slow-checkout");
    assertThat(
            keptBy(
                e,
                trace(resource("other"), span(1, 0).setEndTimeUnixNano(500_000_000_000L).build())))
        .isNull();
    assertThat(keptBy(e, lasting(10))).isNull();
    assertThat(keptBy(e, trace(span(1, 0).setStatus(error()).build()))).isEqualTo("not-ok");
  }

  @Test
  void dropWinsOverEverySample() {
    PolicyEngine e =
        engine(
            """
            policies:
              - {name: all, type: always_sample}
              - name: no-health
                type: drop
                drop:
                  drop_sub_policy:
                    - {name: health, type: string_attribute,
                       string_attribute: {key: url.path, values: [/health]}}
              - {name: rl, type: rate_limiting, rate_limiting: {spans_per_second: 1}}
            """);
    TraceData health = trace(span(1, 0).addAttributes(str("url.path", "/health")).build());
    assertThat(keptBy(e, health)).isNull();
    assertThat(keptBy(e, health)).isNull();
    // The dropped traces did not spend the rate limit's budget.
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_count_traces_sampled", "policy", "rl"))
        .isZero();
    assertThat(keptBy(e, trace(span(2, 0).addAttributes(str("url.path", "/pay")).build())))
        .isEqualTo("all");
    assertThat(
            telemetry.value(
                "otelcol_processor_tail_sampling_count_traces_sampled",
                Attributes.builder().put("policy", "no-health").put("decision", "dropped").build()))
        .isEqualTo(2);
  }

  @Test
  void sampleOnFirstMatchStopsAtTheFirstSampleButStillHonoursDrops() {
    PolicyEngine e =
        engine(
            """
            sample_on_first_match: true
            policies:
              - {name: first, type: always_sample}
              - {name: second, type: always_sample}
              - name: drop-debug
                type: drop
                drop:
                  drop_sub_policy:
                    - {name: dbg, type: boolean_attribute, boolean_attribute: {key: debug, value: true}}
            """);
    assertThat(keptBy(e, trace(span(1, 0).build()))).isEqualTo("first");
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_count_traces_sampled", "policy", "second"))
        .isZero();
    assertThat(keptBy(e, trace(span(2, 0).addAttributes(bool("debug", true)).build()))).isNull();
  }

  @Test
  void firstSamplingPolicyInListOrderIsRecorded() {
    PolicyEngine e =
        engine(
            """
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
              - {name: all, type: always_sample}
            """);
    assertThat(keptBy(e, trace(span(1, 0).setStatus(error()).build()))).isEqualTo("errors");
    assertThat(keptBy(e, trace(span(1, 0).build()))).isEqualTo("all");
  }

  @Test
  void compositeAllocatesSpanRatesInPolicyOrder() {
    PolicyEngine e =
        engine(
            """
            policies:
              - name: comp
                type: composite
                composite:
                  max_total_spans_per_second: 10
                  policy_order: [errors, rest]
                  composite_sub_policy:
                    - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
                    - {name: rest, type: always_sample}
                  rate_allocation:
                    - {policy: errors, percent: 30}
            """);
    TraceData err = trace(span(1, 0).setStatus(error()).build(), span(1, 1).build());
    TraceData ok = trace(span(2, 0).build(), span(2, 1).build());
    // errors may use 3 spans a second: one 2-span trace, not a second.
    assertThat(e.decide(err, NOW).keep()).isTrue();
    assertThat(e.decide(err, NOW).keep()).isFalse();
    // rest uses what is left of 10: 8 spans, four 2-span traces.
    for (int i = 0; i < 4; i++) {
      assertThat(e.decide(ok, NOW).keep()).as("ok trace %d", i).isTrue();
    }
    assertThat(e.decide(ok, NOW).keep()).isFalse();
    assertThat(e.decide(ok, NOW + 1000).keep()).as("next second").isTrue();
  }

  @Test
  void xrayRuleKeepsErrorsOfMatchingTracesAndRateSamplesTheRest() {
    PolicyEngine e =
        engine(
            """
            policies:
              - name: payments
                type: xray_rule
                xray_rule:
                  service_name: payment-service
                  url_path: /payment/*
                  http_method: POST
                  fixed_rate: 0.0
                  reservoir_size: 1
            """);
    TraceData failed =
        trace(
            resource("payment-service"),
            span(1, 0)
                .addAttributes(str("http.request.method", "POST"))
                .addAttributes(str("url.path", "/payment/42"))
                .addAttributes(num("http.response.status_code", 503))
                .build());
    TraceData fine =
        trace(
            resource("payment-service"),
            span(2, 0)
                .addAttributes(str("http.request.method", "POST"))
                .addAttributes(str("url.path", "/payment/43"))
                .build());
    TraceData elsewhere =
        trace(
            resource("payment-service"),
            span(3, 0)
                .addAttributes(str("http.request.method", "GET"))
                .addAttributes(str("url.path", "/cart"))
                .setStatus(error())
                .build());
    // Errors do not spend the reservoir.
    assertThat(keptBy(e, failed)).isEqualTo("payments");
    assertThat(keptBy(e, failed)).isEqualTo("payments");
    // One per second from the reservoir, then fixed_rate 0.
    assertThat(keptBy(e, fine)).isEqualTo("payments");
    assertThat(keptBy(e, fine)).isNull();
    assertThat(e.decide(fine, NOW + 1000).keep()).isTrue();
    // Not matched: the inline rule abstains, even for an error.
    assertThat(keptBy(e, elsewhere)).isNull();
  }

  @Test
  void xrayRuleFixedRateIsAThresholdOnTheTraceId() {
    PolicyEngine e =
        engine(
            "policies: [{name: half, type: xray_rule,"
                + " xray_rule: {fixed_rate: 0.5, sample_errors: false}}]");
    int kept = 0;
    for (int i = 0; i < 10_000; i++) {
      kept += e.decide(trace(span(i, 0).build()), NOW).keep() ? 1 : 0;
    }
    assertThat(kept).isBetween(5000 - 250, 5000 + 250);
  }

  @Test
  void xrayRuleReadsTheSharedRuleFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.json");
    Files.writeString(
        file,
        """
        {"version": 2,
         "rules": [{"description": "health", "host": "*", "http_method": "*",
                    "url_path": "/health*", "fixed_target": 0, "rate": 0.0}],
         "default": {"fixed_target": 0, "rate": 1.0}}
        """);
    PolicyEngine e =
        engine(
            "policies: [{name: rules, type: xray_rule, xray_rule: {rules_file: '"
                + file
                + "', sample_errors: true}}]");
    assertThat(keptBy(e, trace(span(1, 0).addAttributes(str("url.path", "/health")).build())))
        .isNull();
    assertThat(
            keptBy(
                e,
                trace(
                    span(1, 0)
                        .addAttributes(str("url.path", "/health"))
                        .setStatus(error())
                        .build())))
        .isEqualTo("rules");
    assertThat(keptBy(e, trace(span(2, 0).addAttributes(str("url.path", "/pay")).build())))
        .isEqualTo("rules");
  }
}
