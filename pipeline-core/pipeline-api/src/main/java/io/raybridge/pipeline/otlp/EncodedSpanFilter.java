package io.raybridge.pipeline.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.raybridge.pipeline.Traces;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps or drops the spans of an encoded batch ({@link Traces#isEncoded()}) without decoding it:
 * each span is read only as far as its trace id, its {@code trace_state} and, when asked, one
 * attribute; kept spans are copied as they arrived, and a span whose trace state the caller
 * replaces is rewritten with only that field changed. A processor that decides span by span from
 * those fields (a probabilistic sampler) thus keeps the receiver's pass-through.
 *
 * <p>The result equals what filtering the decoded messages would give: the same spans in the same
 * order, a scope or resource left out once it has no span left (one that had none to begin with is
 * kept), unknown fields kept. When nothing is dropped or rewritten the input itself is returned.
 *
 * <p>The bytes are those {@link OtlpWire#scanRequest} checked, so they are well formed; the reads
 * here follow the protobuf rules for repeated occurrences of a singular field (the last one wins)
 * and treat a known field number with an unexpected wire type as an unknown field, as the runtime
 * does.
 */
public final class EncodedSpanFilter {
  private EncodedSpanFilter() {}

  /** Decides one span. */
  @FunctionalInterface
  public interface Decision {
    /**
     * Whether to keep {@code span}. Before returning true it may call {@link
     * SpanView#replaceTraceState}. The view is valid only during the call.
     */
    boolean keep(SpanView span);
  }

  private static final int TAG_1_BYTES = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_2_BYTES = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_2_VARINT = 2 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int TAG_3_BYTES = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_3_VARINT = 3 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int TAG_4_FIXED64 = 4 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int TAG_9_BYTES = 9 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_TRACE_STATE_FIELD = 3;

  /** The fields of one span, as far as a decision reads them. */
  public static final class SpanView {
    private byte[] buf;
    private int start;
    private int end;
    private int traceIdStart;
    private int traceIdLength;
    private int traceStateStart;
    private int traceStateLength;
    private String traceState;
    private String replacement;
    // A decision asks for the same key on every span: encode it once per batch.
    private String lastKey;
    private byte[] lastKeyBytes;

    private SpanView() {}

    private void reset(byte[] buf, int start, int end) {
      this.buf = buf;
      this.start = start;
      this.end = end;
      traceIdStart = 0;
      traceIdLength = 0;
      traceStateStart = -1;
      traceStateLength = 0;
      traceState = null;
      replacement = null;
    }

    /** {@code trace_id}, empty when the span has none; shares the batch's bytes. */
    public ByteString traceId() {
      return traceIdLength == 0
          ? ByteString.EMPTY
          : UnsafeByteOperations.unsafeWrap(buf, traceIdStart, traceIdLength);
    }

    /** {@code trace_state}, empty when the span has none. */
    public String traceState() {
      String s = traceState;
      if (s == null) {
        s =
            traceStateStart < 0
                ? ""
                : new String(buf, traceStateStart, traceStateLength, StandardCharsets.UTF_8);
        traceState = s;
      }
      return s;
    }

    /** Keeps the span with {@code traceState} instead of its own (empty removes the field). */
    public void replaceTraceState(String traceState) {
      this.replacement = traceState;
    }

    /**
     * The value of the span's first attribute named {@code key}, when it is a string ({@code
     * String}), bool ({@code Boolean}), int ({@code Long}) or double ({@code Double}); null when
     * there is no such attribute or its value is of another kind or unset.
     */
    public Object scalarAttribute(String key) {
      if (!key.equals(lastKey)) {
        lastKeyBytes = key.getBytes(StandardCharsets.UTF_8);
        lastKey = key;
      }
      byte[] want = lastKeyBytes;
      WireReader r = new WireReader(buf, start, end);
      while (r.more()) {
        int tag = r.varint32();
        if (tag != TAG_9_BYTES) {
          r.skip(tag);
          continue;
        }
        int len = r.varint32();
        int kvEnd = r.pos + len;
        Object value = keyValue(r, kvEnd, want);
        r.pos = kvEnd;
        if (value != NO_MATCH) {
          return value;
        }
      }
      return null;
    }

    private static final Object NO_MATCH = new Object();

    /** The value of the KeyValue ending at {@code kvEnd} if its key is {@code want}. */
    private Object keyValue(WireReader r, int kvEnd, byte[] want) {
      int keyStart = -1;
      int keyLength = 0;
      int valueKind = 0;
      int valueStart = 0;
      int valueLength = 0;
      long valueBits = 0;
      while (r.pos < kvEnd) {
        int tag = r.varint32();
        if (tag == TAG_1_BYTES) {
          keyLength = r.varint32();
          keyStart = r.pos;
          r.pos += keyLength;
        } else if (tag == TAG_2_BYTES) {
          // A repeated singular message field merges: within the AnyValue oneof, the last
          // member set wins across all occurrences.
          int len = r.varint32();
          int anyEnd = r.pos + len;
          while (r.pos < anyEnd) {
            int t = r.varint32();
            int field = t >>> 3;
            switch (t) {
              case TAG_1_BYTES -> {
                valueLength = r.varint32();
                valueStart = r.pos;
                r.pos += valueLength;
                valueKind = 1;
              }
              case TAG_2_VARINT -> {
                valueBits = r.varint64();
                valueKind = 2;
              }
              case TAG_3_VARINT -> {
                valueBits = r.varint64();
                valueKind = 3;
              }
              case TAG_4_FIXED64 -> {
                valueBits = r.fixed64();
                valueKind = 4;
              }
              default -> {
                boolean knownMessageOrBytes =
                    (field == 5 || field == 6 || field == 7)
                        && (t & 7) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                r.skip(t);
                if (knownMessageOrBytes) {
                  valueKind = 5;
                }
              }
            }
          }
        } else {
          r.skip(tag);
        }
      }
      if (keyStart < 0
          ? want.length != 0
          : !Arrays.equals(buf, keyStart, keyStart + keyLength, want, 0, want.length)) {
        return NO_MATCH;
      }
      return switch (valueKind) {
        case 1 -> new String(buf, valueStart, valueLength, StandardCharsets.UTF_8);
        case 2 -> valueBits != 0;
        case 3 -> valueBits;
        case 4 -> Double.longBitsToDouble(valueBits);
        default -> null;
      };
    }
  }

  /**
   * The spans of {@code traces} that {@code decision} keeps, in order, still encoded.
   *
   * @throws IllegalArgumentException if the batch is not {@linkplain Traces#isEncoded() encoded}
   */
  public static Traces filter(Traces traces, Decision decision) {
    if (!traces.isEncoded()) {
      throw new IllegalArgumentException("the batch is not held encoded");
    }
    List<ByteString> parts = traces.encodedResourceSpans();
    List<ByteString> out = new ArrayList<>(parts.size());
    int[] counts = new int[parts.size()];
    boolean changed = false;
    Pass pass = new Pass(decision);
    for (ByteString part : parts) {
      ByteString result = pass.resourceSpans(part);
      if (result != part) {
        changed = true;
      }
      if (result != null) {
        counts[out.size()] = pass.kept;
        out.add(result);
      }
    }
    if (!changed) {
      return traces;
    }
    return Traces.ofEncoded(out, Arrays.copyOf(counts, out.size()));
  }

  /** One filtering of a batch: its buffers are reused from resource to resource. */
  private static final class Pass {
    final Decision decision;
    final SpanView view = new SpanView();
    final WireOut rsOut = new WireOut();
    final WireOut scopeOut = new WireOut();
    final WireOut spanOut = new WireOut();
    int kept;

    Pass(Decision decision) {
      this.decision = decision;
    }

    /** The filtered resource spans: {@code part} itself if unchanged, null if none is left. */
    ByteString resourceSpans(ByteString part) {
      byte[] buf = part.toByteArray();
      WireReader r = new WireReader(buf, 0, buf.length);
      rsOut.reset();
      kept = 0;
      boolean changed = false;
      boolean anyScopeLeft = false;
      while (r.more()) {
        int fieldStart = r.pos;
        int tag = r.varint32();
        if (tag != TAG_2_BYTES) {
          r.skip(tag);
          rsOut.copy(buf, fieldStart, r.pos);
          continue;
        }
        int len = r.varint32();
        int scopeEnd = r.pos + len;
        int before = kept;
        boolean scopeChanged = scopeSpans(buf, r, scopeEnd);
        r.pos = scopeEnd;
        if (!scopeChanged) {
          rsOut.copy(buf, fieldStart, scopeEnd);
          anyScopeLeft = true;
        } else {
          changed = true;
          if (kept > before) {
            rsOut.lengthDelimited(2, scopeOut);
            anyScopeLeft = true;
          }
        }
      }
      if (!changed) {
        return part;
      }
      if (!anyScopeLeft) {
        return null;
      }
      return UnsafeByteOperations.unsafeWrap(rsOut.toArray());
    }

    /** Filters one {@code ScopeSpans} into {@link #scopeOut}; whether anything changed. */
    private boolean scopeSpans(byte[] buf, WireReader r, int scopeEnd) {
      scopeOut.reset();
      boolean changed = false;
      while (r.pos < scopeEnd) {
        int fieldStart = r.pos;
        int tag = r.varint32();
        if (tag != TAG_2_BYTES) {
          r.skip(tag);
          scopeOut.copy(buf, fieldStart, r.pos);
          continue;
        }
        int len = r.varint32();
        int spanStart = r.pos;
        int spanEnd = spanStart + len;
        r.pos = spanEnd;
        read(buf, spanStart, spanEnd);
        if (!decision.keep(view)) {
          changed = true;
          continue;
        }
        kept++;
        String replacement = view.replacement;
        if (replacement == null || replacement.equals(view.traceState())) {
          scopeOut.copy(buf, fieldStart, spanEnd);
        } else {
          rewrite(buf, spanStart, spanEnd, replacement);
          scopeOut.lengthDelimited(2, spanOut);
          changed = true;
        }
      }
      return changed;
    }

    /** Points the view at the span in {@code [start, end)}: trace id and trace state. */
    private void read(byte[] buf, int start, int end) {
      view.reset(buf, start, end);
      WireReader r = new WireReader(buf, start, end);
      while (r.more()) {
        int tag = r.varint32();
        if (tag == TAG_1_BYTES) {
          view.traceIdLength = r.varint32();
          view.traceIdStart = r.pos;
          r.pos += view.traceIdLength;
        } else if (tag == TAG_3_BYTES) {
          view.traceStateLength = r.varint32();
          view.traceStateStart = r.pos;
          r.pos += view.traceStateLength;
        } else {
          r.skip(tag);
        }
      }
    }

    /**
     * The span with every {@code trace_state} occurrence replaced by one holding {@code
     * traceState}, placed before the first field numbered above it, into {@link #spanOut}.
     */
    private void rewrite(byte[] buf, int start, int end, String traceState) {
      spanOut.reset();
      byte[] value = traceState.getBytes(StandardCharsets.UTF_8);
      boolean written = value.length == 0;
      WireReader r = new WireReader(buf, start, end);
      while (r.more()) {
        int fieldStart = r.pos;
        int tag = r.varint32();
        r.skip(tag);
        if (tag == TAG_3_BYTES) {
          continue;
        }
        if (!written && tag >>> 3 > SPAN_TRACE_STATE_FIELD) {
          spanOut.bytesField(SPAN_TRACE_STATE_FIELD, value);
          written = true;
        }
        spanOut.copy(buf, fieldStart, r.pos);
      }
      if (!written) {
        spanOut.bytesField(SPAN_TRACE_STATE_FIELD, value);
      }
    }
  }
}
