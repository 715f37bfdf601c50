package io.raybridge.processor.tailsampling;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The buffered spans of one undecided trace, held compactly: per resource and scope (a shared
 * {@link GroupHeader}) one byte array with the spans encoded exactly as the {@code spans} field of
 * an OTLP {@code ScopeSpans} message. A group is therefore turned back into a {@code ResourceSpans}
 * by concatenating bytes and parsing once, and a span costs its encoded size plus two or three
 * bytes of framing, instead of a tree of message objects.
 *
 * <p>{@link #heapBytes} estimates what this trace keeps alive: array capacities (not just the used
 * lengths), headers counted once per group even where they are shared, and a fixed allowance for
 * this object, its key and its map entry. Not thread-safe: guarded by the processor's lock.
 */
final class PendingTrace {

  /** This object, its four small arrays, the {@link TraceKey} and a hash map entry. */
  static final int TRACE_OVERHEAD = 248;

  /** Per group: the array header of the span bytes and four array slots. */
  static final int GROUP_OVERHEAD = 36;

  final TraceKey key;
  final long firstArrivalMillis;
  long rootArrivalMillis = -1;
  int spanCount;
  long heapBytes = TRACE_OVERHEAD;
  boolean done;

  private GroupHeader[] headers = new GroupHeader[1];
  private byte[][] data = new byte[1][];
  private int[] lengths = new int[1];
  private int[] counts = new int[1];
  private int groups;

  /** Where span arrays come from and go back to; null to allocate them. */
  private final SpanBytesPool pool;

  PendingTrace(TraceKey key, long firstArrivalMillis) {
    this(key, firstArrivalMillis, null);
  }

  PendingTrace(TraceKey key, long firstArrivalMillis, SpanBytesPool pool) {
    this.key = key;
    this.firstArrivalMillis = firstArrivalMillis;
    this.pool = pool;
  }

  /**
   * Appends {@code span} to the group of {@code header}; returns how much {@link #heapBytes} grew.
   */
  long append(GroupHeader header, Span span) {
    long before = heapBytes;
    int g = group(header);
    int need = CodedOutputStream.computeMessageSize(ScopeSpans.SPANS_FIELD_NUMBER, span);
    byte[] buf = room(g, need);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(buf, lengths[g], need);
      out.writeMessage(ScopeSpans.SPANS_FIELD_NUMBER, span);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lengths[g] += need;
    counts[g]++;
    spanCount++;
    return heapBytes - before;
  }

  /**
   * Appends one span already encoded as the {@code spans} field of a {@code ScopeSpans} (tag,
   * length and message: {@code src[from, to)}) to the group of {@code header}; returns how much
   * {@link #heapBytes} grew.
   */
  long appendField(GroupHeader header, byte[] src, int from, int to) {
    long before = heapBytes;
    int g = group(header);
    int need = to - from;
    byte[] buf = room(g, need);
    System.arraycopy(src, from, buf, lengths[g], need);
    lengths[g] += need;
    counts[g]++;
    spanCount++;
    return heapBytes - before;
  }

  /** The group's array with room for {@code need} more bytes, grown if it has none. */
  private byte[] room(int g, int need) {
    byte[] buf = data[g];
    int len = lengths[g];
    if (buf == null || buf.length - len < need) {
      // Exact fit (or its pool class) for the first spans, as a trace often arrives whole; then
      // grow by half.
      int wanted = buf == null ? need : Math.max(len + need, len + (len >> 1));
      buf = grow(g, wanted);
    }
    return buf;
  }

  /** Replaces group {@code g}'s array by one of at least {@code capacity} bytes, same contents. */
  private byte[] grow(int g, int capacity) {
    byte[] old = data[g];
    byte[] grown = pool == null ? new byte[capacity] : pool.take(capacity);
    if (old != null) {
      System.arraycopy(old, 0, grown, 0, lengths[g]);
      if (pool != null) {
        pool.give(old);
      }
    }
    heapBytes += grown.length - (old == null ? 0 : old.length);
    data[g] = grown;
    return grown;
  }

  /**
   * Appends {@code spanCount} spans already encoded as the {@code spans} field of a {@code
   * ScopeSpans} (as {@link #encoded} returns them) to the group of {@code header}; returns how much
   * {@link #heapBytes} grew. Used to rebuild the buffer from storage.
   */
  long appendEncoded(GroupHeader header, byte[] spans, int spanCount) {
    long before = heapBytes;
    int g = group(header);
    byte[] buf = data[g];
    int len = lengths[g];
    if (buf == null || buf.length - len < spans.length) {
      buf = grow(g, len + spans.length);
    }
    System.arraycopy(spans, 0, buf, len, spans.length);
    lengths[g] = len + spans.length;
    counts[g] += spanCount;
    this.spanCount += spanCount;
    return heapBytes - before;
  }

