package io.raybridge.processor.tailsampling;

import static io.raybridge.processor.tailsampling.TestSpans.error;
import static io.raybridge.processor.tailsampling.TestSpans.span;
import static io.raybridge.processor.tailsampling.TestSpans.trace;
import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link PolicyEngineTest} on traces as the processor buffers them, read from their
 * bytes; and which policies decide without decoding the spans.
 */
class PolicyEngineEncodedTest extends PolicyEngineTest {

  @BeforeEach
  void encodeTraces() {
    TestSpans.encoded = true;
  }

  @AfterEach
  void decodedTracesAgain() {
    TestSpans.encoded = false;
  }

  @Test
  void policiesOnIdsTimesStatusAndTraceStateDecideWithoutDecodingTheSpans() {
    PolicyEngine e =
        new PolicyEngine(
            ConfigFixtures.bind(
                    TailSamplingConfig.class,
                    "policies: ["
                        + "{name: slow, type: latency, latency: {threshold_ms: 5000}},"
                        + "{name: state, type: trace_state,"
                        + " trace_state: {key: vendor, values: [keep]}},"
                        + "{name: some, type: probabilistic,"
                        + " probabilistic: {sampling_percentage: 0.001}},"
                        + "{name: big, type: span_count, span_count: {min_spans: 50}},"
                        + "{name: budget, type: rate_limiting,"
                        + " rate_limiting: {spans_per_second: 1}},"
                        + "{name: errors, type: status_code,"
                        + " status_code: {status_codes: [ERROR]}}]")
                .policies(),
            false,
            new TestTelemetry().component(ComponentKind.PROCESSOR, ComponentId.parse("t")));
    TraceData failed = trace(span(1, 0).build(), span(1, 1).setStatus(error()).build());
    assertThat(e.decide(failed, 0).keep()).isTrue();
    assertThat(failed.decoded()).isFalse();
    TraceData fine = trace(span(2, 0).build(), span(2, 1).build());
    assertThat(e.decide(fine, 0).keep()).isFalse();
    assertThat(fine.decoded()).isFalse();

    PolicyEngine attributes =
        new PolicyEngine(
            ConfigFixtures.bind(
                    TailSamplingConfig.class,
                    "policies: [{name: a, type: string_attribute,"
                        + " string_attribute: {key: k, values: [v]}}]")
                .policies(),
            false,
            new TestTelemetry().component(ComponentKind.PROCESSOR, ComponentId.parse("t")));
    TraceData read = trace(span(3, 0).build());
    attributes.decide(read, 0);
    assertThat(read.decoded()).isTrue();
  }
}
