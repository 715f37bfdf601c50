package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;

/**
 * A trace id as two longs: a compact map key. Ids that are not 16 bytes long (invalid, but they
 * occur) are folded into the two longs, so that their spans still group together.
 */
record TraceKey(long hi, long lo) {

  static TraceKey of(ByteString id) {
    long hi = 0;
    long lo = 0;
    int n = id.size();
    if (n == 16) {
      for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | (id.byteAt(i) & 0xff);
        lo = (lo << 8) | (id.byteAt(i + 8) & 0xff);
      }
      return new TraceKey(hi, lo);
    }
    for (int i = 0; i < n; i++) {
      hi = hi * 31 + (id.byteAt(i) & 0xff);
      lo = (lo << 8 | lo >>> 56) ^ (id.byteAt(i) & 0xff);
    }
    return new TraceKey(hi ^ n, lo);
  }
}
