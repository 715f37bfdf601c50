package io.raybridge.pipeline;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.otlp.OtlpWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An immutable batch of spans, held as OTLP {@link ResourceSpans} messages. It is the only type
 * that crosses a component boundary.
 *
 * <p>A batch built by a receiver from an encoded request ({@link #ofEncoded}) keeps each resource's
 * spans as the bytes that arrived and decodes them only when a component first asks for the
 * messages ({@link #resourceSpans()}); a pipeline that only batches and forwards spans passes the
 * bytes through ({@link #writeRequestTo}, {@link #toRequestBytes()}) without ever building them.
 *
 * <p>The span count is known at construction; the encoded size is computed on first use and cached.
 * Nothing is copied: protobuf messages and the received bytes are immutable, so {@code concat} and
 * {@code split} share them. {@code split} keeps a resource's and a scope's spans together where the
 * limit allows and never separates a span from its resource and scope.
 *
 * <p>Instances are safe to share between threads.
 */
public final class Traces {

  private static final Traces EMPTY = new Traces(List.of(), 0);

  /**
   * One {@code ResourceSpans}: its message, its encoding, or both once one was derived; and, for a
   * resource read from a source document in another format, that document, and until the message is
   * first asked for, perhaps only the means to read it from the document.
   */
  private static final class Part {
    private final ByteString encoded;
    private final int spans;
    private final String documentFormat;
    private final ByteString document;
    private volatile ResourceSpans message;

    /** Builds the message of a resource held only as its document; null once it was built. */
    private volatile Supplier<ResourceSpans> reader;

    private final boolean fromReader;

    /** For a part built from a reader, the most bytes its message can encode to. */
    private final int sizeBound;

    Part(ResourceSpans message, int spans) {
      this(message, spans, null, null);
    }

    Part(ResourceSpans message, int spans, String documentFormat, ByteString document) {
      this.encoded = null;
      this.message = message;
      this.spans = spans;
      this.documentFormat = documentFormat;
      this.document = document;
      this.fromReader = false;
      this.sizeBound = -1;
    }

    Part(ByteString encoded, int spans) {
      this.encoded = encoded;
      this.spans = spans;
      this.documentFormat = null;
      this.document = null;
      this.fromReader = false;
      this.sizeBound = -1;
    }

    Part(
        Supplier<ResourceSpans> reader,
        int spans,
        int sizeBound,
        String documentFormat,
        ByteString document) {
      this.encoded = null;
      this.reader = reader;
      this.fromReader = true;
      this.sizeBound = sizeBound;
      this.spans = spans;
      this.documentFormat = documentFormat;
      this.document = document;
    }

    ResourceSpans message() {
      ResourceSpans m = message;
      if (m == null && encoded == null) {
        Supplier<ResourceSpans> r = reader;
        if (r == null) {
          // Another thread built it and dropped the reader after publishing the message.
          return message;
        }
        m = readDocument(r);
        message = m;
        reader = null;
      } else if (m == null) {
        try {
          m = ResourceSpans.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
          // ofEncoded's contract is bytes that were checked to parse.
          throw new IllegalStateException("encoded resource spans do not parse", e);
        }
        message = m;
      }
      return m;
    }

    private ResourceSpans readDocument(Supplier<ResourceSpans> r) {
      ResourceSpans m = r.get();
      if (m == null) {
        throw new IllegalStateException("reading a " + documentFormat + " document gave no spans");
      }
      int n = countSpans(m);
      if (n != spans) {
        // ofDocuments' contract is a count the reader keeps to.
        throw new IllegalStateException(
            "a " + documentFormat + " document was counted as " + spans + " spans but holds " + n);
      }
      return m;
    }

    int size() {
      return encoded != null ? encoded.size() : message().getSerializedSize();
    }

    /** {@link #size()}, or for a part built from a reader, its document's size. */
    int estimatedSize() {
      return fromReader ? document.size() : size();
    }

    /** {@link #size()}, or for a part built from a reader and not read yet, its bound. */
    int sizeBound() {
      return unread() ? sizeBound : size();
    }

    /** Whether it is held only as a document its reader has not read yet. */
    boolean unread() {
      return fromReader && message == null;
    }

    void writeTo(CodedOutputStream out) throws IOException {
      if (encoded != null) {
        out.writeBytes(RESOURCE_SPANS_FIELD, encoded);
      } else {
        out.writeMessage(RESOURCE_SPANS_FIELD, message());
      }
    }
  }

  /** {@code ExportTraceServiceRequest.resource_spans}. */
  private static final int RESOURCE_SPANS_FIELD = 1;

  private final List<Part> parts;
  private final int spanCount;
  private volatile int serializedSize = -1;
  private volatile int estimatedSize = -1;
  private volatile List<ResourceSpans> resourceSpans;

  private Traces(List<Part> parts, int spanCount) {
    this.parts = parts;
    this.spanCount = spanCount;
  }

  /** A batch of the given resource spans (the list is copied; the messages are not). */
  public static Traces of(List<ResourceSpans> resourceSpans) {
    Objects.requireNonNull(resourceSpans, "resourceSpans");
    return ofMessages(resourceSpans, null, null);
  }

  /** A batch of messages, each with its document ({@code documents} may be null: none). */
  private static Traces ofMessages(
      List<ResourceSpans> resourceSpans, String format, List<ByteString> documents) {
    if (resourceSpans.isEmpty()) {
      return EMPTY;
    }
    List<ResourceSpans> copy = List.copyOf(resourceSpans);
    Part[] parts = new Part[copy.size()];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      ResourceSpans rs = copy.get(i);
      ByteString document = documents == null ? null : documents.get(i);
      int n = countSpans(rs);
      parts[i] = new Part(rs, n, document == null ? null : format, document);
      total += n;
    }
    Traces t = new Traces(List.of(parts), total);
    t.resourceSpans = copy;
    return t;
  }

  /** A batch of the given resource spans. */
  public static Traces of(ResourceSpans... resourceSpans) {
    return of(List.of(resourceSpans));
  }

  /**
   * A batch of resource spans each read from one source document, kept beside them: an exporter
   * that writes the documents' format can send them as they arrived instead of encoding the spans
   * again ({@link #sourceDocuments}). A batch is immutable and a component that changes spans
   * builds a new batch, which holds no documents, so a document stays with its spans only while
   * they are exactly what was read from it; {@link #concat} and {@link #split} keep it where a
   * resource stays whole.
   *
   * @param format names the documents' format, e.g. {@code "xray-segment"}
   * @param documents one per resource, in order; a null entry where a resource has none (it was
   *     read from a part of a larger document, say)
   */
  public static Traces ofDocuments(
      String format, List<ResourceSpans> resourceSpans, List<ByteString> documents) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(resourceSpans, "resourceSpans");
    Objects.requireNonNull(documents, "documents");
    if (resourceSpans.size() != documents.size()) {
      throw new IllegalArgumentException(
          resourceSpans.size() + " resource spans but " + documents.size() + " documents");
    }
    return ofMessages(resourceSpans, format, documents);
  }

  /**
   * A batch of source documents whose spans are read from them only when a component first asks for
   * the messages ({@link #resourceSpans()}): a pipeline that forwards the documents to an exporter
   * of their format ({@link #sourceDocuments}) never builds the spans. Otherwise it behaves as
   * {@link #ofDocuments(String, List, List)} with the spans the readers give.
   *
   * <p>The caller vouches that each reader gives the resource spans read from its document, with
   * exactly the given number of spans, and does not fail: it checks each document first, as a
   * receiver checks what it accepts. A reader is called at most once unless two threads ask at the
   * same time, and is dropped once it gave the spans.
   *
   * @param format names the documents' format, e.g. {@code "xray-segment"}
   * @param documents the documents, one per resource
   * @param spanCounts how many spans each document holds
   * @param sizeBounds for each document, the most bytes its resource spans encode to, so that byte
   *     limits can be kept without reading it ({@link #sizeBound()})
   * @param readers one per document: builds its resource spans
   */
  public static Traces ofDocuments(
      String format,
      List<ByteString> documents,
      int[] spanCounts,
      int[] sizeBounds,
      List<? extends Supplier<ResourceSpans>> readers) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(documents, "documents");
    Objects.requireNonNull(readers, "readers");
    if (documents.size() != spanCounts.length
        || documents.size() != sizeBounds.length
        || documents.size() != readers.size()) {
      throw new IllegalArgumentException(
          documents.size()
              + " documents but "
              + spanCounts.length
              + " span counts, "
              + sizeBounds.length
              + " size bounds and "
              + readers.size()
              + " readers");
    }
    if (documents.isEmpty()) {
      return EMPTY;
    }
    Part[] parts = new Part[spanCounts.length];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] =
          new Part(
              Objects.requireNonNull(readers.get(i), "reader"),
              spanCounts[i],
              sizeBounds[i],
              format,
              Objects.requireNonNull(documents.get(i), "document"));
      total += spanCounts[i];
    }
    return new Traces(List.of(parts), total);
  }

  /** The resource spans of an OTLP export request. */
  public static Traces fromRequest(ExportTraceServiceRequest request) {
    Objects.requireNonNull(request, "request");
    return of(request.getResourceSpansList());
  }

  /**
   * A batch held as encoded {@code ResourceSpans} messages, decoded only when {@link
   * #resourceSpans()} is first called. The caller vouches that each element parses and holds the
   * given number of spans, as {@link io.raybridge.pipeline.otlp.OtlpWire#scanRequest} checks.
   */
  public static Traces ofEncoded(List<ByteString> resourceSpans, int[] spanCounts) {
    Objects.requireNonNull(resourceSpans, "resourceSpans");
    if (resourceSpans.size() != spanCounts.length) {
      throw new IllegalArgumentException(
          resourceSpans.size() + " resource spans but " + spanCounts.length + " span counts");
    }
    if (resourceSpans.isEmpty()) {
      return EMPTY;
    }
    Part[] parts = new Part[spanCounts.length];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = new Part(resourceSpans.get(i), spanCounts[i]);
      total += spanCounts[i];
    }
    return new Traces(List.of(parts), total);
  }

  /**
   * The batch an encoded OTLP export request holds, checked as the protobuf parser would check it
   * but not decoded; see {@link #ofEncoded}.
   *
   * @throws InvalidProtocolBufferException if the bytes are not a valid request
   */
  public static Traces fromEncodedRequest(byte[] request) throws InvalidProtocolBufferException {
    OtlpWire.Scan scan = OtlpWire.scanRequest(request);
    return ofEncoded(scan.resourceSpans(), scan.spanCounts());
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
      groups += t.parts.size();
    }
    if (groups == 0) {
      return EMPTY;
    }
    Part[] all = new Part[groups];
    int i = 0;
    for (Traces t : batches) {
      for (Part p : t.parts) {
        all[i++] = p;
      }
    }
    return new Traces(List.of(all), total);
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

  /** How many {@code ResourceSpans} the batch holds: the size of {@link #resourceSpans()}. */
  public int resourceCount() {
    return parts.size();
  }

  /**
   * The element {@code index} of {@link #resourceSpans()}, decoding or reading only that resource
   * where the batch holds encodings or unread documents.
   */
  public ResourceSpans resourceSpans(int index) {
    List<ResourceSpans> list = resourceSpans;
    return list != null ? list.get(index) : parts.get(index).message();
  }

  /** The resource spans, unmodifiable; decoded on first call where the batch holds encodings. */
  public List<ResourceSpans> resourceSpans() {
    List<ResourceSpans> list = resourceSpans;
    if (list == null) {
      ResourceSpans[] messages = new ResourceSpans[parts.size()];
      for (int i = 0; i < messages.length; i++) {
        messages[i] = parts.get(i).message();
      }
      list = List.of(messages);
      resourceSpans = list;
    }
    return list;
  }

  /**
   * Whether every resource of this batch is held as the bytes that arrived (see {@link
   * #ofEncoded}), so that forwarding it needs no encoding. False for the empty batch.
   */
  public boolean isEncoded() {
    return everyPart(p -> p.encoded != null);
  }

  private boolean everyPart(Predicate<Part> test) {
    if (parts.isEmpty()) {
      return false;
    }
    for (Part p : parts) {
      if (!test.test(p)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The encoded {@code ResourceSpans} messages of a batch that {@linkplain #isEncoded() is held
   * encoded}, in order, as they arrived (see {@link io.raybridge.pipeline.otlp.EncodedSpanFilter}).
   *
   * @throws IllegalStateException if the batch is not held encoded
   */
  public List<ByteString> encodedResourceSpans() {
    if (!isEncoded()) {
      throw new IllegalStateException("the batch is not held encoded");
    }
    ByteString[] encoded = new ByteString[parts.size()];
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = parts.get(i).encoded;
    }
    return List.of(encoded);
  }

  /**
   * Whether every resource of this batch carries the source document it was read from (see {@link
   * #ofDocuments}). False for the empty batch.
   */
  public boolean hasSourceDocuments() {
    return everyPart(p -> p.document != null);
  }

  /**
   * The source documents of the given format (see {@link #ofDocuments}), one per element of {@link
   * #resourceSpans()} and in the same order; an entry is null where that resource carries no
   * document of this format. Null when no resource of the batch carries one.
   */
  public List<ByteString> sourceDocuments(String format) {
    Objects.requireNonNull(format, "format");
    ByteString[] out = null;
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      if (p.document != null && format.equals(p.documentFormat)) {
        if (out == null) {
          out = new ByteString[parts.size()];
        }
        out[i] = p.document;
      }
    }
    return out == null ? null : Collections.unmodifiableList(Arrays.asList(out));
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
      for (Part p : parts) {
        int len = p.size();
        size += entrySize(len);
      }
      serializedSize = size;
    }
    return size;
  }

  /**
   * {@link #serializedSize()} without reading any source document: where a resource is still held
   * only as the document it will be read from ({@link #ofDocuments(String, List, int[], int[],
   * List)}), that document's size stands in for its encoding. For bounds and metrics in bytes that
   * should not force the spans to be built; it does not change once the batch exists.
   */
  public int estimatedSize() {
    int size = estimatedSize;
    if (size < 0) {
      size = 0;
      for (Part p : parts) {
        int len = p.estimatedSize();
        size += entrySize(len);
      }
      estimatedSize = size;
    }
    return size;
  }

  /**
   * At least {@link #serializedSize()}, without reading any source document: where a resource is
   * still held only as the document it will be read from ({@link #ofDocuments(String, List, int[],
   * int[], List)}), the bound its creator gave stands in for its encoding; otherwise exact. For
   * limits in bytes that must hold without building the spans.
   */
  public long sizeBound() {
    long size = 0;
    for (Part p : parts) {
      int len = p.sizeBound();
      size += entrySize(len);
    }
    return size;
  }

  /**
   * Splits this batch into batches of whole resources, in order, each within {@code maxSpans} spans
   * and {@code maxBytes} of {@link #sizeBound()}, without reading any source document. A resource
   * that alone exceeds a limit is a batch of its own, to be cut by the caller.
   *
   * @param maxSpans the most spans per batch; 0 or less for no limit
   * @param maxBytes the most bytes per batch; 0 or less for no limit
   */
  public List<Traces> splitWhole(int maxSpans, long maxBytes) {
    long spanLimit = maxSpans <= 0 ? Long.MAX_VALUE : maxSpans;
    long byteLimit = maxBytes <= 0 ? Long.MAX_VALUE : maxBytes;
    List<Traces> out = new ArrayList<>();
    List<Part> current = new ArrayList<>();
    long spans = 0;
    long bytes = 0;
    for (Part p : parts) {
      if (p.spans == 0) {
        continue;
      }
      int len = p.sizeBound();
      long entry = entrySize(len);
      if (!current.isEmpty() && (spans + p.spans > spanLimit || bytes + entry > byteLimit)) {
        out.add(new Traces(List.copyOf(current), (int) spans));
        current.clear();
        spans = 0;
        bytes = 0;
      }
      current.add(p);
      spans += p.spans;
      bytes += entry;
    }
    if (!current.isEmpty()) {
      out.add(new Traces(List.copyOf(current), (int) spans));
    }
    return List.copyOf(out);
  }

  /**
   * Whether some resource of this batch is held only as a source document that has not been read
   * into spans yet (see {@link #ofDocuments(String, List, int[], int[], List)}).
   */
  public boolean hasUnreadDocuments() {
    for (Part p : parts) {
      if (p.unread()) {
        return true;
      }
    }
    return false;
  }

  /** This batch as an OTLP export request. */
  public ExportTraceServiceRequest toRequest() {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans()).build();
  }

  /**
   * Writes this batch as an encoded {@link ExportTraceServiceRequest}, passing received bytes
   * through unchanged. Produces the same bytes as {@code toRequest().writeTo(out)} up to the order
   * of fields inside received messages, which are kept as they arrived.
   */
  public void writeRequestTo(CodedOutputStream out) throws IOException {
    for (Part p : parts) {
      p.writeTo(out);
    }
  }

  /** This batch as an encoded {@link ExportTraceServiceRequest}; see {@link #writeRequestTo}. */
  public byte[] toRequestBytes() {
    byte[] bytes = new byte[serializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writeRequestTo(out);
    } catch (IOException e) {
      throw new IllegalStateException("encoding into an array cannot fail", e);
    }
    out.checkNoSpaceLeft();
    return bytes;
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
    List<Part> current = new ArrayList<>();
    int currentCount = 0;
    for (Part p : parts) {
      if (currentCount + p.spans <= maxSpans) {
        current.add(p);
        currentCount += p.spans;
        if (currentCount == maxSpans) {
          out.add(new Traces(List.copyOf(current), currentCount));
          current.clear();
          currentCount = 0;
        }
        continue;
      }
      // The resource does not fit whole: decode it and cut it scope by scope, span by span.
      ResourceSpans rs = p.message();
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
            current.add(new Part(part.build(), partCount));
            out.add(new Traces(List.copyOf(current), maxSpans));
            current.clear();
            currentCount = 0;
            part = rs.toBuilder().clearScopeSpans();
            partCount = 0;
          }
        }
      }
      if (partCount > 0) {
        current.add(new Part(part.build(), partCount));
        currentCount += partCount;
      }
    }
    if (currentCount > 0) {
      out.add(new Traces(List.copyOf(current), currentCount));
    }
    return List.copyOf(out);
  }

  /** The bytes one {@code resource_spans} entry of {@code len} bytes takes in a request. */
  private static int entrySize(int len) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(len) + len;
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
    return o instanceof Traces other && resourceSpans().equals(other.resourceSpans());
  }

  @Override
  public int hashCode() {
    return resourceSpans().hashCode();
  }

  @Override
  public String toString() {
    return "Traces{resourceSpans=" + parts.size() + ", spans=" + spanCount + "}";
  }
}
