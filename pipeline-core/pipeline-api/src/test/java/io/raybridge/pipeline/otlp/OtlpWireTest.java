package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.Traces;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OtlpWireTest {

  /** Requests using every field of every message the walk knows, with random values. */
  static ExportTraceServiceRequest randomRequest(Random r) {
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    int resources = 1 + r.nextInt(3);
    for (int i = 0; i < resources; i++) {
      ResourceSpans.Builder rs =
          ResourceSpans.newBuilder()
              .setSchemaUrl("https://opentelemetry.io/schemas/1." + r.nextInt(30))
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(kv(r, "service.name", 0))
                      .addAttributes(kv(r, "host.name", 0))
                      .setDroppedAttributesCount(r.nextInt(3))
                      .addEntityRefs(
                          EntityRef.newBuilder()
                              .setType("service")
                              .setSchemaUrl("s")
                              .addIdKeys("service.name")
                              .addDescriptionKeys("host.name")));
      int scopes = 1 + r.nextInt(2);
      for (int s = 0; s < scopes; s++) {
        ScopeSpans.Builder ss =
            ScopeSpans.newBuilder()
                .setSchemaUrl("u")
                .setScope(
                    InstrumentationScope.newBuilder()
                        .setName("lib-" + s)
                        .setVersion("1.0")
                        .addAttributes(kv(r, "scope.attr", 0))
                        .setDroppedAttributesCount(1));
        int spans = r.nextInt(6);
        for (int k = 0; k < spans; k++) {
          ss.addSpans(randomSpan(r));
        }
        rs.addScopeSpans(ss);
      }
      req.addResourceSpans(rs);
    }
    return req.build();
  }

  static Span randomSpan(Random r) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(bytes(r, 16))
            .setSpanId(bytes(r, 8))
            .setParentSpanId(bytes(r, 8))
            .setTraceState("ot=th:8")
            .setFlags(r.nextInt())
            .setName("GET /item/ü" + r.nextInt(100))
            .setKind(Span.SpanKind.forNumber(r.nextInt(6)))
            .setStartTimeUnixNano(r.nextLong())
            .setEndTimeUnixNano(r.nextLong())
            .setDroppedAttributesCount(r.nextInt(3))
            .setDroppedEventsCount(r.nextInt(3))
            .setDroppedLinksCount(r.nextInt(3))
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("x"));
    for (int i = 0; i < r.nextInt(5); i++) {
      b.addAttributes(kv(r, "attr." + i, 0));
    }
    if (r.nextBoolean()) {
      b.addEvents(
          Span.Event.newBuilder()
              .setName("exception")
              .setTimeUnixNano(r.nextLong())
              .addAttributes(kv(r, "exception.type", 0))
              .setDroppedAttributesCount(1));
    }
    if (r.nextBoolean()) {
      b.addLinks(
          Span.Link.newBuilder()
              .setTraceId(bytes(r, 16))
              .setSpanId(bytes(r, 8))
              .setTraceState("a=b")
              .setFlags(1)
              .addAttributes(kv(r, "link", 0))
              .setDroppedAttributesCount(2));
    }
    if (r.nextInt(10) == 0) {
      b.setSpanId(ByteString.copyFrom(new byte[8])); // invalid: all zero
    }
    return b.build();
  }

  static KeyValue kv(Random r, String key, int depth) {
    return KeyValue.newBuilder().setKey(key).setValue(anyValue(r, depth)).build();
  }

  static AnyValue anyValue(Random r, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (r.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> v.setStringValue("välue-" + r.nextInt(1000));
      case 1 -> v.setBoolValue(r.nextBoolean());
      case 2 -> v.setIntValue(r.nextLong());
      case 3 -> v.setDoubleValue(r.nextDouble());
      case 4 -> v.setBytesValue(bytes(r, r.nextInt(5)));
      case 5 ->
          v.setArrayValue(
              ArrayValue.newBuilder()
                  .addValues(anyValue(r, depth + 1))
                  .addValues(anyValue(r, depth + 1)));
      default ->
          v.setKvlistValue(KeyValueList.newBuilder().addValues(kv(r, "nested", depth + 1)).build());
    }
    return v.build();
  }

  static ByteString bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private static int invalidSpans(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (!validId(s.getTraceId(), 16) || !validId(s.getSpanId(), 8)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static boolean validId(ByteString id, int length) {
    return id.size() == length && !id.equals(ByteString.copyFrom(new byte[length]));
  }

  @Test
  void scanAgreesWithTheParserOnValidRequests() throws Exception {
    Random r = new Random(1);
    for (int i = 0; i < 500; i++) {
      ExportTraceServiceRequest request = randomRequest(r);
      byte[] bytes = request.toByteArray();
      OtlpWire.Scan scan = OtlpWire.scanRequest(bytes);
      assertThat(scan.resourceSpans()).hasSize(request.getResourceSpansCount());
      int total = 0;
      for (int k = 0; k < scan.resourceSpans().size(); k++) {
        ResourceSpans decoded = ResourceSpans.parseFrom(scan.resourceSpans().get(k));
        assertThat(decoded).isEqualTo(request.getResourceSpans(k));
        int spans = decoded.getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum();
        assertThat(scan.spanCounts()[k]).isEqualTo(spans);
        total += spans;
      }
      assertThat(scan.spans()).isEqualTo(total);
      assertThat(scan.invalidSpans()).isEqualTo(invalidSpans(request));

      Traces traces = Traces.fromEncodedRequest(bytes);
      assertThat(traces.spanCount()).isEqualTo(total);
      assertThat(traces.serializedSize()).isEqualTo(bytes.length);
      assertThat(traces.toRequestBytes()).isEqualTo(bytes);
      assertThat(traces.toRequest()).isEqualTo(request);
    }
  }

  /**
   * Mutated encodings (flipped bytes, truncations, spliced garbage): the scan must accept exactly
   * what the protobuf parser accepts, and then see the same spans.
   */
  @Test
  void scanAcceptsAndRejectsExactlyWhatTheParserDoes() throws Exception {
    Random r = new Random(7);
    int rejected = 0;
    int accepted = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = mutate(randomRequest(r).toByteArray(), r);
      ExportTraceServiceRequest parsed;
      try {
        parsed = ExportTraceServiceRequest.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        parsed = null;
      }
      OtlpWire.Scan scan;
      try {
        scan = OtlpWire.scanRequest(bytes);
      } catch (InvalidProtocolBufferException e) {
        scan = null;
      }
      String input = Arrays.toString(bytes);
      if (parsed == null) {
        assertThat(scan).as("scan of an input the parser rejects: %s", input).isNull();
        rejected++;
        continue;
      }
      assertThat(scan).as("scan of an input the parser accepts: %s", input).isNotNull();
      accepted++;
      assertThat(Traces.ofEncoded(scan.resourceSpans(), scan.spanCounts()).toRequest())
          .isEqualTo(
              ExportTraceServiceRequest.newBuilder()
                  .addAllResourceSpans(parsed.getResourceSpansList())
                  .build());
      assertThat(scan.invalidSpans()).isEqualTo(invalidSpans(parsed));
    }
    assertThat(rejected).as("mutations the parser rejected").isGreaterThan(500);
    assertThat(accepted).as("mutations the parser accepted").isGreaterThan(500);
  }

  private static byte[] mutate(byte[] bytes, Random r) {
    if (bytes.length == 0) {
      return bytes;
    }
    byte[] out = bytes.clone();
    switch (r.nextInt(4)) {
      case 0 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
      case 1 -> out = Arrays.copyOf(out, r.nextInt(out.length));
      case 2 -> out[r.nextInt(out.length)] = (byte) r.nextInt(256);
      default -> {
        // Invalid UTF-8 (a lone continuation byte or an overlong form) at a random place.
        int at = r.nextInt(out.length);
        out[at] = (byte) (r.nextBoolean() ? 0x80 : 0xC0);
      }
    }
    return out;
  }

  @Test
  void rejectsInvalidUtf8InASpanName() {
    Span span =
        Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setName("nameX").build();
    byte[] bytes =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
            .build()
            .toByteArray();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 'X') {
        bytes[i] = (byte) 0xFF;
      }
    }
    assertThatThrownBy(() -> OtlpWire.scanRequest(bytes))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  @Test
  void rejectsATruncatedRequest() {
    byte[] bytes = randomRequest(new Random(3)).toByteArray();
    assertThatThrownBy(() -> OtlpWire.scanRequest(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void countsSpansWithInvalidIds() throws Exception {
    Span good =
        Span.newBuilder()
            .setTraceId(bytes(new Random(1), 16))
            .setSpanId(bytes(new Random(2), 8))
            .build();
    Span shortTrace = good.toBuilder().setTraceId(ByteString.copyFromUtf8("abc")).build();
    Span noSpanId = good.toBuilder().clearSpanId().build();
    byte[] bytes =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(good)
                            .addSpans(shortTrace)
                            .addSpans(noSpanId)))
            .build()
            .toByteArray();
    OtlpWire.Scan scan = OtlpWire.scanRequest(bytes);
    assertThat(scan.spans()).isEqualTo(3);
    assertThat(scan.invalidSpans()).isEqualTo(2);
  }

  /** Batches that hold received bytes concatenate, split and compare like decoded ones. */
  @Test
  void encodedBatchesBehaveLikeDecodedOnes() throws Exception {
    Random r = new Random(11);
    for (int i = 0; i < 300; i++) {
      ExportTraceServiceRequest a = randomRequest(r);
      ExportTraceServiceRequest b = randomRequest(r);
      Traces encoded =
          Traces.fromEncodedRequest(a.toByteArray())
              .concat(Traces.fromEncodedRequest(b.toByteArray()));
      Traces mixed = Traces.fromEncodedRequest(a.toByteArray()).concat(Traces.fromRequest(b));
      Traces decoded = Traces.fromRequest(a).concat(Traces.fromRequest(b));
      for (Traces t : java.util.List.of(encoded, mixed)) {
        assertThat(t.spanCount()).isEqualTo(decoded.spanCount());
        assertThat(t.serializedSize()).isEqualTo(decoded.serializedSize());
        assertThat(t.toRequestBytes()).isEqualTo(decoded.toRequest().toByteArray());
        assertThat(t).isEqualTo(decoded);
        int limit = 1 + r.nextInt(7);
        if (decoded.spanCount() > 0) {
          assertThat(t.split(limit)).isEqualTo(decoded.split(limit));
        }
      }
    }
  }

  @Test
  void theEmptyRequestHoldsNothing() throws Exception {
    OtlpWire.Scan scan = OtlpWire.scanRequest(new byte[0]);
    assertThat(scan.resourceSpans()).isEmpty();
    assertThat(Traces.fromEncodedRequest(new byte[0]).isEmpty()).isTrue();
  }
}
