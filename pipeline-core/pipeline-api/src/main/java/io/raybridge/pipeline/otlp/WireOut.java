package io.raybridge.pipeline.otlp;

import com.google.protobuf.WireFormat;
import java.util.Arrays;

/** A growable byte buffer for one level of re-encoded messages. */
final class WireOut {
  byte[] a = new byte[256];
  int n;

  void reset() {
    n = 0;
  }

  private void ensure(int more) {
    if (n + more > a.length) {
      a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
    }
  }

  void copy(byte[] src, int from, int to) {
    int len = to - from;
    ensure(len);
    System.arraycopy(src, from, a, n, len);
    n += len;
  }

  void varint(int value) {
    ensure(5);
    while ((value & ~0x7f) != 0) {
      a[n++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    a[n++] = (byte) value;
  }

  void lengthDelimited(int field, WireOut content) {
    varint(field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
    varint(content.n);
    copy(content.a, 0, content.n);
  }

  void bytesField(int field, byte[] value) {
    varint(field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
    varint(value.length);
    copy(value, 0, value.length);
  }

  byte[] toArray() {
    return Arrays.copyOf(a, n);
  }
}
