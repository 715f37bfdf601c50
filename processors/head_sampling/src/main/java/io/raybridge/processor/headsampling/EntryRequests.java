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
    return from(resourceFields(resource), span);
  }

  /** The request parts of {@code resource}, read once for all of its entry spans. */
  static SpanRequests.ResourceFields resourceFields(Resource resource) {
    return SpanRequests.resourceFields(new AttributeView(resource.getAttributesList()));
  }

  static SamplingRequest from(SpanRequests.ResourceFields resource, Span span) {
    return SpanRequests.fromAttributes(resource, new AttributeView(span.getAttributesList()));
  }

  /**
   * A read-only map view of OTLP attributes, values as text. Lookups scan the list, which for the
   * handful of attributes a span has is cheaper than copying them into a hash map first; the full
   * map is built only if someone iterates it. The keys {@link SpanRequests} reads are noted in one
   * pass on the first lookup, so that looking up one of them that the span lacks (most of them)
   * costs no scan.
   */
  private static final class AttributeView extends AbstractMap<String, String> {
    private final List<KeyValue> attributes;
    private Map<String, String> copy;
    private boolean noted;
    private long present;

    AttributeView(List<KeyValue> attributes) {
      this.attributes = attributes;
    }

    @Override
    public String get(Object key) {
      if (!noted) {
        noteKnownKeys();
      }
      int known = key instanceof String s ? knownKey(s) : -1;
      if (known >= 0 && (present & (1L << known)) == 0) {
        return null;
      }
      for (int i = 0; i < attributes.size(); i++) {
        KeyValue kv = attributes.get(i);
        if (kv.getKey().equals(key)) {
          return text(kv.getValue());
        }
      }
      return null;
    }

    private void noteKnownKeys() {
      long p = 0;
      for (int i = 0; i < attributes.size(); i++) {
        int known = knownKey(attributes.get(i).getKey());
        if (known >= 0) {
          p |= 1L << known;
        }
      }
      present = p;
      noted = true;
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

  /** The number of a key {@link SpanRequests} reads, or -1 for any other key. */
  private static int knownKey(String key) {
    return switch (key) {
      case "url.full" -> 0;
      case "http.url" -> 1;
      case "http.request.method" -> 2;
      case "http.request.method_original" -> 3;
      case "http.method" -> 4;
      case "url.path" -> 5;
      case "http.target" -> 6;
      case "server.address" -> 7;
      case "http.host" -> 8;
      case "net.host.name" -> 9;
      case "service.name" -> 10;
      case "cloud.provider" -> 11;
      case "cloud.platform" -> 12;
      case "aws.ecs.launchtype" -> 13;
      case "aws.ecs.container.arn" -> 14;
      case "cloud.resource_id" -> 15;
      default -> -1;
    };
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
