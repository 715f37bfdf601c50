package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast parser must read every document it accepts exactly as Jackson does, and leave every
 * other document (including every malformed one) to Jackson.
 */
class AsciiJsonParserTest {
  private static final String DOC =
      "{\"name\":\"svc\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\","
          + "\"start_time\":1478293361.271,\"end_time\":1478293361.449%s}";

  /** What each parser makes of the bytes: the segments, or null where the fast one declines. */
  private record Outcome(List<Segment> fast, List<Segment> jackson, String jacksonError) {}

  private static Outcome both(byte[] bytes) {
    List<Segment> fast = SegmentCodec.parseBodyFast(bytes, 0, bytes.length);
    try {
      return new Outcome(fast, SegmentCodec.parseBodyJackson(bytes, 0, bytes.length), null);
    } catch (SegmentFormatException e) {
      return new Outcome(fast, null, e.getMessage());
    }
  }

  /** Asserts agreement; returns whether the fast parser took the document. */
  private static boolean agree(byte[] bytes) {
    Outcome o = both(bytes);
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (o.fast() == null) {
      return false;
    }
    assertThat(o.jacksonError()).as("fast parser accepted what Jackson refuses: %s", text).isNull();
    assertThat(o.fast()).as("fast parse of %s", text).isEqualTo(o.jackson());
    for (int i = 0; i < o.fast().size(); i++) {
      assertThat(SegmentCodec.serialize(o.fast().get(i)))
          .isEqualTo(SegmentCodec.serialize(o.jackson().get(i)));
    }
    return true;
  }

