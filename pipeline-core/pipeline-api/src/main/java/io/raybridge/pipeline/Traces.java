package io.raybridge.pipeline;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An immutable batch of spans, held as OTLP {@link ResourceSpans} messages. It is the only type
 * that crosses a component boundary.
 *
 * <p>The span count is computed once at construction; the encoded size is computed on first use and
 * cached. Nothing is copied: the protobuf messages are immutable, so {@code concat} and {@code
 * split} share them. {@code split} keeps a resource's and a scope's spans together where the limit
 * allows and never separates a span from its resource and scope.
 *
 * <p>Instances are safe to share between threads.
 */
public final class Traces {

  private static final Traces EMPTY = new Traces(List.of(), 0);

  private final List<ResourceSpans> resourceSpans;
  private final int spanCount;
  private volatile int serializedSize = -1;

  private Traces(List<ResourceSpans> resourceSpans, int spanCount) {
    this.resourceSpans = resourceSpans;
    this.spanCount = spanCount;
  }

  /** A batch of the given resource spans (the list is copied; the messages are not). */
  public static Traces of(List<ResourceSpans> resourceSpans) {
    Objects.requireNonNull(resourceSpans, "resourceSpans");
    if (resourceSpans.isEmpty()) {
      return EMPTY;
    }
    List<ResourceSpans> copy = List.copyOf(resourceSpans);
    return new Traces(copy, countSpans(copy));
  }

  /** A batch of the given resource spans. */
  public static Traces of(ResourceSpans... resourceSpans) {
    return of(List.of(resourceSpans));
  }

  /** The resource spans of an OTLP export request. */
  public static Traces fromRequest(ExportTraceServiceRequest request) {
    Objects.requireNonNull(request, "request");
    return of(request.getResourceSpansList());
  }

  /** The empty batch. */
  public static Traces empty() {
    return EMPTY;
  }

  /** Concatenates batches in order. */
  public static Traces concat(Collection<Traces> batches) {
    Objects.requireNonNull(batches, "batches");
    int total = 0;
    int groups = 0;
    for (Traces t : batches) {
      total += t.spanCount;
      groups += t.resourceSpans.size();
    }
    if (groups == 0) {
      return EMPTY;
    }
    List<ResourceSpans> all = new ArrayList<>(groups);
    for (Traces t : batches) {
      all.addAll(t.resourceSpans);
    }
    return new Traces(List.copyOf(all), total);
  }

  /** This batch followed by {@code other}. */
  public Traces concat(Traces other) {
    Objects.requireNonNull(other, "other");
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    return concat(List.of(this, other));
  }

  /** The resource spans, unmodifiable. */
  public List<ResourceSpans> resourceSpans() {
    return resourceSpans;
  }

  /** The number of spans in the batch. */
  public int spanCount() {
    return spanCount;
  }

  /** Whether the batch holds no span. */
  public boolean isEmpty() {
    return spanCount == 0;
  }

  /** The size in bytes of this batch encoded as an {@link ExportTraceServiceRequest}. */
  public int serializedSize() {
    int size = serializedSize;
    if (size < 0) {
      size = 0;
      for (ResourceSpans rs : resourceSpans) {
        int len = rs.getSerializedSize();
        size += 1 + CodedOutputStream.computeUInt32SizeNoTag(len) + len;
      }
      serializedSize = size;
    }
    return size;
  }

  /** This batch as an OTLP export request. */
  public ExportTraceServiceRequest toRequest() {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans).build();
  }

  /**
   * Splits this batch into batches of at most {@code maxSpans} spans, in order. Spans keep their
   * resource and scope; a resource or scope is cut only where the limit demands it.
   */
  public List<Traces> split(int maxSpans) {
    if (maxSpans <= 0) {
      throw new IllegalArgumentException("maxSpans must be > 0, was " + maxSpans);
    }
    if (spanCount <= maxSpans) {
      return isEmpty() ? List.of() : List.of(this);
    }
    List<Traces> out = new ArrayList<>(spanCount / maxSpans + 1);
    List<ResourceSpans> current = new ArrayList<>();
    int currentCount = 0;
    for (ResourceSpans rs : resourceSpans) {
      int rsCount = countSpans(rs);
      if (currentCount + rsCount <= maxSpans) {
        current.add(rs);
        currentCount += rsCount;
        if (currentCount == maxSpans) {
          out.add(new Traces(List.copyOf(current), currentCount));
          current.clear();
          currentCount = 0;
        }
        continue;
      }
      // The resource does not fit whole: cut it scope by scope, span by span.
      ResourceSpans.Builder part = rs.toBuilder().clearScopeSpans();
      int partCount = 0;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        List<Span> spans = ss.getSpansList();
        int from = 0;
        while (from < spans.size()) {
          int room = maxSpans - currentCount - partCount;
          int to = Math.min(spans.size(), from + room);
          ScopeSpans piece =
              from == 0 && to == spans.size()
                  ? ss
                  : ss.toBuilder().clearSpans().addAllSpans(spans.subList(from, to)).build();
          part.addScopeSpans(piece);
          partCount += to - from;
          from = to;
          if (currentCount + partCount == maxSpans) {
            current.add(part.build());
            out.add(new Traces(List.copyOf(current), maxSpans));
            current.clear();
            currentCount = 0;
            part = rs.toBuilder().clearScopeSpans();
            partCount = 0;
          }
        }
      }
      if (partCount > 0) {
        current.add(part.build());
        currentCount += partCount;
      }
    }
    if (currentCount > 0) {
      out.add(new Traces(List.copyOf(current), currentCount));
    }
    return List.copyOf(out);
  }

  private static int countSpans(List<ResourceSpans> list) {
    int n = 0;
    for (ResourceSpans rs : list) {
      n += countSpans(rs);
    }
    return n;
  }

  private static int countSpans(ResourceSpans rs) {
    int n = 0;
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      n += ss.getSpansCount();
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Traces other && resourceSpans.equals(other.resourceSpans);
  }

  @Override
  public int hashCode() {
    return resourceSpans.hashCode();
  }

  @Override
  public String toString() {
    return "Traces{resourceSpans=" + resourceSpans.size() + ", spans=" + spanCount + "}";
  }
}
