package io.raybridge.processor.probabilisticsampler;

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
import java.util.List;
import java.util.Random;

/** Whole traces of varying size, their spans shuffled across batches. */
final class ShuffledTraces {

  private ShuffledTraces() {}

  /** {@code traces} traces of 5 to 50 spans, shuffled, in batches of {@code batchSize} spans. */
  static List<Traces> batches(long seed, int traces, int batchSize) {
    Random random = new Random(seed);
    List<Span> all = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      ByteString traceId = ByteString.copyFrom(id);
      int spans = 5 + random.nextInt(46);
      ByteString root = spanId(random);
      for (int s = 0; s < spans; s++) {
        Span.Builder b =
            Span.newBuilder()
                .setTraceId(traceId)
                .setSpanId(s == 0 ? root : spanId(random))
                .setName(s == 0 ? "GET /" : "child")
                .setKind(
                    s == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL);
        if (s > 0) {
          b.setParentSpanId(root);
        }
        all.add(b.build());
      }
    }
    Collections.shuffle(all, random);
    List<Traces> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += batchSize) {
      out.add(batch(all.subList(from, Math.min(all.size(), from + batchSize))));
    }
    return out;
  }

  static Traces batch(List<Span> spans) {
    return Traces.of(
        ResourceSpans.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("service.name")
                            .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))
            .build());
  }

  private static ByteString spanId(Random random) {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }
}
