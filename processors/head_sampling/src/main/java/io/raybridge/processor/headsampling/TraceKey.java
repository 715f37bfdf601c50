package io.raybridge.processor.headsampling;

import com.google.protobuf.ByteString;

/** A 16-byte trace id as two longs: a compact map key. */
record TraceKey(long hi, long lo) {

  private static final long MASK_56 = (1L << 56) - 1;

  /** The key of {@code traceId}, or null when it is not 16 bytes or all zero. */
  static TraceKey of(ByteString traceId) {
    if (traceId.size() != 16) {
      return null;
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (traceId.byteAt(i) & 0xff);
      lo = (lo << 8) | (traceId.byteAt(i + 8) & 0xff);
    }
    return hi == 0 && lo == 0 ? null : new TraceKey(hi, lo);
  }

  /** The W3C / OpenTelemetry randomness: the least significant 56 bits. */
  long randomness() {
    return lo & MASK_56;
  }
}
