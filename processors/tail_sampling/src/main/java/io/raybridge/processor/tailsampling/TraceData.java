package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.function.BiPredicate;

/** The spans of one trace that have arrived, as policies see them. Immutable. */
final class TraceData {

  private final ByteString traceId;
  private final List<ResourceSpans> resourceSpans;
  private final int spanCount;

  TraceData(ByteString traceId, List<ResourceSpans> resourceSpans, int spanCount) {
    this.traceId = traceId;
    this.resourceSpans = List.copyOf(resourceSpans);
    this.spanCount = spanCount;
  }

  /** A trace made of {@code resourceSpans}, which must all share one trace id. */
  static TraceData of(List<ResourceSpans> resourceSpans) {
    ByteString id = ByteString.EMPTY;
    int count = 0;
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          id = s.getTraceId();
          count++;
        }
      }
    }
    return new TraceData(id, resourceSpans, count);
  }

  ByteString traceId() {
    return traceId;
  }

  List<ResourceSpans> resourceSpans() {
    return resourceSpans;
  }

  int spanCount() {
    return spanCount;
  }

  /** Whether {@code test} holds for some span (with its resource). */
  boolean anySpan(BiPredicate<Resource, Span> test) {
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (test.test(rs.getResource(), s)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Latest end minus earliest start, in nanoseconds; 0 without spans. */
  long durationNanos() {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          min = Math.min(min, s.getStartTimeUnixNano());
          max = Math.max(max, s.getEndTimeUnixNano());
        }
      }
    }
    return min == Long.MAX_VALUE ? 0 : Math.max(0, max - min);
  }

  /** The value of attribute {@code key} in {@code attributes}, or null. */
  static AnyValue attribute(List<KeyValue> attributes, String key) {
    for (int i = 0; i < attributes.size(); i++) {
      KeyValue kv = attributes.get(i);
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    return null;
  }
}
