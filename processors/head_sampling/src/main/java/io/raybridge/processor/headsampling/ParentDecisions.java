package io.raybridge.processor.headsampling;

import io.opentelemetry.proto.trace.v1.Span;

/**
 * Reads the decision an upstream sampler recorded on a span: the OpenTelemetry consistent
 * probability threshold ({@code ot=th:...} in tracestate, compared with {@code rv} or the trace
 * id's randomness), else the W3C sampled flag when the span's {@code flags} are populated.
 */
final class ParentDecisions {

  private static final int SAMPLED = 0x01;
  private static final int HAS_IS_REMOTE = 0x100;

  private ParentDecisions() {}

  /** True to keep, false to drop, null when the span carries no upstream decision. */
  static Boolean of(Span span, long traceIdRandomness) {
    long threshold = -1;
    long randomness = traceIdRandomness;
    for (String member : span.getTraceState().split(",")) {
      String m = member.trim();
      if (!m.startsWith("ot=")) {
        continue;
      }
      for (String field : m.substring(3).split(";")) {
        if (field.startsWith("th:")) {
          threshold = hex(field.substring(3), false);
        } else if (field.startsWith("rv:")) {
          long rv = hex(field.substring(3), true);
          if (rv >= 0) {
            randomness = rv;
          }
        }
      }
    }
    if (threshold >= 0) {
      return randomness >= threshold;
    }
    int flags = span.getFlags();
    if ((flags & HAS_IS_REMOTE) != 0 || (flags & 0xff) != 0) {
      return (flags & SAMPLED) != 0;
    }
    return null;
  }

  /** A th (1..14 digits, right-padded) or rv (exactly 14 digits) value; -1 when malformed. */
  private static long hex(String s, boolean exact) {
    if (s.isEmpty() || s.length() > 14 || (exact && s.length() != 14)) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return -1;
      }
    }
    return Long.parseLong(s, 16) << (4 * (14 - s.length()));
  }
}
