package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;

/**
 * A trace id as two longs: a compact map key. Ids that are not 16 bytes long (invalid, but they
 * occur) are folded into the two longs, so that their spans still group together.
 */
record TraceKey(long hi, long lo) {

  static TraceKey of(ByteString id) {
    return of(id.size(), id::byteAt);
  }

  /**
   * The key of the id in {@code bytes[offset, offset + length)}; equal to {@link #of(ByteString)}.
   */
  static TraceKey of(byte[] bytes, int offset, int length) {
    return of(length, i -> bytes[offset + i]);
  }

  private interface Bytes {
    byte at(int index);
  }

  private static TraceKey of(int n, Bytes id) {
    long hi = 0;
    long lo = 0;
    if (n == 16) {
      for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | (id.at(i) & 0xff);
        lo = (lo << 8) | (id.at(i + 8) & 0xff);
      }
      return new TraceKey(hi, lo);
    }
    for (int i = 0; i < n; i++) {
      hi = hi * 31 + (id.at(i) & 0xff);
      lo = (lo << 8 | lo >>> 56) ^ (id.at(i) & 0xff);
    }
    return new TraceKey(hi ^ n, lo);
  }
}
