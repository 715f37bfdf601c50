package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.xray.SegmentFormatException.Reason;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentCodecTest {
  private static final String MIN =
      "{\"name\":\"a\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\","
          + "\"start_time\":1478293361.271,\"end_time\":1478293361.449}";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesDocumentWithDaemonHeader() {
    List<Segment> docs = SegmentCodec.parse(utf8(SegmentCodec.DAEMON_HEADER + "\n" + MIN));
    assertThat(docs).singleElement().extracting(Segment::name).isEqualTo("a");
  }

  @Test
  void parsesDocumentWithoutHeader() {
    assertThat(SegmentCodec.parse(utf8(MIN)).get(0).startTime()).isEqualTo(1478293361.271);
  }

  @Test
  void parsesHeaderWithOtherSpacingAndUpperCaseFormat() {
    String d = "{ \"format\" : \"JSON\", \"version\" : 1 }\n" + MIN;
    assertThat(SegmentCodec.parse(utf8(d))).hasSize(1);
  }

  @Test
  void parsesArrayOfDocuments() {
    assertThat(SegmentCodec.parse(utf8("[" + MIN + "," + MIN.replace("\"a\"", "\"b\"") + "]")))
        .extracting(Segment::name)
        .containsExactly("a", "b");
  }

  @Test
  void datagramWithoutHeaderIsRefusedAsMissingHeader() {
    byte[] b = utf8(MIN);
    assertThatThrownBy(() -> SegmentCodec.parseDatagram(b, 0, b.length))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_HEADER))
        .hasMessage("missing header line {\"format\":\"json\",\"version\":1}");
  }

  @Test
  void datagramWithWrongVersionIsRefusedAsInvalidHeader() {
    byte[] b = utf8("{\"format\":\"json\",\"version\":2}\n" + MIN);
    assertThatThrownBy(() -> SegmentCodec.parseDatagram(b, 0, b.length))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_HEADER))
        .hasMessageContaining("invalid header {\"format\":\"json\",\"version\":2}");
  }

  @Test
  void datagramWithEmptyBodyIsRefused() {
    byte[] b = utf8(SegmentCodec.DAEMON_HEADER + "\n");
    assertThatThrownBy(() -> SegmentCodec.parseDatagram(b, 0, b.length))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY_DOCUMENT))
        .hasMessage("empty document");
  }

  @Test
  void truncatedJsonIsRefusedAsInvalidJson() {
    assertThatThrownBy(() -> SegmentCodec.parse(utf8(MIN.substring(0, 40))))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_JSON))
        .hasMessageStartingWith("invalid JSON: ");
  }

  @Test
  void trailingDataIsRefused() {
    assertThatThrownBy(() -> SegmentCodec.parse(utf8(MIN + " {}")))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TRAILING_DATA))
        .hasMessage("unexpected data after the document");
  }

  @Test
  void scalarDocumentIsRefusedAsNotAnObject() {
    assertThatThrownBy(() -> SegmentCodec.parse(utf8("42")))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_OBJECT))
        .hasMessage("document is not a JSON object or array but VALUE_NUMBER_INT");
  }

  @Test
  void excessiveNestingIsRefusedAsTooDeep() {
    StringBuilder b = new StringBuilder();
    int depth = 600;
    for (int i = 0; i < depth; i++) {
      b.append("{\"name\":\"n\",\"id\":\"70de5b6f19ff9a0a\",\"start_time\":1,\"subsegments\":[");
    }
    for (int i = 0; i < depth; i++) {
      b.append("]}");
    }
    assertThatThrownBy(() -> SegmentCodec.parse(utf8(b.toString())))
        .isInstanceOfSatisfying(
            SegmentFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP));
  }

  @Test
  void keepsUnknownAndMistypedMembers() {
    String d =
        MIN.replace(
            "}",
            ",\"zz\":{\"a\":[1,null]},\"http\":{\"response\":{\"content_length\":\"12\",\"q\":1}},"
                + "\"cause\":\"0123456789abcdef\"}");
    Segment s = SegmentCodec.parseOne(d);
    assertThat(s.extra()).containsOnlyKeys("zz");
    assertThat(s.http().response().contentLength()).isNull();
    assertThat(s.http().response().extra()).containsOnlyKeys("content_length", "q");
    assertThat(s.cause()).isEqualTo(new Cause.ExceptionId("0123456789abcdef"));
    assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(SegmentCodec.serialize(s))))
        .isEqualTo(JsonTestSupport.canonical(JsonTestSupport.tree(d)));
  }

  @Test
  void keepsAnnotationTypes() {
    Segment s =
        SegmentCodec.parseOne(
            MIN.replace("}", ",\"annotations\":{\"s\":\"x\",\"i\":3,\"d\":3.0,\"b\":false}}"));
    assertThat(s.annotations())
        .containsExactly(
            java.util.Map.entry("s", AnnotationValue.of("x")),
            java.util.Map.entry("i", AnnotationValue.of(3L)),
            java.util.Map.entry("d", AnnotationValue.of(3.0)),
            java.util.Map.entry("b", AnnotationValue.of(false)));
    assertThat(SegmentCodec.serialize(s))
        .contains("\"annotations\":{\"s\":\"x\",\"i\":3,\"d\":3.0,\"b\":false}");
  }

  @Test
  void serializesCompactlyInStableOrderWithPlainTimes() {
    Segment s =
        SegmentCodec.parseOne(
            "{\"end_time\":1.4782933614490001E9,\"zz\":1,\"start_time\":1478293361.271,"
                + "\"id\":\"70de5b6f19ff9a0a\",\"name\":\"a\",\"in_progress\":false,"
                + "\"trace_id\":\"1-581cf771-a006649127e371903a2de979\"}");
    assertThat(SegmentCodec.serialize(s))
        .isEqualTo(
            "{\"name\":\"a\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\","
                + "\"start_time\":1478293361.271,\"end_time\":1478293361.4490001,\"in_progress\":false,\"zz\":1}");
  }

  @Test
  void datagramRoundTrips() {
    Segment s = SegmentCodec.parseOne(MIN);
    byte[] d = SegmentCodec.toDatagram(s);
    assertThat(new String(d, StandardCharsets.UTF_8)).startsWith(SegmentCodec.DAEMON_HEADER + "\n");
    assertThat(SegmentCodec.parseDatagram(d, 0, d.length)).containsExactly(s);
  }

  @Test
  void plainNumberFormattingCoversSmallAndLargeValues() {
    assertThat(Json.plain(1.0E-5)).isEqualTo("0.00001");
    assertThat(Json.plain(1.7E9)).isEqualTo("1700000000");
    assertThat(Json.plain(12.5)).isEqualTo("12.5");
    assertThat(Json.plain(-1.23456789E8)).isEqualTo("-123456789");
  }
}
