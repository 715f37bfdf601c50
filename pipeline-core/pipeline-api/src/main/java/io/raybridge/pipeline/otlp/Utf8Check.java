package io.raybridge.pipeline.otlp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are well-formed UTF-8 as the Unicode standard defines it (and as the protobuf
 * runtime requires of proto3 {@code string} fields): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Runs of ASCII, which OTLP strings mostly are, are checked eight bytes at a time.
 */
final class Utf8Check {
  private Utf8Check() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Whether {@code bytes[from..to)} is well-formed UTF-8. */
  static boolean isValid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (i + 8 <= to && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      if (b < 0xC2) {
        // A continuation byte where a character starts, or an overlong two-byte form.
        return false;
      }
      if (b < 0xE0) {
        if (i + 1 >= to || !continuation(bytes[i + 1])) {
          return false;
        }
        i += 2;
      } else if (b < 0xF0) {
        if (i + 2 >= to || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2])) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) {
          return false; // overlong, or a UTF-16 surrogate
        }
        i += 3;
      } else if (b < 0xF5) {
        if (i + 3 >= to
            || !continuation(bytes[i + 1])
            || !continuation(bytes[i + 2])
            || !continuation(bytes[i + 3])) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) {
          return false; // overlong, or above U+10FFFF
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
