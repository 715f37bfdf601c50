package io.raybridge.pipeline.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an encoded OTLP {@code ExportTraceServiceRequest} without building its messages: it checks
 * that the bytes are what the protobuf parser would accept, counts the spans, checks their ids, and
 * returns each {@code ResourceSpans} as a slice of the input. A pipeline that only forwards spans
 * (receiver → batch → exporter) can then pass the bytes along and never decode them.
 *
 * <p>The walk follows {@code opentelemetry/proto/trace/v1/trace.proto} and the messages it uses:
 * every length is checked against its enclosing message, every varint is read, every {@code string}
 * field is checked to be valid UTF-8 (the protobuf runtime rejects proto3 strings that are not),
 * and unknown fields, or known fields sent with an unexpected wire type, are skipped as the runtime
 * skips them. So {@link #scanRequest} accepts the requests that {@code
 * ExportTraceServiceRequest.parseFrom} accepts and rejects the ones it rejects (a test compares the
 * two on mutated inputs).
 */
public final class OtlpWire {
  private OtlpWire() {}

  /** Field 1, resp. 2, with the length-delimited wire type. */
  private static final int TAG_1_BYTES = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private static final int TAG_2_BYTES = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** Protobuf's default recursion limit, which the runtime applies to nested messages. */
  private static final int MAX_DEPTH = 100;

  /**
   * The result of {@link #scanRequest}.
   *
   * @param resourceSpans each {@code ResourceSpans} message, encoded, sharing the input's bytes
   * @param spanCounts the number of spans in each of them
   * @param spans the total number of spans
   * @param invalidSpans spans whose trace id is not 16 bytes or span id not 8 bytes, or either all
   *     zero
   */
  public record Scan(
      List<ByteString> resourceSpans, int[] spanCounts, int spans, int invalidSpans) {}