  /** The index of the group of {@code header}, or -1. */
  int groupOf(GroupHeader header) {
    for (int i = 0; i < groups; i++) {
      if (headers[i] == header || headers[i].equals(header)) {
        return i;
      }
    }
    return -1;
  }

  /** How many resource+scope groups the trace has. */
  int groups() {
    return groups;
  }

  GroupHeader header(int group) {
    return headers[group];
  }

  /** The group's spans, encoded; only the first {@link #encodedLength} bytes are used. */
  byte[] encoded(int group) {
    return data[group];
  }

  int encodedLength(int group) {
    return lengths[group];
  }

  /** How many spans the group holds. */
  int spanCount(int group) {
    return counts[group];
  }

  private int group(GroupHeader header) {
    for (int i = 0; i < groups; i++) {
      if (headers[i] == header || headers[i].equals(header)) {
        return i;
      }
    }
    if (groups == headers.length) {
      headers = Arrays.copyOf(headers, groups * 2);
      data = Arrays.copyOf(data, groups * 2);
      lengths = Arrays.copyOf(lengths, groups * 2);
      counts = Arrays.copyOf(counts, groups * 2);
    }
    headers[groups] = header;
    heapBytes += GROUP_OVERHEAD + header.heapBytes();
    return groups++;
  }

  /** The buffered spans as OTLP messages, one {@code ResourceSpans} per group. */
  List<ResourceSpans> resourceSpans() {
    List<ResourceSpans> out = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      try {
        out.add(ResourceSpans.parseFrom(encodedGroup(g, null)));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("buffered spans do not parse", e);
      }
    }
    return out;
  }

  /**
   * Group {@code g} as an encoded {@code ResourceSpans} message. With {@code spanSuffix}, that
   * field (an encoded {@code Span} field, tag included) is appended to every span, which adds it to
   * the span as the protobuf parser merges fields: an extra attribute, for instance.
   */
  byte[] encodedGroup(int g, byte[] spanSuffix) {
    GroupHeader h = headers[g];
    byte[] spans = data[g];
    int spansLength = lengths[g];
    if (spanSuffix != null) {
      spans = appendToEachSpan(spans, spansLength, spanSuffix);
      spansLength = spans.length;
    }
    int scopeLength = h.scope.length + spansLength;
    int total =
        h.resource.length
            + CodedOutputStream.computeTagSize(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(scopeLength)
            + scopeLength;
    byte[] bytes = new byte[total];
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      o.writeRawBytes(h.resource);
      o.writeTag(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(scopeLength);
      o.writeRawBytes(h.scope);
      o.writeRawBytes(spans, 0, spansLength);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  /**
   * {@code spans[0, length)}, a run of {@code spans} fields of a {@code ScopeSpans}, with {@code
   * suffix} appended inside each span (its length prefix grown to match).
   */
  private static byte[] appendToEachSpan(byte[] spans, int length, byte[] suffix) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(spans, 0, length);
      int worst = length;
      while (!in.isAtEnd()) {
        in.readTag();
        in.skipRawBytes(in.readRawVarint32());
        // The grown length prefix is at most as many bytes longer as the suffix's length takes.
        worst += suffix.length + CodedOutputStream.computeUInt32SizeNoTag(suffix.length);
      }
      byte[] out = new byte[worst];
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      in = CodedInputStream.newInstance(spans, 0, length);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        int spanLength = in.readRawVarint32();
        int at = in.getTotalBytesRead();
        o.writeUInt32NoTag(tag);
        o.writeUInt32NoTag(spanLength + suffix.length);
        o.writeRawBytes(spans, at, spanLength);
        o.writeRawBytes(suffix);
        in.skipRawBytes(spanLength);
      }
      return Arrays.copyOf(out, o.getTotalBytesWritten());
    } catch (IOException e) {
      throw new IllegalStateException("buffered spans do not parse", e);
    }
  }

  /**
   * Whether some span of the trace may hold {@code needle} (an encoded field, a key say): a plain
   * byte search, so it also finds the bytes inside other values.
   */
  boolean mayContain(byte[] needle) {
    for (int g = 0; g < groups; g++) {
      if (indexOf(data[g], lengths[g], needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, int length, byte[] needle) {
    return indexOf(haystack, 0, length, needle);
  }

  /** Where {@code needle} first occurs in {@code haystack[from, to)}, or -1. */
  static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i + needle.length <= to; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Lets go of the span bytes once the trace is decided, giving its arrays back to the pool: no
   * {@link #encoded} array may be used after this.
   */
  void release() {
    if (pool != null) {
      for (int g = 0; g < groups; g++) {
        if (data[g] != null) {
          pool.give(data[g]);
        }
      }
    }
    done = true;
    headers = new GroupHeader[1];
    data = new byte[1][];
    lengths = new int[1];
    counts = new int[1];
    groups = 0;
  }
}
