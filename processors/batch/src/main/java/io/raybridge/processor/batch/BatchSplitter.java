package io.raybridge.processor.batch;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges and cuts batches. {@link #merge} puts the spans of equal resources and scopes (from
 * separate requests) into one resource and one scope, so that a resource's attributes travel once
 * per batch. {@link #split} cuts a batch into batches of at most {@code maxSpans} spans and {@code
 * maxBytes} bytes of OTLP encoding ({@link Traces#sizeBound()}), filling each batch before starting
 * the next; a resource or scope is cut only at a batch boundary, and every piece carries the
 * resource's and the scope's identity. The one exception to the byte bound is a single span whose
 * encoding alone exceeds it: it travels alone, since it cannot be cut (see {@link
 * #oversizedSpans()}).
 *
 * <p>Sizes are computed exactly from the protobuf field sizes, without building intermediate
 * messages. Not thread-safe: one instance per call.
 */
final class BatchSplitter {

  private final int maxSpans;
  private final long maxBytes;
  private final List<Traces> out = new ArrayList<>();
  private int oversizedSpans;

  // The batch being filled: closed resource entries plus, while cutting, one open resource.
  private final List<ResourceSpans> current = new ArrayList<>();
  private int currentSpans;
  private long currentBytes;

  /**
   * @param maxSpans the most spans per batch; 0 for no limit
   * @param maxBytes the most bytes per batch; 0 for no limit
   */
  BatchSplitter(int maxSpans, long maxBytes) {
    this.maxSpans = maxSpans <= 0 ? Integer.MAX_VALUE : maxSpans;
    this.maxBytes = maxBytes <= 0 ? Long.MAX_VALUE : maxBytes;
  }

  /**
   * Whether {@code traces} can be sent as it is. Spans still held as unread source documents count
   * by their bound ({@link Traces#sizeBound()}), so that checking does not read them.
   */
  boolean fits(Traces traces) {
    return traces.spanCount() <= maxSpans
        && (maxBytes == Long.MAX_VALUE || traces.sizeBound() <= maxBytes);
  }

  /** {@code traces} cut into batches within the limits, in order. */
  List<Traces> split(Traces traces) {
    if (traces.isEmpty()) {
      return List.of();
    }
    if (fits(traces)) {
      return List.of(traces);
    }
    if (traces.hasUnreadDocuments()) {
      // Whole resources packed by their bounds, so that documents on their way to an exporter of
      // their format stay unread; only a resource over a limit by itself is read and cut.
      List<Traces> whole =
          traces.splitWhole(
              maxSpans == Integer.MAX_VALUE ? 0 : maxSpans,
              maxBytes == Long.MAX_VALUE ? 0 : maxBytes);
      for (Traces piece : whole) {
        if (fits(piece)) {
          out.add(piece);
        } else {
          cut(piece);
        }
      }
      return List.copyOf(out);
    }
    cut(traces);
    return List.copyOf(out);
  }

  /** Cuts {@code traces} resource by resource into {@link #out}. */
  private void cut(Traces traces) {
    for (ResourceSpans rs : traces.resourceSpans()) {
      int spans = spanCount(rs);
      if (spans == 0) {
        continue;
      }
      long bytes = entry(rs.getSerializedSize());
      if (fitsCurrent(spans, bytes)) {
        add(rs, spans, bytes);
      } else {
        cutResource(rs);
      }
    }
    closeBatch();
  }

  /** Spans sent alone because each one exceeds the byte limit by itself. */
  int oversizedSpans() {
    return oversizedSpans;
  }

  private boolean fitsCurrent(int spans, long bytes) {
    return currentSpans + spans <= maxSpans && currentBytes + bytes <= maxBytes;
  }

  private void add(ResourceSpans rs, int spans, long bytes) {
    current.add(rs);
    currentSpans += spans;
    currentBytes += bytes;
  }

  private void closeBatch() {
    if (currentSpans > 0) {
      out.add(Traces.of(current));
    }
    current.clear();
    currentSpans = 0;
    currentBytes = 0;
  }

  /** Cuts a resource that does not fit in the rest of the current batch. */
  private void cutResource(ResourceSpans rs) {
    ResourceSpans header = rs.toBuilder().clearScopeSpans().build();
    Piece piece = new Piece(header);
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      if (ss.getSpansCount() == 0) {
        continue;
      }
      long scopeEntry = entry(ss.getSerializedSize());
      if (piece.fitsScope(ss.getSpansCount(), scopeEntry)) {
        piece.addScope(ss, scopeEntry);
        continue;
      }
      cutScope(piece, ss);
      piece = piece.last;
    }
    piece.closeInto();
  }

  /** Adds the spans of {@code ss} one by one, closing batches as they fill. */
  private void cutScope(Piece start, ScopeSpans ss) {
    ScopeSpans scopeHeader = ss.toBuilder().clearSpans().build();
    Piece piece = start;
    piece.openScope(scopeHeader);
    for (Span span : ss.getSpansList()) {
      long spanEntry = entry(span.getSerializedSize());
      if (!piece.fitsSpan(spanEntry) && !piece.isEmpty()) {
        piece = piece.close();
        piece.openScope(scopeHeader);
      }
      if (!piece.fitsSpan(spanEntry)) {
        oversizedSpans++;
      }
      piece.addSpan(span, spanEntry);
    }
    piece.closeScope();
    start.last = piece;
  }

  /**
   * The part of one resource that goes into the batch being filled: the resource header, whole
   * scopes already added and at most one open scope being filled span by span.
   */
  private final class Piece {
    private final ResourceSpans header;
    private final long headerSize;
    private final List<ScopeSpans> scopes = new ArrayList<>();
    private long scopesBytes;
    private int spans;

    private ScopeSpans scopeHeader;
    private final List<Span> scopeSpans = new ArrayList<>();
    private long scopeSpansBytes;

    /** Where a cut scope left off (set by {@link #cutScope}). */
    private Piece last;

    Piece(ResourceSpans header) {
      this.header = header;
      this.headerSize = header.getSerializedSize();
      this.last = this;
    }

    boolean isEmpty() {
      return spans == 0 && currentSpans == 0;
    }

    /** The encoded size of the batch if this piece had {@code extraScopeBytes} more. */
    private long batchBytesWith(long extraScopeBytes, long extraOpenScopeBytes) {
      long resourceSize = headerSize + scopesBytes + extraScopeBytes;
      if (scopeHeader != null || extraOpenScopeBytes > 0) {
        long openSize =
            (scopeHeader == null ? 0 : scopeHeader.getSerializedSize())
                + scopeSpansBytes
                + extraOpenScopeBytes;
        resourceSize += entry(openSize);
      }
      return currentBytes + entry(resourceSize);
    }

    boolean fitsScope(int scopeSpanCount, long scopeEntry) {
      return currentSpans + spans + scopeSpanCount <= maxSpans
          && batchBytesWith(scopeEntry, 0) <= maxBytes;
    }

    boolean fitsSpan(long spanEntry) {
      return currentSpans + spans + 1 <= maxSpans && batchBytesWith(0, spanEntry) <= maxBytes;
    }

    void addScope(ScopeSpans ss, long scopeEntry) {
      scopes.add(ss);
      scopesBytes += scopeEntry;
      spans += ss.getSpansCount();
    }

    void openScope(ScopeSpans header) {
      scopeHeader = header;
      scopeSpans.clear();
      scopeSpansBytes = 0;
    }

    void addSpan(Span span, long spanEntry) {
      scopeSpans.add(span);
      scopeSpansBytes += spanEntry;
      spans++;
    }

    void closeScope() {
      if (scopeHeader != null && !scopeSpans.isEmpty()) {
        ScopeSpans built = scopeHeader.toBuilder().addAllSpans(scopeSpans).build();
        scopes.add(built);
        scopesBytes += entry(built.getSerializedSize());
      }
      scopeHeader = null;
      scopeSpans.clear();
      scopeSpansBytes = 0;
    }

    /** Adds this piece to the batch being filled (a no-op when it holds no span). */
    void closeInto() {
      closeScope();
      if (spans > 0) {
        ResourceSpans built = header.toBuilder().addAllScopeSpans(scopes).build();
        add(built, spans, entry(built.getSerializedSize()));
      }
    }

    /** Closes this piece and the batch; returns an empty piece of the same resource. */
    Piece close() {
      closeInto();
      closeBatch();
      return new Piece(header);
    }
  }

  /**
   * The batches concatenated, with the spans of equal resources (resource and schema URL) under one
   * resource and, inside it, the spans of equal scopes under one scope, in order of first
   * appearance. Messages without a duplicate are reused as they are. Batches that all hold their
   * spans as received bytes are only concatenated.
   */
  static Traces merge(List<Traces> batches) {
    if (allAsReceived(batches)) {
      // Forwarded as received (OTLP bytes, or spans beside the documents they were read from):
      // appended like the Collector's batch processor does, since merging would decode and
      // re-encode every span, or part spans from their documents.
      return Traces.concat(batches);
    }
    Map<ResourceSpans, List<ResourceSpans>> byResource = new LinkedHashMap<>();
    int total = 0;
    for (Traces t : batches) {
      for (ResourceSpans rs : t.resourceSpans()) {
        ResourceSpans key = rs.toBuilder().clearScopeSpans().build();
        byResource.computeIfAbsent(key, k -> new ArrayList<>(1)).add(rs);
        total++;
      }
    }
    if (byResource.size() == total && batches.size() == 1) {
      return batches.get(0);
    }
    List<ResourceSpans> out = new ArrayList<>(byResource.size());
    for (Map.Entry<ResourceSpans, List<ResourceSpans>> e : byResource.entrySet()) {
      List<ResourceSpans> group = e.getValue();
      if (group.size() == 1) {
        out.add(group.get(0));
        continue;
      }
      Map<ScopeSpans, List<ScopeSpans>> byScope = new LinkedHashMap<>();
      for (ResourceSpans rs : group) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          byScope
              .computeIfAbsent(ss.toBuilder().clearSpans().build(), k -> new ArrayList<>(1))
              .add(ss);
        }
      }
      ResourceSpans.Builder merged = e.getKey().toBuilder();
      for (Map.Entry<ScopeSpans, List<ScopeSpans>> se : byScope.entrySet()) {
        if (se.getValue().size() == 1) {
          merged.addScopeSpans(se.getValue().get(0));
        } else {
          ScopeSpans.Builder scope = se.getKey().toBuilder();
          se.getValue().forEach(ss -> scope.addAllSpans(ss.getSpansList()));
          merged.addScopeSpans(scope);
        }
      }
      out.add(merged.build());
    }
    return Traces.of(out);
  }

  private static boolean allAsReceived(List<Traces> batches) {
    for (Traces t : batches) {
      if (!t.isEncoded() && !t.hasSourceDocuments()) {
        return false;
      }
    }
    return true;
  }

  /** The bytes a length-delimited field of {@code size} bytes takes with a one-byte tag. */
  static long entry(long size) {
    return 1 + CodedOutputStream.computeUInt64SizeNoTag(size) + size;
  }

  private static int spanCount(ResourceSpans rs) {
    int n = 0;
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      n += ss.getSpansCount();
    }
    return n;
  }
}
