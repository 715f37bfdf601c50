package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.Traces;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small, deterministic spans for the tail sampler's tests. */
final class TestSpans {

  private TestSpans() {}

  /** Trace id number {@code n}: 16 bytes, the low 8 scrambled so hashes spread. */
  static ByteString traceId(long n) {
    long lo = n * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    lo ^= lo >>> 29;
    lo *= 0xBF58476D1CE4E5B9L;
    lo ^= lo >>> 32;
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(n + 1).putLong(lo).array());
  }

  static ByteString spanId(long trace, int index) {
    return ByteString.copyFrom(
        ByteBuffer.allocate(8).putInt((int) trace + 1).putInt(index + 1).array());
  }

  /** Span {@code index} of trace {@code trace}; span 0 is the SERVER root, others its children. */
  static Span.Builder span(long trace, int index) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(traceId(trace))
            .setSpanId(spanId(trace, index))
            .setName(index == 0 ? "GET /api" : "child-" + index)
            .setKind(index == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
            .setStartTimeUnixNano(1_000_000_000L + index)
            .setEndTimeUnixNano(1_000_000_000L + 1_000_000L + index);
    if (index > 0) {
      b.setParentSpanId(spanId(trace, 0));
    }
    return b;
  }

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue num(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static KeyValue bool(String key, boolean value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setBoolValue(value))
        .build();
  }

  static Status error() {
    return Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).build();
  }

  static Resource resource(String service, KeyValue... extra) {
    Resource.Builder r = Resource.newBuilder().addAttributes(str("service.name", service));
    for (KeyValue kv : extra) {
      r.addAttributes(kv);
    }
    return r.build();
  }

  /** The spans in one resource and scope of service {@code checkout}. */
  static ResourceSpans resourceSpans(List<Span> spans) {
    return resourceSpans(resource("checkout"), spans);
  }

  static ResourceSpans resourceSpans(Resource resource, List<Span> spans) {
    return ResourceSpans.newBuilder()
        .setResource(resource)
        .addScopeSpans(
            ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("test").setVersion("1"))
                .addAllSpans(spans))
        .build();
  }

  /**
   * Whether {@link #traces} hands batches over as received bytes (as the OTLP receiver does) rather
   * than as messages; set by the test classes that run every test on both forms.
   */
  static boolean encoded;

  static Traces traces(Span... spans) {
    return traces(List.of(spans));
  }

  static Traces traces(List<Span> spans) {
    Traces t = Traces.of(resourceSpans(spans));
    if (!encoded) {
      return t;
    }
    try {
      return Traces.fromEncodedRequest(t.toRequestBytes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static TraceData trace(Span... spans) {
    return trace(resource("checkout"), spans);
  }

  /**
   * The spans as policies see them: as messages, or, when {@link #encoded}, as the processor
   * buffers them (a {@link PendingTrace} read from its bytes).
   */
  static TraceData trace(Resource resource, Span... spans) {
    ResourceSpans rs = resourceSpans(resource, List.of(spans));
    return encoded ? TraceData.of(pending(rs)) : TraceData.of(List.of(rs));
  }

  /** {@code rs} buffered as the processor buffers a trace. */
  static PendingTrace pending(ResourceSpans rs) {
    PendingTrace p = new PendingTrace(TraceKey.of(rs.getScopeSpans(0).getSpans(0).getTraceId()), 0);
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      GroupHeader header = GroupHeader.of(rs, ss);
      for (Span s : ss.getSpansList()) {
        p.append(header, s);
      }
    }
    return p;
  }

  /** A whole trace of {@code n} spans. */
  static List<Span> whole(long trace, int n) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(span(trace, i).build());
    }
    return out;
  }

  /** Spans grouped by trace id, in arrival order. */
  static Map<ByteString, List<Span>> byTrace(List<Span> spans) {
    Map<ByteString, List<Span>> out = new HashMap<>();
    for (Span s : spans) {
      out.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** The value of string attribute {@code key} of {@code span}, or null. */
  static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
