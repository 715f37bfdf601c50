package io.raybridge.processor.xrayannotations;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OTLP spans for tests, written by hand or converted from the OpenTelemetry SDK's SpanData. */
final class TestSpans {

  private TestSpans() {}

  static final String TRACE_ID = "5759e988bd862e3fe1be46a994272793";
  private static final long START = 1_700_000_000_000_000_000L;

  static AnyValue value(Object v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v instanceof String s) {
      b.setStringValue(s);
    } else if (v instanceof Integer i) {
      b.setIntValue(i);
    } else if (v instanceof Long l) {
      b.setIntValue(l);
    } else if (v instanceof Double d) {
      b.setDoubleValue(d);
    } else if (v instanceof Boolean x) {
      b.setBoolValue(x);
    } else if (v instanceof byte[] bytes) {
      b.setBytesValue(ByteString.copyFrom(bytes));
    } else if (v instanceof List<?> list) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      list.forEach(e -> a.addValues(value(e)));
      b.setArrayValue(a);
    } else {
      throw new IllegalArgumentException("unsupported " + v);
    }
    return b.build();
  }

  /** Attributes from alternating keys and values, in order. */
  static List<KeyValue> attrs(Object... kv) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.add(KeyValue.newBuilder().setKey((String) kv[i]).setValue(value(kv[i + 1])).build());
    }
    return out;
  }

  static Span span(String spanId, String parent, Span.SpanKind kind, List<KeyValue> attributes) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE_ID)))
            .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
            .setName("op-" + spanId)
            .setKind(kind)
            .setStartTimeUnixNano(START)
            .setEndTimeUnixNano(START + 5_000_000)
            .addAllAttributes(attributes);
    if (parent != null) {
      b.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(parent)));
    }
    return b.build();
  }

  static Span server(Object... kv) {
    return span("53995c3f42cd8ad8", null, Span.SpanKind.SPAN_KIND_SERVER, attrs(kv));
  }

  static ResourceSpans resourceSpans(List<KeyValue> resource, Span... spans) {
    return ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAllAttributes(resource))
        .addScopeSpans(
            ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.example"))
                .addAllSpans(List.of(spans)))
        .build();
  }

  static ResourceSpans resourceSpans(String service, Span... spans) {
    return resourceSpans(attrs("service.name", service), spans);
  }

  /** The SDK's spans as OTLP, one ResourceSpans per resource and one ScopeSpans per scope. */
  static List<ResourceSpans> fromSdk(List<SpanData> spans) {
    Map<io.opentelemetry.sdk.resources.Resource, Map<String, List<Span>>> grouped =
        new LinkedHashMap<>();
    for (SpanData d : spans) {
      grouped
          .computeIfAbsent(d.getResource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(d.getInstrumentationScopeInfo().getName(), n -> new ArrayList<>())
          .add(toProto(d));
    }
    List<ResourceSpans> out = new ArrayList<>();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder rs =
              ResourceSpans.newBuilder()
                  .setResource(
                      Resource.newBuilder().addAllAttributes(attributes(resource.getAttributes())));
          scopes.forEach(
              (scope, list) ->
                  rs.addScopeSpans(
                      ScopeSpans.newBuilder()
                          .setScope(InstrumentationScope.newBuilder().setName(scope))
                          .addAllSpans(list)));
          out.add(rs.build());
        });
    return out;
  }

  private static Span toProto(SpanData d) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(d.getTraceId())))
            .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(d.getSpanId())))
            .setName(d.getName())
            .setKind(Span.SpanKind.valueOf("SPAN_KIND_" + d.getKind().name()))
            .setStartTimeUnixNano(d.getStartEpochNanos())
            .setEndTimeUnixNano(d.getEndEpochNanos())
            .addAllAttributes(attributes(d.getAttributes()));
    if (d.getParentSpanContext().isValid()) {
      b.setParentSpanId(
          ByteString.copyFrom(HexFormat.of().parseHex(d.getParentSpanContext().getSpanId())));
    }
    if (d.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    return b.build();
  }

  private static List<KeyValue> attributes(io.opentelemetry.api.common.Attributes attributes) {
    List<KeyValue> out = new ArrayList<>();
    attributes.forEach(
        (k, v) ->
            out.add(
                KeyValue.newBuilder()
                    .setKey(k.getKey())
                    .setValue(v instanceof List<?> l ? value(new ArrayList<>(l)) : value(v))
                    .build()));
    return out;
  }
}
