package io.raybridge.processor.probabilisticsampler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every test of {@link ProbabilisticSamplerTest} again, on batches held as the bytes a receiver
 * got, and a comparison of the two paths on varied input: the encoded path must keep, drop and
 * rewrite exactly as the decoded one does, and its output must stay encoded.
 */
class ProbabilisticSamplerEncodedTest extends ProbabilisticSamplerTest {

  @Override
  Traces prepare(Traces traces) {
    return encoded(traces);
  }

  static Traces encoded(Traces traces) {
    try {
      Traces t = Traces.fromEncodedRequest(traces.toRequestBytes());
      assertThat(t.isEncoded()).isTrue();
      return t;
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sampling_percentage: 30\nmode: proportional",
        "sampling_percentage: 30\nmode: equalizing",
        "sampling_percentage: 30\nmode: hash_seed\nhash_seed: 7",
        "sampling_percentage: 30\nmode: proportional\nfail_closed: false",
        "sampling_percentage: 0",
        "sampling_percentage: 100"
      })
  void encodedAndDecodedBatchesComeOutTheSame(String yaml) {
    Random random = new Random(yaml.hashCode());
    for (int round = 0; round < 40; round++) {
      Traces decoded = randomBatch(random);
      TestTelemetry decodedTelemetry = new TestTelemetry();
      TestTelemetry encodedTelemetry = new TestTelemetry();
      TracesSink decodedSink = new TracesSink();
      TracesSink encodedSink = new TracesSink();
      sampler(yaml, decodedTelemetry, decodedSink).consume(decoded);
      sampler(yaml, encodedTelemetry, encodedSink).consume(encoded(decoded));

      assertThat(encodedSink.batches()).hasSameSizeAs(decodedSink.batches());
      for (int i = 0; i < decodedSink.batches().size(); i++) {
        Traces fromBytes = encodedSink.batches().get(i);
        Traces fromMessages = decodedSink.batches().get(i);
        assertThat(fromBytes.isEncoded() || fromBytes.isEmpty())
            .as("output of the encoded path is encoded")
            .isTrue();
        assertThat(fromBytes.spanCount()).isEqualTo(fromMessages.spanCount());
        assertThat(fromBytes.resourceSpans()).isEqualTo(fromMessages.resourceSpans());
      }
      String counter = "otelcol_processor_probabilistic_sampler_count_traces_sampled";
      for (String sampled : List.of("true", "false")) {
        assertThat(encodedTelemetry.counterValue(counter, "sampled", sampled))
            .isEqualTo(decodedTelemetry.counterValue(counter, "sampled", sampled));
      }
      String errors = "otelcol_processor_probabilistic_sampler_sampling_errors";
      assertThat(encodedTelemetry.counterValue(errors))
          .isEqualTo(decodedTelemetry.counterValue(errors));
    }
  }

  /**
   * Resources with several scopes (some empty), spans with and without trace state (valid, upstream
   * thresholds, malformed), zero trace ids, and {@code sampling.priority} of every kind.
   */
  private static Traces randomBatch(Random random) {
    List<ResourceSpans> resources = new ArrayList<>();
    int rsCount = 1 + random.nextInt(3);
    for (int r = 0; r < rsCount; r++) {
      ResourceSpans.Builder rs =
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(
                          attr("service.name", AnyValue.newBuilder().setStringValue("s" + r))))
              .setSchemaUrl(r == 0 ? "https://opentelemetry.io/schemas/1.24.0" : "");
      int scopes = random.nextInt(3);
      for (int s = 0; s < scopes; s++) {
        ScopeSpans.Builder ss =
            ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("lib" + s));
        int spans = random.nextInt(6);
        for (int i = 0; i < spans; i++) {
          ss.addSpans(randomSpan(random));
        }
        rs.addScopeSpans(ss);
      }
      resources.add(rs.build());
    }
    return Traces.of(resources);
  }

  private static final String[] TRACE_STATES = {
    "", "", "", "vendor=1", "ot=th:8", "ot=th:c;rv:abcdef01234567", "ot=th:XYZ", "a=b,ot=th:e"
  };

  private static Span randomSpan(Random random) {
    byte[] traceId = new byte[16];
    if (random.nextInt(10) > 0) {
      random.nextBytes(traceId);
    }
    byte[] spanId = new byte[8];
    random.nextBytes(spanId);
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(spanId))
            .setTraceState(TRACE_STATES[random.nextInt(TRACE_STATES.length)])
            .setName("op")
            .setStartTimeUnixNano(1_700_000_000_000_000_000L)
            .setEndTimeUnixNano(1_700_000_000_100_000_000L)
            .addAttributes(attr("http.method", AnyValue.newBuilder().setStringValue("GET")));
    switch (random.nextInt(8)) {
      case 0 -> b.addAttributes(attr("sampling.priority", AnyValue.newBuilder().setIntValue(0)));
      case 1 -> b.addAttributes(attr("sampling.priority", AnyValue.newBuilder().setIntValue(2)));
      case 2 ->
          b.addAttributes(attr("sampling.priority", AnyValue.newBuilder().setDoubleValue(0.0)));
      case 3 ->
          b.addAttributes(attr("sampling.priority", AnyValue.newBuilder().setStringValue(" 1 ")));
      case 4 ->
          b.addAttributes(attr("sampling.priority", AnyValue.newBuilder().setBoolValue(true)));
      case 5 ->
          b.addAttributes(
                  attr(
                      "sampling.priority",
                      AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance())))
              // Only the first attribute of that name counts.
              .addAttributes(attr("sampling.priority", AnyValue.newBuilder().setIntValue(0)));
      default -> {}
    }
    return b.build();
  }

  private static KeyValue attr(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
