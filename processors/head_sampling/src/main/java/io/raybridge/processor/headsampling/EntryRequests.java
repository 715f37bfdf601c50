package io.raybridge.processor.headsampling;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.sampling.SamplingRequest;
import io.raybridge.xray.sampling.SpanRequests;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link SamplingRequest} of an entry span: its resource's and its own scalar attributes as
 * text, interpreted by {@link SpanRequests}.
 */
final class EntryRequests {

  private EntryRequests() {}

  static SamplingRequest from(Resource resource, Span span) {
    return SpanRequests.fromAttributes(
        texts(resource.getAttributesList()), texts(span.getAttributesList()));
  }

  private static Map<String, String> texts(List<KeyValue> attributes) {
    Map<String, String> out = new HashMap<>(attributes.size() * 2);
    for (KeyValue kv : attributes) {
      String v = text(kv.getValue());
      if (v != null) {
        out.put(kv.getKey(), v);
      }
    }
    return out;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> null;
    };
  }
}
