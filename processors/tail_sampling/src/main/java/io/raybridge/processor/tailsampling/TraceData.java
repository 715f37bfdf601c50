package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.otlp.EncodedSpans;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The spans of one trace that have arrived, as policies see them.
 *
 * <p>Made from a buffered {@link PendingTrace}, it reads the fields most policies need (trace id,
 * times, status codes, trace states) straight from the buffered bytes, and decodes the spans into
 * messages only when a policy asks for them ({@link #resourceSpans}, {@link #anySpan}): attribute
 * and X-Ray rule policies do, the latency, status code, probabilistic, trace state, span count and
 * rate policies do not. Such a trace data is valid only until its pending trace is released; not
 * thread-safe (policies run one at a time under the processor's lock).
 */
final class TraceData {

  private final PendingTrace pending;
  private final int spanCount;
  private ByteString traceId;
  private List<ResourceSpans> resourceSpans;

  private TraceData(
      PendingTrace pending, ByteString traceId, List<ResourceSpans> resourceSpans, int spanCount) {
    this.pending = pending;
    this.traceId = traceId;
    this.resourceSpans = resourceSpans;
    this.spanCount = spanCount;
  }

  /** A trace made of {@code resourceSpans}, which must all share one trace id. */
  static TraceData of(List<ResourceSpans> resourceSpans) {
    ByteString id = ByteString.EMPTY;
    int count = 0;
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (count++ == 0) {
            id = s.getTraceId();
          }
        }
      }
    }
    return new TraceData(null, id, List.copyOf(resourceSpans), count);
  }

  /** The spans buffered in {@code pending}, read from its bytes as policies ask. */
  static TraceData of(PendingTrace pending) {
    return new TraceData(pending, null, null, pending.spanCount);
  }

  /** The trace id (its first span's). */
  ByteString traceId() {
    if (traceId == null) {
      traceId = ByteString.EMPTY;
      if (pending.groups() > 0) {
        EncodedSpans.SpanFields f = fields(0);
        if (f.next()) {
          traceId = f.traceId();
        }
      }
    }
    return traceId;
  }

  /** The spans as messages, one {@code ResourceSpans} per resource and scope; decoded once. */
  List<ResourceSpans> resourceSpans() {
    if (resourceSpans == null) {
      resourceSpans = pending.resourceSpans();
    }
    return resourceSpans;
  }

  /** Whether the spans have been decoded into messages (always, when made of messages). */
  boolean decoded() {
    return resourceSpans != null;
  }

  int spanCount() {
    return spanCount;
  }

  /** Whether {@code test} holds for some span (with its resource); decodes the spans. */
  boolean anySpan(BiPredicate<Resource, Span> test) {
    for (ResourceSpans rs : resourceSpans()) {
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

  /** Whether some span's {@code status.code} number satisfies {@code test}. */
  boolean anyStatusCode(IntPredicate test) {
    return resourceSpans != null
        ? anySpan((r, s) -> test.test(s.getStatus().getCodeValue()))
        : anyEncoded(f -> test.test(f.statusCode()));
  }

  /**
   * Whether some span's W3C {@code trace_state} (empty when it has none) satisfies {@code test}.
   */
  boolean anyTraceState(Predicate<String> test) {
    return resourceSpans != null
        ? anySpan((r, s) -> test.test(s.getTraceState()))
        : anyEncoded(f -> test.test(f.traceState()));
  }

  /** Whether {@code test} holds for some buffered span, read from the bytes. */
  private boolean anyEncoded(Predicate<EncodedSpans.SpanFields> test) {
    for (int g = 0; g < pending.groups(); g++) {
      EncodedSpans.SpanFields f = fields(g);
      while (f.next()) {
        if (test.test(f)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Latest end minus earliest start, in nanoseconds; 0 without spans. */
  long durationNanos() {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    if (resourceSpans != null) {
      for (ResourceSpans rs : resourceSpans) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            min = Math.min(min, s.getStartTimeUnixNano());
            max = Math.max(max, s.getEndTimeUnixNano());
          }
        }
      }
    } else {
      for (int g = 0; g < pending.groups(); g++) {
        EncodedSpans.SpanFields f = fields(g);
        while (f.next()) {
          min = Math.min(min, f.startTimeUnixNano());
          max = Math.max(max, f.endTimeUnixNano());
        }
      }
    }
    return min == Long.MAX_VALUE ? 0 : Math.max(0, max - min);
  }

  private EncodedSpans.SpanFields fields(int group) {
    return new EncodedSpans.SpanFields(pending.encoded(group), 0, pending.encodedLength(group));
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
