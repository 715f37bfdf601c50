package io.raybridge.processor.probabilisticsampler;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenTelemetry entry ({@code ot=...}) of a W3C {@code tracestate}, as the consistent
 * probability sampling spec defines it: {@code th} (the rejection threshold, 1 to 14 hex digits,
 * trailing zeros removed, {@code 0} meaning "always sampled") and {@code rv} (explicit randomness,
 * exactly 14 hex digits). Other {@code ot} sub-keys and other vendors' entries are kept as they
 * are; an updated {@code ot} entry moves to the front, as W3C requires of modified entries.
 *
 * @param threshold the 56-bit threshold, or -1 when absent
 * @param randomness the 56-bit randomness, or -1 when absent
 * @param otherOtFields {@code ot} sub-entries other than th and rv, in order
 * @param otherMembers tracestate members other than {@code ot}, in order
 */
record OtelTraceState(
    long threshold, long randomness, List<String> otherOtFields, List<String> otherMembers) {

  static final long MAX = 1L << 56;

  static final OtelTraceState EMPTY = new OtelTraceState(-1, -1, List.of(), List.of());

  /**
   * Parses {@code tracestate}.
   *
   * @throws IllegalArgumentException when the {@code ot} entry's th or rv is malformed
   */
  static OtelTraceState parse(String tracestate) {
    if (tracestate == null || tracestate.isEmpty()) {
      return EMPTY;
    }
    long th = -1;
    long rv = -1;
    List<String> otFields = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (String raw : tracestate.split(",")) {
      String member = raw.trim();
      if (member.isEmpty()) {
        continue;
      }
      if (!member.startsWith("ot=")) {
        members.add(member);
        continue;
      }
      for (String field : member.substring(3).split(";")) {
        if (field.isEmpty()) {
          continue;
        }
        if (field.startsWith("th:")) {
          th = parseThreshold(field.substring(3));
        } else if (field.startsWith("rv:")) {
          rv = parseRandomness(field.substring(3));
        } else {
          otFields.add(field);
        }
      }
    }
    return new OtelTraceState(th, rv, List.copyOf(otFields), List.copyOf(members));
  }

  private static long parseThreshold(String hex) {
    if (hex.isEmpty() || hex.length() > 14 || !isLowerHex(hex)) {
      throw new IllegalArgumentException("malformed ot=th value \"" + hex + "\"");
    }
    return Long.parseLong(hex, 16) << (4 * (14 - hex.length()));
  }

  private static long parseRandomness(String hex) {
    if (hex.length() != 14 || !isLowerHex(hex)) {
      throw new IllegalArgumentException("malformed ot=rv value \"" + hex + "\"");
    }
    return Long.parseLong(hex, 16);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  OtelTraceState withThreshold(long t) {
    return new OtelTraceState(t, randomness, otherOtFields, otherMembers);
  }

  OtelTraceState withRandomness(long r) {
    return new OtelTraceState(threshold, r, otherOtFields, otherMembers);
  }

  /** {@code th} as written: 14 hex digits with trailing zeros removed, {@code 0} for zero. */
  static String encodeThreshold(long t) {
    if (t == 0) {
      return "0";
    }
    String hex = String.format("%014x", t);
    int end = hex.length();
    while (end > 1 && hex.charAt(end - 1) == '0') {
      end--;
    }
    return hex.substring(0, end);
  }

  /** The tracestate text, the {@code ot} entry first. */
  String encode() {
    StringBuilder ot = new StringBuilder();
    if (threshold >= 0) {
      ot.append("th:").append(encodeThreshold(threshold));
    }
    if (randomness >= 0) {
      ot.append(ot.length() > 0 ? ";" : "")
          .append("rv:")
          .append(String.format("%014x", randomness));
    }
    for (String f : otherOtFields) {
      ot.append(ot.length() > 0 ? ";" : "").append(f);
    }
    StringBuilder out = new StringBuilder();
    if (ot.length() > 0) {
      out.append("ot=").append(ot);
    }
    for (String m : otherMembers) {
      out.append(out.length() > 0 ? "," : "").append(m);
    }
    return out.toString();
  }
}
