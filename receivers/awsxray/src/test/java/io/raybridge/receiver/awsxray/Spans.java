package io.raybridge.receiver.awsxray;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Small readers for spans in assertions. */
final class Spans {

  private Spans() {}

  static Optional<AnyValue> attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue());
      }
    }
    return Optional.empty();
  }

  static String string(Span span, String key) {
    return attribute(span, key).map(AnyValue::getStringValue).orElse(null);
  }

  static Span named(List<Span> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span named " + name + " in " + names(spans)));
  }

  static List<String> names(List<Span> spans) {
    return spans.stream().map(Span::getName).toList();
  }

  static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
