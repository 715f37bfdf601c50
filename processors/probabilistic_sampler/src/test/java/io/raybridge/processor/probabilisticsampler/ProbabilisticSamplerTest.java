package io.raybridge.processor.probabilisticsampler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProbabilisticSamplerTest {

  private final TestTelemetry telemetry = new TestTelemetry();

  private Processor sampler(String yaml, TracesSink sink) {
    return sampler(yaml, telemetry, sink);
  }

  static Processor sampler(String yaml, TestTelemetry telemetry, TracesSink sink) {
    ProbabilisticSamplerConfig config = ConfigFixtures.bind(ProbabilisticSamplerConfig.class, yaml);
    return new ProbabilisticSamplerFactory()
        .create(
            TestSettings.builder(ComponentKind.PROCESSOR, "probabilistic_sampler")
                .telemetry(telemetry)
                .build(),
            config,
            sink);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hash_seed", "proportional", "equalizing"})
  void keepsWholeTracesAtTheConfiguredRateAndTwoInstancesAgree(String mode) {
    String yaml = "sampling_percentage: 25\nhash_seed: 22\nmode: " + mode;
    TracesSink sinkA = new TracesSink();
    TracesSink sinkB = new TracesSink();
    Processor a = sampler(yaml, sinkA);
    Processor b = sampler(yaml, sinkB);
    List<Traces> batches =
        ShuffledTraces.batches(11, 10_000, 500).stream().map(this::prepare).toList();
    Map<ByteString, Integer> spansPerTrace = new HashMap<>();
    for (Traces t : batches) {
      for (Span s : spans(t)) {
        spansPerTrace.merge(s.getTraceId(), 1, Integer::sum);
      }
    }
    batches.forEach(a::consume);
    // The second instance sees the same spans in a different order and batching.
    for (int i = batches.size() - 1; i >= 0; i--) {
      b.consume(batches.get(i));
    }
    Map<ByteString, Integer> keptA = countByTrace(sinkA.spans());
    Map<ByteString, Integer> keptB = countByTrace(sinkB.spans());
    assertThat(keptB).isEqualTo(keptA);
    keptA.forEach(
        (traceId, count) ->
            assertThat(count)
                .as("spans kept of trace %s", traceId)
                .isEqualTo(spansPerTrace.get(traceId)));
    double n = spansPerTrace.size();
    double sigma = Math.sqrt(n * 0.25 * 0.75);
    assertThat((double) keptA.size()).isBetween(n * 0.25 - 4 * sigma, n * 0.25 + 4 * sigma);
    assertThat(sinkA.spans().stream().filter(s -> !s.getTraceState().contains("th:c")).count())
        .as("kept spans without the 25 %% threshold in their tracestate")
        .isZero();
  }

  @Test
  void proportionalWritesTheThresholdAsTheSpecEncodesIt() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 50\nmode: proportional", sink);
    Span span = span("0123456789abcdef01ffffffffffffff", "ot=th:0;rv:9b8233f7e3a151,vendor=x");
    p.consume(batch(List.of(span)));
    assertThat(sink.spans())
        .singleElement()
        .extracting(Span::getTraceState)
        .isEqualTo("ot=th:8;rv:9b8233f7e3a151,vendor=x");
  }

  @Test
  void hashSeedWritesThresholdAndRandomnessButKeepsAnUpstreamThreshold() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 100\nmode: hash_seed", sink);
    p.consume(batch(List.of(span("0123456789abcdef0123456789abcdef", "x=1"))));
    p.consume(batch(List.of(span("0123456789abcdef0123456789abcdef", "ot=th:8"))));
    assertThat(sink.spans())
        .extracting(Span::getTraceState)
        .satisfiesExactly(
            s -> assertThat(s).matches("ot=th:0;rv:[0-9a-f]{14},x=1"),
            s -> assertThat(s).isEqualTo("ot=th:8"));
  }

  @Test
  void proportionalMultipliesTheUpstreamProbability() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 50\nmode: proportional", sink);
    // Upstream sampled at 50 % (th:8); this tier halves that again: 25 %, th:c.
    p.consume(batch(List.of(span("000000000000000000f0000000000000", "ot=th:8"))));
    p.consume(batch(List.of(span("000000000000000000b0000000000000", "ot=th:8"))));
    assertThat(sink.spans())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getTraceState()).isEqualTo("ot=th:c");
              assertThat(HexFormat.of().formatHex(s.getTraceId().toByteArray()))
                  .startsWith("000000000000000000f");
            });
  }

  @Test
  void equalizingLeavesItemsAlreadySampledBelowTheTargetUnchanged() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 25\nmode: equalizing", sink);
    Span atTwelvePercent = span("000000000000000000f0000000000000", "ot=th:e");
    Span unsampled = span("000000000000000000f1000000000000", "");
    p.consume(batch(List.of(atTwelvePercent, unsampled)));
    assertThat(sink.spans()).extracting(Span::getTraceState).containsExactly("ot=th:e", "ot=th:c");
  }

  @Test
  void samplingPriorityOverridesTheDecision() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 0", sink);
    Span forced = withPriority(span("000000000000000000000000000000a1", ""), 1);
    Span vetoed = withPriority(span("000000000000000000ffffffffffffff", ""), 0);
    Processor keepAll = sampler("sampling_percentage: 100", sink);
    p.consume(batch(List.of(forced)));
    keepAll.consume(batch(List.of(vetoed)));
    assertThat(sink.spans()).containsExactly(forced);
  }

  @Test
  void failClosedDropsSpansWithoutRandomnessAndFailOpenPassesThem() {
    Span zero = span("00000000000000000000000000000000", "");
    Span malformed = span("000000000000000000ffffffffffffff", "ot=th:XYZ");
    TracesSink closed = new TracesSink();
    sampler("sampling_percentage: 100\nmode: proportional", closed)
        .consume(batch(List.of(zero, malformed)));
    assertThat(closed.spans()).isEmpty();
    assertThat(telemetry.counterValue("otelcol_processor_probabilistic_sampler_sampling_errors"))
        .isEqualTo(2);
    TracesSink open = new TracesSink();
    sampler("sampling_percentage: 100\nmode: proportional\nfail_closed: false", open)
        .consume(batch(List.of(zero, malformed)));
    assertThat(open.spans()).containsExactly(zero, malformed);
  }

  @Test
  void inconsistentUpstreamThresholdIsAnError() {
    TracesSink sink = new TracesSink();
    // th:8 claims the span was kept at 50 %, but its randomness (0x10...) is below the threshold.
    sampler("sampling_percentage: 100\nmode: proportional", sink)
        .consume(batch(List.of(span("00000000000000000010000000000000", "ot=th:8"))));
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void countsKeptAndDroppedSpans() {
    TracesSink sink = new TracesSink();
    Processor p = sampler("sampling_percentage: 50\nmode: proportional", sink);
    p.consume(
        batch(
            List.of(
                span("000000000000000000f0000000000000", ""),
                span("00000000000000000010000000000000", ""))));
    String name = "otelcol_processor_probabilistic_sampler_count_traces_sampled";
    assertThat(telemetry.counterValue(name, "sampled", "true")).isEqualTo(1);
    assertThat(telemetry.counterValue(name, "sampled", "false")).isEqualTo(1);
  }

  /**
   * The batch as the processor is given it: decoded messages here, the received bytes in {@link
   * ProbabilisticSamplerEncodedTest}.
   */
  Traces prepare(Traces traces) {
    return traces;
  }

  private Traces batch(List<Span> spans) {
    return prepare(ShuffledTraces.batch(spans));
  }

  static Span span(String traceIdHex, String traceState) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex)))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("op")
        .setTraceState(traceState)
        .build();
  }

  private static Span withPriority(Span s, long priority) {
    return s.toBuilder()
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("sampling.priority")
                .setValue(AnyValue.newBuilder().setIntValue(priority)))
        .build();
  }

  private static List<Span> spans(Traces t) {
    return t.resourceSpans().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream())
        .toList();
  }

  private static Map<ByteString, Integer> countByTrace(List<Span> spans) {
    Map<ByteString, Integer> out = new HashMap<>();
    for (Span s : spans) {
      out.merge(s.getTraceId(), 1, Integer::sum);
    }
    return out;
  }
}
