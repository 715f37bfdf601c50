package io.raybridge.xray;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.charset.StandardCharsets;

/** Conversions between X-Ray ids/times and OTLP ids/times. */
final class Ids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ByteString EMPTY = ByteString.EMPTY;

  private Ids() {}

  static String hex(ByteString bytes) {
    int n = bytes.size();
    if (n > 32) {
      byte[] out = new byte[n * 2];
      hexInto(bytes, out, 0);
      return new String(out, StandardCharsets.ISO_8859_1);
    }
    // Ids are short: format into a per-thread buffer so the String is the only allocation.
    byte[] out = HEX_BUFFER.get();
    hexInto(bytes, out, 0);
    return new String(out, 0, n * 2, StandardCharsets.ISO_8859_1);
  }

  private static final ThreadLocal<byte[]> HEX_BUFFER = ThreadLocal.withInitial(() -> new byte[64]);

  private static void hexInto(ByteString bytes, byte[] out, int at) {
    for (int i = 0; i < bytes.size(); i++) {
      int b = bytes.byteAt(i) & 0xff;
      out[at + 2 * i] = (byte) HEX[b >>> 4];
      out[at + 2 * i + 1] = (byte) HEX[b & 0xf];
    }
  }

  /** 16 hex digits to 8 bytes; the caller has validated the input. */
  static ByteString spanId(String hex) {
    if (hex == null || hex.isEmpty()) {
      return EMPTY;
    }
    byte[] out = new byte[hex.length() / 2];
    decodeInto(hex, 0, out, 0, out.length);
    // The array is never written again, so wrapping it instead of copying is safe.
    return UnsafeByteOperations.unsafeWrap(out);
  }

  /** {@code 1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY} to 16 bytes. */
  static ByteString traceId(String xray) {
    byte[] out = new byte[16];
    decodeInto(xray, 2, out, 0, 4);
    decodeInto(xray, 11, out, 4, 12);
    return UnsafeByteOperations.unsafeWrap(out);
  }

  /** 16 bytes to {@code 1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY}. */
  static String xrayTraceId(ByteString id) {
    if (id.size() != 16) {
      String h = hex(id);
      return "1-" + h.substring(0, 8) + "-" + h.substring(8);
    }
    byte[] out = HEX_BUFFER.get();
    hexInto(id, out, 1); // 32 digits at 1..32, then open the gaps for "1-" and "-"
    out[0] = '1';
    System.arraycopy(out, 9, out, 11, 24);
    System.arraycopy(out, 1, out, 2, 8);
    out[1] = '-';
    out[10] = '-';
    return new String(out, 0, 35, StandardCharsets.ISO_8859_1);
  }

  static boolean isValidSpanId(ByteString id) {
    if (id.size() != 8) {
      return false;
    }
    for (int i = 0; i < 8; i++) {
      if (id.byteAt(i) != 0) {
        return true;
      }
    }
    return false;
  }

  static boolean isValidTraceId(ByteString id) {
    if (id.size() != 16) {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      if (id.byteAt(i) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Big-endian epoch seconds in the first 4 bytes of an OTel trace id. */
  static long epochOf(ByteString traceId) {
    return ((long) (traceId.byteAt(0) & 0xff) << 24)
        | ((traceId.byteAt(1) & 0xff) << 16)
        | ((traceId.byteAt(2) & 0xff) << 8)
        | (traceId.byteAt(3) & 0xff);
  }

  /** Decodes {@code count} bytes from the hex digits of {@code s} starting at {@code from}. */
  private static void decodeInto(String s, int from, byte[] out, int at, int count) {
    for (int i = 0; i < count; i++) {
      out[at + i] =
          (byte) ((nibble(s.charAt(from + 2 * i)) << 4) | nibble(s.charAt(from + 2 * i + 1)));
    }
  }

  /** Hex digit values by character, -1 for anything else; ids are decoded on every document. */
  private static final byte[] NIBBLES = nibbles();

  private static byte[] nibbles() {
    byte[] table = new byte[128];
    java.util.Arrays.fill(table, (byte) -1);
    for (int i = 0; i < 16; i++) {
      table["0123456789abcdef".charAt(i)] = (byte) i;
      table["0123456789ABCDEF".charAt(i)] = (byte) i;
    }
    return table;
  }

  private static int nibble(char c) {
    int v = c < 128 ? NIBBLES[c] : -1;
    if (v < 0) {
      throw new IllegalArgumentException("not a hex digit: " + c);
    }
    return v;
  }

  /**
   * Epoch seconds to nanoseconds, using the shortest decimal form of the double so that {@code
   * 1480615200.0102346} becomes exactly {@code 1480615200010234600}.
   */
  static long nanos(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0 || seconds >= 9e9) {
      return 0;
    }
    return Json.plainNanos(seconds);
  }

  /** Nanoseconds to epoch seconds. */
  static double seconds(long nanos) {
    long secs = Math.floorDiv(nanos, 1_000_000_000L);
    long rem = Math.floorMod(nanos, 1_000_000_000L);
    return secs + rem / 1e9;
  }
}
