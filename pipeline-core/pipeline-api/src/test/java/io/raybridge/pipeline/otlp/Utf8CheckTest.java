package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8CheckTest {

  private static boolean check(byte[] b) {
    return Utf8Check.isValid(b, 0, b.length);
  }

  @Test
  void acceptsWellFormedTextOfEveryLength() {
    for (String s :
        new String[] {
          "", "a", "GET /cart/items", "ünïcödé", "日本語のテキスト", "emoji 😀 and 𝄞", "\u0000x"
        }) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThat(check(b)).as(s).isTrue();
    }
  }

  @Test
  void rejectsWhatTheStandardForbids() {
    int[][] bad = {
      {0x80}, // lone continuation
      {0xC0, 0xAF}, // overlong '/'
      {0xC1, 0xBF}, // overlong
      {0xE0, 0x80, 0xAF}, // overlong three-byte
      {0xED, 0xA0, 0x80}, // surrogate U+D800
      {0xF0, 0x80, 0x80, 0xAF}, // overlong four-byte
      {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
      {0xF5, 0x80, 0x80, 0x80}, // no such lead byte
      {0xFF},
      {0xC3}, // truncated
      {0xE6, 0x97}, // truncated
      {0xF0, 0x9F, 0x98} // truncated
    };
    for (int[] ints : bad) {
      byte[] b = new byte[ints.length];
      for (int i = 0; i < ints.length; i++) {
        b[i] = (byte) ints[i];
      }
      assertThat(check(b)).as(Arrays.toString(ints)).isFalse();
    }
  }

  /**
   * Random bytes, mostly ASCII with multi-byte sequences and corruptions: same answer as protobuf.
   */
  @Test
  void agreesWithTheProtobufRuntimeOnRandomInput() {
    Random r = new Random(5);
    String alphabet = "abc/-_ 0éü日本😀𝄞";
    int valid = 0;
    for (int n = 0; n < 100_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(40);
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(
            alphabet.codePointAt(
                alphabet.offsetByCodePoints(
                    0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (b.length > 0 && r.nextBoolean()) {
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      int from = b.length == 0 ? 0 : r.nextInt(b.length);
      boolean expected = ByteString.copyFrom(b, from, b.length - from).isValidUtf8();
      assertThat(Utf8Check.isValid(b, from, b.length))
          .as(Arrays.toString(b) + " from " + from)
          .isEqualTo(expected);
      if (expected) {
        valid++;
      }
    }
    assertThat(valid).isBetween(20_000, 90_000);
  }
}
