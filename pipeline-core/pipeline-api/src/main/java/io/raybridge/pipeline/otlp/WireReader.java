package io.raybridge.pipeline.otlp;

import com.google.protobuf.WireFormat;

/** Reads well-formed protobuf wire data in {@code [pos, end)}. */
final class WireReader {
  final byte[] buf;
  final int end;
  int pos;

  WireReader(byte[] buf, int pos, int end) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  boolean more() {
    return pos < end;
  }

  int varint32() {
    return (int) varint64();
  }

  long varint64() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new IllegalStateException("malformed varint in checked bytes");
  }

  long fixed64() {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  /** Skips the value of a field whose tag was just read. */
  void skip(int tag) {
    switch (tag & 7) {
      case WireFormat.WIRETYPE_VARINT -> varint64();
      case WireFormat.WIRETYPE_FIXED64 -> pos += 8;
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
        int len = varint32();
        pos += len;
      }
      case WireFormat.WIRETYPE_START_GROUP -> {
        int endTag = (tag & ~7) | WireFormat.WIRETYPE_END_GROUP;
        while (true) {
          int t = varint32();
          if (t == endTag) {
            return;
          }
          skip(t);
        }
      }
      case WireFormat.WIRETYPE_FIXED32 -> pos += 4;
      default -> throw new IllegalStateException("malformed wire type in checked bytes: " + tag);
    }
  }
}
