package io.raybridge.xray.sampling;

/**
 * Rate decisions as a threshold on the trace id, so that every instance decides a trace alike. The
 * randomness is the trace id's least significant 56 bits (its last 7 bytes), as the W3C Trace
 * Context level 2 random flag and OpenTelemetry's consistent probability sampling define it; a
 * trace is kept at rate {@code p} when its randomness is at least the rejection threshold {@code
 * round((1 - p) * 2^56)}. A trace kept at rate {@code p} is therefore kept at every rate above
 * {@code p}.
 */
public final class TraceIdThreshold {

  /** 2^56: the number of distinct randomness values and the threshold that rejects everything. */
  public static final long MAX_THRESHOLD = 1L << 56;

  private static final long MASK_56 = MAX_THRESHOLD - 1;

  private TraceIdThreshold() {}

  /** The 56-bit randomness of a 16-byte trace id. */
  public static long randomness(byte[] traceId) {
    if (traceId.length != 16) {
      throw new IllegalArgumentException("a trace id has 16 bytes, had " + traceId.length);
    }
    long r = 0;
    for (int i = 9; i < 16; i++) {
      r = (r << 8) | (traceId[i] & 0xff);
    }
    return r;
  }

  /** The 56-bit randomness of a trace id given as its low 64 bits (bytes 8..15, big-endian). */
  public static long randomness(long traceIdLow) {
    return traceIdLow & MASK_56;
  }

  /** The rejection threshold of rate {@code rate} in [0, 1]: 0 keeps all, 2^56 keeps none. */
  public static long threshold(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in [0, 1], was " + rate);
    }
    if (rate >= 1) {
      return 0;
    }
    if (rate <= 0) {
      return MAX_THRESHOLD;
    }
    long t = Math.round((1 - rate) * MAX_THRESHOLD);
    return Math.min(Math.max(t, 1), MAX_THRESHOLD);
  }

  /** Whether randomness {@code randomness} passes threshold {@code threshold}. */
  public static boolean passes(long randomness, long threshold) {
    return randomness >= threshold;
  }
}
