package io.raybridge.processor.headsampling;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.sampling.SamplingRequest;
import io.raybridge.xray.sampling.SpanRequests;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link SamplingRequest} of an entry span: its resource's and its own scalar attributes as
 * text, interpreted by {@link SpanRequests}.
 */
final class EntryRequests {

  private EntryRequests() {}

  static SamplingRequest from(Resource resource, Span span) {
    return SpanRequests.fromAttributes(
        new AttributeView(resource.getAttributesList()),
        new AttributeView(span.getAttributesList()));
  }

  /**
   * A read-only map view of OTLP attributes, values as text. Lookups scan the list, which for the
   * handful of attributes a span has is cheaper than copying them into a hash map first; the full
   * map is built only if someone iterates it.
   */
  private static final class AttributeView extends AbstractMap<String, String> {
    private final List<KeyValue> attributes;
    private Map<String, String> copy;

    AttributeView(List<KeyValue> attributes) {
      this.attributes = attributes;
    }

    @Override
    public String get(Object key) {
      for (int i = 0; i < attributes.size(); i++) {
        KeyValue kv = attributes.get(i);
        if (kv.getKey().equals(key)) {
          return text(kv.getValue());
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      if (copy == null) {
        Map<String, String> m = new HashMap<>();
        for (KeyValue kv : attributes) {
          String v = text(kv.getValue());
          if (v != null) {
            m.put(kv.getKey(), v);
          }
        }
        copy = Map.copyOf(m);
      }
      return copy.entrySet();
    }
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
