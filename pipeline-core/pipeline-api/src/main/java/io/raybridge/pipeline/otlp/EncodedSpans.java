package io.raybridge.pipeline.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks the spans of an encoded {@code ResourceSpans} message (an element of {@link
 * io.raybridge.pipeline.Traces#encodedResourceSpans()}) without decoding it: for each scope, the
 * resource and the scope as they arrived, and for each span its bytes, its trace id and whether it
 * has a parent. A component that only needs those, and keeps or forwards the spans' bytes, never
 * builds the messages.
 *
 * <p>The bytes must be a message that parses, as {@link OtlpWire#scanRequest} checks; a field that
 * occurs more than once is read as the protobuf parser reads it (the last occurrence wins).
 */
public final class EncodedSpans {

  private static final int TAG_SCOPE_SPANS = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_SPANS = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_TRACE_ID = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_PARENT_SPAN_ID = 4 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private EncodedSpans() {}

  /** What a walk reports, in the order of the bytes. */
  public interface Visitor {

    /**
     * A {@code ScopeSpans} of the resource starts.
     *
     * @param resource the {@code ResourceSpans} without its {@code scope_spans}: its other fields
     *     as they arrived, in order (a fresh array, shared by the resource's scopes)
     * @param scope the {@code ScopeSpans} without its {@code spans}, likewise (a fresh array)
     */
    void scope(byte[] resource, byte[] scope);

    /** One span of the current scope; {@code span} is only valid during the call. */
    void span(SpanBytes span);
  }

  /** One span of a walk: a view of the walked bytes, reused from span to span. */
  public static final class SpanBytes {
    private SpanFields at;

    private SpanBytes() {}

    /** The bytes being walked. */
    public byte[] buffer() {
      return at.run.buf;
    }

    /**
     * Where the span's {@code spans} field starts in {@link #buffer()}: its tag, its length and the
     * message up to {@link #end()} are the span as a {@code ScopeSpans} holds it.
     */
    public int fieldStart() {
      return at.fieldStart;
    }

    /** Where the span's message ends in {@link #buffer()} (exclusive). */
    public int end() {
      return at.spanEnd;
    }

    /** Where the trace id starts in {@link #buffer()}. */
    public int traceIdStart() {
      return at.traceIdStart;
    }

    /** The trace id's length in bytes (0 where the span has none). */
    public int traceIdLength() {
      return at.traceIdLength;
    }

    /** Whether {@code parent_span_id} is set (non-empty). */
    public boolean hasParent() {
      return at.hasParent;
    }

    /** The span, decoded. */
    public Span decode() {
      try {
        return Span.parseFrom(Arrays.copyOfRange(at.run.buf, at.spanStart, at.spanEnd));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("checked span bytes do not parse", e);
      }
    }
  }

  /**
   * Reads, span by span, the fields that decisions over a whole trace look at (trace id, times,
   * status code, trace state) from a run of encoded {@code spans} fields of a {@code ScopeSpans}:
   * each the field's tag, its length and the span, as {@link SpanBytes#fieldStart()} to {@link
   * SpanBytes#end()} delimit it. Nothing is decoded; a field that occurs more than once reads as
   * the protobuf parser reads it (the last occurrence wins, and a repeated {@code status} merges,
   * so the last {@code code} in any of them counts). The run must be one that parses.
   */
  public static final class SpanFields {
    private static final int TAG_TRACE_STATE = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int TAG_START = 7 << 3 | WireFormat.WIRETYPE_FIXED64;
    private static final int TAG_END = 8 << 3 | WireFormat.WIRETYPE_FIXED64;
    private static final int TAG_STATUS = 15 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int TAG_STATUS_CODE = 3 << 3 | WireFormat.WIRETYPE_VARINT;

    private final WireReader run;
    private int fieldStart;
    private int spanStart;
    private int spanEnd;
    private boolean hasParent;
    private long start;
    private long end;
    private int statusCode;
    private int traceIdStart;
    private int traceIdLength;
    private int traceStateStart;
    private int traceStateLength;

    /** A reader of the run {@code buf[from, to)}, before its first span. */
    public SpanFields(byte[] buf, int from, int to) {
      this.run = new WireReader(buf, from, to);
    }

    /** Moves to the next span; false when the run has no more. */
    public boolean next() {
      while (run.more()) {
        int at = run.pos;
        int tag = run.varint32();
        if (tag != TAG_SPANS) {
          run.skip(tag);
          continue;
        }
        int len = run.varint32();
        fieldStart = at;
        spanStart = run.pos;
        spanEnd = run.pos + len;
        read(new WireReader(run.buf, spanStart, spanEnd));
        run.pos = spanEnd;
        return true;
      }
      return false;
    }

    private void read(WireReader r) {
      start = 0;
      end = 0;
      statusCode = 0;
      hasParent = false;
      traceIdStart = spanStart;
      traceIdLength = 0;
      traceStateLength = 0;
      while (r.more()) {
        int tag = r.varint32();
        switch (tag) {
          case TAG_TRACE_ID -> {
            traceIdLength = r.varint32();
            traceIdStart = r.pos;
            r.pos += traceIdLength;
          }
          case TAG_PARENT_SPAN_ID -> {
            int len = r.varint32();
            hasParent = len > 0;
            r.pos += len;
          }
          case TAG_TRACE_STATE -> {
            traceStateLength = r.varint32();
            traceStateStart = r.pos;
            r.pos += traceStateLength;
          }
          case TAG_START -> start = r.fixed64();
          case TAG_END -> end = r.fixed64();
          case TAG_STATUS -> {
            int len = r.varint32();
            int statusEnd = r.pos + len;
            while (r.pos < statusEnd) {
              int t = r.varint32();
              if (t == TAG_STATUS_CODE) {
                statusCode = r.varint32();
              } else {
                r.skip(t);
              }
            }
          }
          default -> r.skip(tag);
        }
      }
    }

    /** The current span's {@code start_time_unix_nano}. */
    public long startTimeUnixNano() {
      return start;
    }

    /** The current span's {@code end_time_unix_nano}. */
    public long endTimeUnixNano() {
      return end;
    }

    /**
     * The number of the current span's {@code status.code} ({@code Status.StatusCode}'s numbers; 0,
     * unset, without a status).
     */
    public int statusCode() {
      return statusCode;
    }

    /** The current span's {@code trace_state}; empty when it has none. */
    public String traceState() {
      return traceStateLength == 0
          ? ""
          : new String(run.buf, traceStateStart, traceStateLength, StandardCharsets.UTF_8);
    }

    /** The current span's trace id (a copy; empty when it has none). */
    public ByteString traceId() {
      return ByteString.copyFrom(run.buf, traceIdStart, traceIdLength);
    }
  }

  /** Walks the encoded {@code ResourceSpans} in {@code bytes}. */
  public static void walk(byte[] bytes, Visitor visitor) {
    byte[] resource = null;
    SpanBytes span = new SpanBytes();
    WireReader r = new WireReader(bytes, 0, bytes.length);
    while (r.more()) {
      int tag = r.varint32();
      if (tag != TAG_SCOPE_SPANS) {
        r.skip(tag);
        continue;
      }
      int len = r.varint32();
      int scopeStart = r.pos;
      int scopeEnd = scopeStart + len;
      if (resource == null) {
        resource = without(bytes, 0, bytes.length, TAG_SCOPE_SPANS);
      }
      visitor.scope(resource, without(bytes, scopeStart, scopeEnd, TAG_SPANS));
      span.at = new SpanFields(bytes, scopeStart, scopeEnd);
      while (span.at.next()) {
        visitor.span(span);
      }
      r.pos = scopeEnd;
    }
  }

  /** The fields of the message in {@code [from, to)} other than those with tag {@code drop}. */
  private static byte[] without(byte[] bytes, int from, int to, int drop) {
    WireOut out = new WireOut();
    WireReader r = new WireReader(bytes, from, to);
    while (r.more()) {
      int fieldStart = r.pos;
      int tag = r.varint32();
      r.skip(tag);
      if (tag != drop) {
        out.copy(bytes, fieldStart, r.pos);
      }
    }
    return out.toArray();
  }
}