  private static byte[] doc(String extra) {
    return String.format(DOC, extra).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsEveryGoldenDocumentAsJacksonDoes() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Paths.get("src/test/resources/golden/xray-to-otel"))) {
      files = s.filter(p -> p.toString().endsWith(".segment.json")).sorted().toList();
    }
    int taken = 0;
    for (Path f : files) {
      if (agree(Files.readAllBytes(f))) {
        taken++;
      }
    }
    assertThat(files).hasSizeGreaterThan(30);
    // Golden files are pretty-printed ASCII: white space and all, the fast parser takes most.
    assertThat(taken).isGreaterThan(files.size() * 3 / 4);
  }

  @Test
  void readsGeneratedDocumentsAsJacksonDoes() {
    SegmentGenerator gen = new SegmentGenerator(99L);
    int taken = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = gen.document().toString().getBytes(StandardCharsets.UTF_8);
      if (agree(bytes)) {
        taken++;
      }
    }
    // The generator puts non-ASCII text in some documents; those are Jackson's.
    assertThat(taken).isGreaterThan(200);
  }

  @Test
  void neverAcceptsWhatJacksonRefusesAndAgreesOnMutatedDocuments() {
    SegmentGenerator gen = new SegmentGenerator(5L);
    SplittableRandom r = new SplittableRandom(3);
    byte[] alphabet =
        "{}[]:,\"\\ \n\t0123456789.eE+-truefalsnl\u0001ab".getBytes(StandardCharsets.UTF_8);
    int declined = 0;
    int taken = 0;
    for (int i = 0; i < 6_000; i++) {
      byte[] base = gen.document().toString().getBytes(StandardCharsets.UTF_8);
      byte[] m = mutate(base, r, alphabet);
      if (agree(m)) {
        taken++;
      } else {
        declined++;
      }
    }
    assertThat(taken).isPositive();
    assertThat(declined).isPositive();
  }

  private static byte[] mutate(byte[] b, SplittableRandom r, byte[] alphabet) {
    int at = r.nextInt(b.length);
    byte c = alphabet[r.nextInt(alphabet.length)];
    return switch (r.nextInt(5)) {
      case 0 -> concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, at + 1, b.length));
      case 1 ->
          concat(Arrays.copyOfRange(b, 0, at), new byte[] {c}, Arrays.copyOfRange(b, at, b.length));
      case 2 -> {
        byte[] m = b.clone();
        m[at] = c;
        yield m;
      }
      case 3 -> Arrays.copyOf(b, at);
      default -> {
        int len = Math.min(1 + r.nextInt(8), b.length - at);
        yield concat(Arrays.copyOfRange(b, 0, at + len), Arrays.copyOfRange(b, at, b.length));
      }
    };
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void numbersReadAsJacksonReadsThem() {
    String[] numbers = {
      "0",
      "-0",
      "7",
      "-7",
      "2147483647",
      "2147483648",
      "-2147483649",
      "123456789012345678",
      "999999999999999999",
      "1234567890123456789",
      "9223372036854775807",
      "9223372036854775808",
      "0.0",
      "-0.0",
      "0.1",
      "1e22",
      "1e23",
      "1E-22",
      "1e-23",
      "9007199254740993.0",
      "9007199254740993e1",
      "1.7976931348623157e308",
      "1e309",
      "4.9e-324",
      "1e-400",
      "1480615200.0102346",
      "1.4806152000102346E9",
      "1.700000123456E9",
      "0.000001",
      "1.5e+3",
      "123.456e-2",
      "0.00000000000000000000000001234",
      "12345678901234567890.5",
      "01",
      "1.",
      ".5",
      "-",
      "1e",
      "1e+",
      "--1",
      "1.2.3",
      "0x10",
      "1e99999",
      "+1",
      "NaN",
      "Infinity"
    };
    for (String n : numbers) {
      agree(doc(",\"annotations\":{\"n\":" + n + "},\"metadata\":{\"m\":{\"v\":[" + n + "]}}"));
      agree(doc(",\"http\":{\"response\":{\"status\":" + n + ",\"content_length\":" + n + "}}"));
      agree(String.format(DOC, "").replace("1478293361.449", n).getBytes(StandardCharsets.UTF_8));
    }
    // The common time shape is taken, not left to Jackson.
    assertThat(agree(doc(",\"annotations\":{\"n\":1.700000123456E9}"))).isTrue();
  }

  @Test
  void stringsReadAsJacksonReadsThem() {
    String[] strings = {
      "plain",
      "",
      "with \\\"quotes\\\"",
      "back\\\\slash",
      "sl\\/ash",
      "\\b\\f\\n\\r\\t",
      "\\u00e9t\\u00E9",
      "\\ud83d\\ude00",
      "bad \\x escape",
      "bad \\u12 escape",
      "tab\there",
      "caf\u00e9",
      "\u4e2d\u6587",
      "ctl\u0001char",
      "unterminated"
    };
    for (String s : strings) {
      agree(doc(",\"user\":\"" + s + "\",\"annotations\":{\"k\":\"" + s + "\"}"));
      agree(doc(",\"metadata\":{\"" + s + "\":{\"" + s + "\":\"" + s + "\"}}"));
    }
    assertThat(agree(doc(",\"user\":\"with \\\"quotes\\\" and \\\\\""))).isTrue();
    // Non-ASCII text is left to Jackson's UTF-8 decoding.
    assertThat(agree(doc(",\"user\":\"caf\u00e9\""))).isFalse();
  }

  @Test
  void structureReadsAsJacksonReadsIt() {
    String[] docs = {
      " \n\t" + String.format(DOC, "") + " \r\n",
      "[" + String.format(DOC, "") + "," + String.format(DOC, "") + "]",
      "[]",
      "",
      "   ",
      "{}",
      "[" + String.format(DOC, "") + ",]",
      String.format(DOC, ","),
      String.format(DOC, "") + "{}",
      String.format(DOC, "") + "x",
      String.format(DOC, ",\"subsegments\":[" + String.format(DOC, "") + "]"),
      String.format(DOC, ",\"subsegments\":[1]"),
      String.format(DOC, ",\"in_progress\":true,\"error\":false,\"fault\":null"),
      String.format(DOC, ",\"in_progress\":truex"),
      String.format(DOC, ",\"in_progress\":tru"),
      String.format(DOC, ",\"a\":{\"b\":[{\"c\":[[[]]]}]}"),
      String.format(DOC, ",\"a\" : { \"b\" : [ 1 , 2 ] }"),
      String.format(DOC, ",\"name\":\"twice\""),
      "\uFEFF" + String.format(DOC, ""),
      "{\"name\":\"svc\"",
      "{\"name\"}",
      "{\"name\":}",
      "{name:1}",
      "{'name':'x'}",
      "{\"a\":1 /* comment */}",
      "[1]",
      "\"just a string\"",
    };
    for (String d : docs) {
      agree(d.getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      deep.append("{\"a\":");
    }
    deep.append("1");
    deep.append("}".repeat(200));
    assertThat(agree(doc(",\"metadata\":{\"m\":" + deep + "}"))).isFalse();
  }

  @Test
  void parsersAreNotSharedAcrossNestedUse() {
    byte[] d = doc("");
    AsciiJsonParser outer = AsciiJsonParser.acquire(d, 0, d.length);
    try {
      assertThat(outer).isNotNull();
      assertThat(AsciiJsonParser.acquire(d, 0, d.length)).isNull();
      // While the thread's parser is busy, parsing still works, through Jackson.
      assertThat(SegmentCodec.parse(d)).hasSize(1);
    } finally {
      outer.release();
    }
    assertThat(SegmentCodec.parseBodyFast(d, 0, d.length)).hasSize(1);
  }
}