  /**
   * Scans {@code length} bytes of {@code request} from {@code offset}. The returned slices share
   * the array, so it must not be modified afterwards.
   *
   * @throws InvalidProtocolBufferException if the bytes are not a valid encoding, with the same
   *     kind of reason the protobuf parser gives
   */
  public static Scan scanRequest(byte[] request, int offset, int length)
      throws InvalidProtocolBufferException {
    try {
      return scan(request, offset, length);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      // A byte array cannot fail to read; the runtime's methods merely declare it.
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static Scan scan(byte[] request, int offset, int length) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(request, offset, length);
    in.enableAliasing(true);
    List<ByteString> slices = new ArrayList<>();
    int[] counts = new int[4];
    Counter counter = new Counter(request, offset);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_1_BYTES) {
        int len = in.readRawVarint32();
        checkLength(in, len);
        int start = offset + in.getTotalBytesRead();
        int before = counter.spans;
        int limit = in.pushLimit(len);
        walk(in, RESOURCE_SPANS, counter, 1);
        in.popLimit(limit);
        if (slices.size() == counts.length) {
          counts = Arrays.copyOf(counts, counts.length * 2);
        }
        counts[slices.size()] = counter.spans - before;
        slices.add(UnsafeByteOperations.unsafeWrap(request, start, len));
      } else if (!in.skipField(tag)) {
        throw invalidEndTag();
      }
    }
    return new Scan(
        List.copyOf(slices), Arrays.copyOf(counts, slices.size()), counter.spans, counter.invalid);
  }

  /** Scans a whole array; see {@link #scanRequest(byte[], int, int)}. */
  public static Scan scanRequest(byte[] request) throws InvalidProtocolBufferException {
    return scanRequest(request, 0, request.length);
  }

  /** The walk's input and what it counted. */
  private static final class Counter {
    final byte[] buffer;
    final int offset;
    int spans;
    int invalid;

    Counter(byte[] buffer, int offset) {
      this.buffer = buffer;
      this.offset = offset;
    }

    /** Reads a length-delimited value's length and returns its start in {@link #buffer}. */
    int value(CodedInputStream in, int len) throws InvalidProtocolBufferException {
      checkLength(in, len);
      return offset + in.getTotalBytesRead();
    }
  }

  /** Checks a {@code string} field's bytes in place and skips them. */
  private static void string(CodedInputStream in, Counter counter) throws IOException {
    int len = in.readRawVarint32();
    int start = counter.value(in, len);
    if (!Utf8Check.isValid(counter.buffer, start, start + len)) {
      throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
    }
    in.skipRawBytes(len);
  }

  /** Whether a {@code bytes} id field holds {@code length} bytes, not all zero; skips it. */
  private static boolean id(CodedInputStream in, Counter counter, int length) throws IOException {
    int len = in.readRawVarint32();
    int start = counter.value(in, len);
    boolean valid = false;
    if (len == length) {
      for (int i = start; i < start + len; i++) {
        if (counter.buffer[i] != 0) {
          valid = true;
          break;
        }
      }
    }
    in.skipRawBytes(len);
    return valid;
  }

  private static void checkLength(CodedInputStream in, int len)
      throws InvalidProtocolBufferException {
    if (len < 0) {
      throw new InvalidProtocolBufferException(
          "CodedInputStream encountered an embedded string or message which claimed to have"
              + " negative size.");
    }
    if (len > in.getBytesUntilLimit()) {
      throw new InvalidProtocolBufferException(
          "While parsing a protocol message, the input ended unexpectedly in the middle of a"
              + " field.  This could mean either that the input has been truncated or that an"
              + " embedded message misreported its own length.");
    }
  }

  /** What a field number of the message being walked holds. */
  private enum Kind {
    /** Not a field this walk knows: skipped whatever its wire type. */
    UNKNOWN,
    VARINT,
    FIXED32,
    FIXED64,
    BYTES,
    STRING,
    RESOURCE,
    SCOPE_SPANS,
    SCOPE,
    SPAN,
    EVENT,
    LINK,
    STATUS,
    KEY_VALUE,
    ANY_VALUE,
    ARRAY_VALUE,
    KEY_VALUE_LIST,
    ENTITY_REF
  }

  private static final Kind[] RESOURCE_SPANS = {
    Kind.UNKNOWN, Kind.RESOURCE, Kind.SCOPE_SPANS, Kind.STRING
  };
  private static final Kind[] RESOURCE_FIELDS = {
    Kind.UNKNOWN, Kind.KEY_VALUE, Kind.VARINT, Kind.ENTITY_REF
  };
  private static final Kind[] SCOPE_SPANS_FIELDS = {
    Kind.UNKNOWN, Kind.SCOPE, Kind.SPAN, Kind.STRING
  };
  private static final Kind[] SCOPE_FIELDS = {
    Kind.UNKNOWN, Kind.STRING, Kind.STRING, Kind.KEY_VALUE, Kind.VARINT
  };
  private static final Kind[] SPAN_FIELDS = {
    Kind.UNKNOWN,
    Kind.BYTES, // 1 trace_id
    Kind.BYTES, // 2 span_id
    Kind.STRING, // 3 trace_state
    Kind.BYTES, // 4 parent_span_id
    Kind.STRING, // 5 name
    Kind.VARINT, // 6 kind
    Kind.FIXED64, // 7 start_time_unix_nano
    Kind.FIXED64, // 8 end_time_unix_nano
    Kind.KEY_VALUE, // 9 attributes
    Kind.VARINT, // 10 dropped_attributes_count
    Kind.EVENT, // 11 events
    Kind.VARINT, // 12 dropped_events_count
    Kind.LINK, // 13 links
    Kind.VARINT, // 14 dropped_links_count
    Kind.STATUS, // 15 status
    Kind.FIXED32 // 16 flags
  };
  private static final Kind[] EVENT_FIELDS = {
    Kind.UNKNOWN, Kind.FIXED64, Kind.STRING, Kind.KEY_VALUE, Kind.VARINT
  };
  private static final Kind[] LINK_FIELDS = {
    Kind.UNKNOWN, Kind.BYTES, Kind.BYTES, Kind.STRING, Kind.KEY_VALUE, Kind.VARINT, Kind.FIXED32
  };
  private static final Kind[] STATUS_FIELDS = {
    Kind.UNKNOWN, Kind.UNKNOWN, Kind.STRING, Kind.VARINT
  };
  private static final Kind[] KEY_VALUE_FIELDS = {Kind.UNKNOWN, Kind.STRING, Kind.ANY_VALUE};
  private static final Kind[] ANY_VALUE_FIELDS = {
    Kind.UNKNOWN,
    Kind.STRING, // 1 string_value
    Kind.VARINT, // 2 bool_value
    Kind.VARINT, // 3 int_value
    Kind.FIXED64, // 4 double_value
    Kind.ARRAY_VALUE, // 5 array_value
    Kind.KEY_VALUE_LIST, // 6 kvlist_value
    Kind.BYTES // 7 bytes_value
  };
  private static final Kind[] ARRAY_VALUE_FIELDS = {Kind.UNKNOWN, Kind.ANY_VALUE};
  private static final Kind[] KEY_VALUE_LIST_FIELDS = {Kind.UNKNOWN, Kind.KEY_VALUE};
  private static final Kind[] ENTITY_REF_FIELDS = {
    Kind.UNKNOWN, Kind.STRING, Kind.STRING, Kind.STRING, Kind.STRING
  };

  private static Kind[] fieldsOf(Kind message) {
    return switch (message) {
      case RESOURCE -> RESOURCE_FIELDS;
      case SCOPE_SPANS -> SCOPE_SPANS_FIELDS;
      case SCOPE -> SCOPE_FIELDS;
      case SPAN -> SPAN_FIELDS;
      case EVENT -> EVENT_FIELDS;
      case LINK -> LINK_FIELDS;
      case STATUS -> STATUS_FIELDS;
      case KEY_VALUE -> KEY_VALUE_FIELDS;
      case ANY_VALUE -> ANY_VALUE_FIELDS;
      case ARRAY_VALUE -> ARRAY_VALUE_FIELDS;
      case KEY_VALUE_LIST -> KEY_VALUE_LIST_FIELDS;
      case ENTITY_REF -> ENTITY_REF_FIELDS;
      default -> throw new IllegalArgumentException(message + " is not a message");
    };
  }

  /**
   * Walks the fields of one message up to the current limit. Spans are counted and their ids
   * checked here; every other message is walked for validity only.
   */
  private static void walk(CodedInputStream in, Kind[] fields, Counter counter, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException(
          "Protocol message had too many levels of nesting.  May be malicious.  Use"
              + " CodedInputStream.setRecursionLimit() to increase the depth limit.");
    }
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      field(in, tag, fields, counter, depth);
    }
  }

  /** Reads one field of a message whose fields are {@code fields}, checking it as it goes. */
  private static void field(CodedInputStream in, int tag, Kind[] fields, Counter counter, int depth)
      throws IOException {
    int number = WireFormat.getTagFieldNumber(tag);
    Kind kind = number < fields.length ? fields[number] : Kind.UNKNOWN;
    if (!expects(kind, WireFormat.getTagWireType(tag))) {
      if (!in.skipField(tag)) {
        // An end-group tag without a start: the runtime rejects it.
        throw invalidEndTag();
      }
      return;
    }
    switch (kind) {
      case VARINT -> in.readRawVarint64();
      case FIXED32 -> in.readRawLittleEndian32();
      case FIXED64 -> in.readRawLittleEndian64();
      case BYTES -> in.skipField(tag);
      case STRING -> string(in, counter);
      default -> {
        int len = in.readRawVarint32();
        checkLength(in, len);
        int limit = in.pushLimit(len);
        if (kind == Kind.SPAN) {
          span(in, counter, depth + 1);
        } else {
          walk(in, fieldsOf(kind), counter, depth + 1);
        }
        in.popLimit(limit);
      }
    }
  }

  private static boolean expects(Kind kind, int wireType) {
    return switch (kind) {
      case UNKNOWN -> false;
      case VARINT -> wireType == WireFormat.WIRETYPE_VARINT;
      case FIXED32 -> wireType == WireFormat.WIRETYPE_FIXED32;
      case FIXED64 -> wireType == WireFormat.WIRETYPE_FIXED64;
      default -> wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    };
  }

  /** One span: its fields are walked like any message, and its ids are checked. */
  private static void span(CodedInputStream in, Counter counter, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
    }
    boolean traceIdValid = false;
    boolean spanIdValid = false;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_1_BYTES) {
        traceIdValid = id(in, counter, 16);
      } else if (tag == TAG_2_BYTES) {
        spanIdValid = id(in, counter, 8);
      } else {
        field(in, tag, SPAN_FIELDS, counter, depth);
      }
    }
    counter.spans++;
    if (!traceIdValid || !spanIdValid) {
      counter.invalid++;
    }
  }

  private static InvalidProtocolBufferException invalidEndTag() {
    return new InvalidProtocolBufferException(
        "Protocol message end-group tag did not match expected tag.");
  }
}
