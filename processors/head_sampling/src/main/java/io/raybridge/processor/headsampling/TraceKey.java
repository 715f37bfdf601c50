package io.raybridge.processor.headsampling;

import com.google.protobuf.ByteString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** A 16-byte trace id as two longs: a compact map key. */
record TraceKey(long hi, long lo) {

  private static final long MASK_56 = (1L << 56) - 1;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The key of {@code traceId}, or null when it is not 16 bytes or all zero. */
  static TraceKey of(ByteString traceId) {
    return of(traceId, new byte[16]);
  }

  /**
   * The key of {@code traceId}, or null when it is not 16 bytes or all zero, read through {@code
   * scratch} (16 bytes, owned by the caller's thread).
   */
  static TraceKey of(ByteString traceId, byte[] scratch) {
    if (traceId.size() != 16) {
      return null;
    }
    traceId.copyTo(scratch, 0);
    long hi = (long) LONGS.get(scratch, 0);
    long lo = (long) LONGS.get(scratch, 8);
    return hi == 0 && lo == 0 ? null : new TraceKey(hi, lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceKey k && k.lo == lo && k.hi == hi;
  }

  @Override
  public int hashCode() {
    // Trace ids are random: folding the low half, where the randomness sits, is enough.
    return Long.hashCode(lo * 31 + hi);
  }

  /** The W3C / OpenTelemetry randomness: the least significant 56 bits. */
  long randomness() {
    return lo & MASK_56;
  }
}
