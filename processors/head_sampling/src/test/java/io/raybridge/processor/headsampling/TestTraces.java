package io.raybridge.processor.headsampling;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test traces: an HTTP SERVER entry span and children, spans tagged with their service. */
final class TestTraces {

  /** A span and the service (resource) it belongs to. */
  record ServiceSpan(String service, Span span) {}

  /** One generated trace. */
  record Trace(ByteString traceId, String service, String path, List<ServiceSpan> spans) {}

  private TestTraces() {}

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(str("service.name", service))
        .addAttributes(str("cloud.provider", "aws"))
        .addAttributes(str("cloud.platform", "aws_ecs"))
        .addAttributes(str("aws.ecs.launchtype", "fargate"))
        .build();
  }

  static ByteString randomId(Random random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  /** A trace of {@code spans} spans whose entry span is {@code method path} on {@code service}. */
  static Trace trace(Random random, String service, String method, String path, int spans) {
    ByteString traceId = randomId(random, 16);
    ByteString rootId = randomId(random, 8);
    List<ServiceSpan> out = new ArrayList<>();
    out.add(
        new ServiceSpan(
            service,
            Span.newBuilder()
                .setTraceId(traceId)
                .setSpanId(rootId)
                .setName(method + " " + path)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(str("http.request.method", method))
                .addAttributes(str("url.path", path))
                .addAttributes(str("server.address", "api.example.com"))
                .build()));
    for (int i = 1; i < spans; i++) {
      out.add(
          new ServiceSpan(
              service,
              Span.newBuilder()
                  .setTraceId(traceId)
                  .setSpanId(randomId(random, 8))
                  .setParentSpanId(rootId)
                  .setName("child-" + i)
                  .setKind(
                      i % 2 == 0
                          ? Span.SpanKind.SPAN_KIND_INTERNAL
                          : Span.SpanKind.SPAN_KIND_CLIENT)
                  .build()));
    }
    return new Trace(traceId, service, path, out);
  }

  /** The spans of {@code traces}, shuffled, in batches of {@code batchSize}. */
  static List<Traces> shuffledBatches(Random random, List<Trace> traces, int batchSize) {
    List<ServiceSpan> all = new ArrayList<>();
    traces.forEach(t -> all.addAll(t.spans()));
    Collections.shuffle(all, random);
    List<Traces> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += batchSize) {
      out.add(batch(all.subList(from, Math.min(all.size(), from + batchSize))));
    }
    return out;
  }

  /** One batch, a resource per service. */
  static Traces batch(List<ServiceSpan> spans) {
    Map<String, List<Span>> byService = new LinkedHashMap<>();
    for (ServiceSpan s : spans) {
      byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s.span());
    }
    List<ResourceSpans> rs = new ArrayList<>();
    byService.forEach(
        (service, list) ->
            rs.add(
                ResourceSpans.newBuilder()
                    .setResource(resource(service))
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(list))
                    .build()));
    return Traces.of(rs);
  }

  static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
