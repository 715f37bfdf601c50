package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.xray.SegmentFormatException.Reason;
import io.raybridge.xray.SegmentValidator.Problem;
import io.raybridge.xray.model.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentValidatorTest {

  private static String doc(String members) {
    return "{\"name\":\"svc\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\","
        + "\"start_time\":1478293361.271,\"end_time\":1478293361.449"
        + (members.isEmpty() ? "" : "," + members)
        + "}";
  }

  private static List<Problem> problems(String json) {
    return SegmentValidator.validate(SegmentCodec.parseOne(json));
  }

  private static void assertSingle(String json, Reason reason, String message) {
    assertThat(problems(json)).containsExactly(new Problem(reason, message));
  }

  @Test
  void acceptsMinimalSegment() {
    assertThat(problems(doc(""))).isEmpty();
  }

  @Test
  void rejectsMalformedTraceId() {
    assertSingle(
        doc("").replace("1-581cf771-a006649127e371903a2de979", "1-581cf771-a00664"),
        Reason.INVALID_TRACE_ID,
        "trace_id \"1-581cf771-a00664\" must have the form 1-<8 hex digits>-<24 hex digits>");
  }

  @Test
  void rejectsTraceIdWithWrongVersion() {
    assertSingle(
        doc("").replace("1-581cf771", "2-581cf771"),
        Reason.INVALID_TRACE_ID,
        "trace_id \"2-581cf771-a006649127e371903a2de979\" must have the form"
            + " 1-<8 hex digits>-<24 hex digits>");
  }

  @Test
  void rejectsMissingTraceIdOnSegment() {
    assertSingle(
        doc("").replace("\"trace_id\":\"1-581cf771-a006649127e371903a2de979\",", ""),
        Reason.MISSING_FIELD,
        "trace_id is missing");
  }

  @Test
  void rejectsSegmentIdThatIsNotSixteenHexDigits() {
    assertSingle(
        doc("").replace("70de5b6f19ff9a0a", "70de5b6f19ff9a0"),
        Reason.INVALID_ID,
        "id \"70de5b6f19ff9a0\" must be 16 hexadecimal digits");
  }

  @Test
  void rejectsNonHexSegmentId() {
    assertSingle(
        doc("").replace("70de5b6f19ff9a0a", "70de5b6f19ff9a0g"),
        Reason.INVALID_ID,
        "id \"70de5b6f19ff9a0g\" must be 16 hexadecimal digits");
  }

  @Test
  void rejectsMissingId() {
    assertSingle(
        doc("").replace("\"id\":\"70de5b6f19ff9a0a\",", ""), Reason.MISSING_FIELD, "id is missing");
  }

  @Test
  void rejectsMissingStartTime() {
    assertSingle(
        doc("").replace("\"start_time\":1478293361.271,", ""),
        Reason.MISSING_FIELD,
        "start_time is missing");
  }

  @Test
  void rejectsNonNumericStartTime() {
    assertSingle(
        doc("").replace("1478293361.271", "\"yesterday\""),
        Reason.INVALID_TIME,
        "start_time must be a number, found \"yesterday\"");
  }

  @Test
  void rejectsNonNumericEndTime() {
    assertSingle(
        doc("").replace("1478293361.449", "true"),
        Reason.INVALID_TIME,
        "end_time must be a number, found true");
  }

  @Test
  void rejectsEndTimeBeforeStartTime() {
    assertSingle(
        doc("").replace("1478293361.449", "1478293360.5"),
        Reason.INVALID_TIME,
        "end_time (1478293360.5) is before start_time (1478293361.271)");
  }

  @Test
  void rejectsDocumentWithNeitherEndTimeNorInProgress() {
    assertSingle(
        doc("").replace(",\"end_time\":1478293361.449", ""),
        Reason.NOT_FINISHED,
        "neither end_time nor in_progress is set");
  }

  @Test
  void acceptsInProgressWithoutEndTime() {
    assertThat(problems(doc("").replace("\"end_time\":1478293361.449", "\"in_progress\":true")))
        .isEmpty();
  }

  @Test
  void rejectsIndependentSubsegmentWithoutTraceId() {
    assertSingle(
        doc("\"type\":\"subsegment\",\"parent_id\":\"1111111111111111\"")
            .replace("\"trace_id\":\"1-581cf771-a006649127e371903a2de979\",", ""),
        Reason.INCOMPLETE_SUBSEGMENT,
        "independent subsegment needs trace_id");
  }

  @Test
  void rejectsIndependentSubsegmentWithoutParentId() {
    assertSingle(
        doc("\"type\":\"subsegment\""),
        Reason.INCOMPLETE_SUBSEGMENT,
        "independent subsegment needs parent_id");
  }

  @Test
  void rejectsNameWithInvalidCharacters() {
    assertSingle(
        doc("").replace("\"svc\"", "\"my*svc!\""),
        Reason.INVALID_NAME,
        "name \"my*svc!\" contains characters X-Ray does not accept: ! *");
  }

  @Test
  void acceptsNameWithEveryAllowedSymbolAndUnicodeLetters() {
    assertThat(problems(doc("").replace("\"svc\"", "\"Ünï 1_.:/%&#=+\\\\-@\""))).isEmpty();
  }

  @Test
  void rejectsNameLongerThan200Characters() {
    String longName = "n".repeat(201);
    assertSingle(
        doc("").replace("\"svc\"", "\"" + longName + "\""),
        Reason.INVALID_NAME,
        "name is longer than 200 characters (201)");
  }

  @Test
  void rejectsMissingName() {
    assertSingle(doc("").replace("\"name\":\"svc\",", ""), Reason.MISSING_FIELD, "name is missing");
  }

  @Test
  void rejectsAnnotationKeyWithDisallowedCharacters() {
    assertSingle(
        doc("\"annotations\":{\"bad-key\":1}"),
        Reason.INVALID_ANNOTATION,
        "annotation key \"bad-key\" must be non-empty and contain only ASCII letters, digits, '_'"
            + " and '.'");
  }

  @Test
  void rejectsAnnotationWithObjectValue() {
    assertSingle(
        doc("\"annotations\":{\"ok\":{\"a\":1}}"),
        Reason.INVALID_ANNOTATION,
        "annotation \"ok\" has an unsupported value type (object); only string, number and boolean"
            + " are allowed");
  }

  @Test
  void rejectsAnnotationWithArrayValue() {
    assertSingle(
        doc("\"annotations\":{\"ok\":[1]}"),
        Reason.INVALID_ANNOTATION,
        "annotation \"ok\" has an unsupported value type (array); only string, number and boolean"
            + " are allowed");
  }

  @Test
  void rejectsDocumentsOver64Kilobytes() {
    String big = "x".repeat(70_000);
    List<Problem> p = problems(doc("\"metadata\":{\"default\":{\"blob\":\"" + big + "\"}}"));
    assertThat(p).hasSize(1);
    assertThat(p.get(0).reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(p.get(0).message())
        .matches("document is 70\\d{3} bytes, over the 64 KB limit \\(65536 bytes\\)");
  }

  @Test
  void rejectsUnknownNamespace() {
    Segment s =
        SegmentCodec.parseOne(
            doc(
                "\"subsegments\":[{\"name\":\"x\",\"id\":\"1111111111111111\",\"start_time\":1478293361.3,"
                    + "\"end_time\":1478293361.4,\"namespace\":\"local\"}]"));
    assertThat(SegmentValidator.validate(s))
        .containsExactly(
            new Problem(
                Reason.INVALID_FIELD,
                "subsegments[0].namespace \"local\" must be \"aws\" or \"remote\""));
  }

  @Test
  void reportsNestedProblemsWithTheirPath() {
    Segment s =
        SegmentCodec.parseOne(
            doc("\"subsegments\":[{\"name\":\"x\",\"id\":\"zz\",\"in_progress\":true}]"));
    assertThat(SegmentValidator.validate(s))
        .extracting(Problem::message)
        .containsExactly(
            "subsegments[0].id \"zz\" must be 16 hexadecimal digits",
            "subsegments[0].start_time is missing");
  }

  @Test
  void rejectsCauseThatIsNeitherStringNorObject() {
    assertSingle(
        doc("\"cause\":42"),
        Reason.INVALID_FIELD,
        "cause must be an exception id string or an object, found 42");
  }

  @Test
  void rejectsExceptionWithoutId() {
    assertSingle(
        doc("\"cause\":{\"exceptions\":[{\"message\":\"m\"}]}"),
        Reason.MISSING_FIELD,
        "cause.exceptions[0].id is missing");
  }

  @Test
  void rejectsMetadataNamespaceThatIsNotAnObject() {
    assertSingle(
        doc("\"metadata\":{\"ns\":3}"),
        Reason.INVALID_FIELD,
        "metadata namespace \"ns\" must be an object");
  }

  @Test
  void structuralProblemsAreExactlyTheStructuralPartOfValidate() {
    java.util.Set<Reason> structural =
        java.util.EnumSet.of(
            Reason.MISSING_FIELD,
            Reason.INVALID_ID,
            Reason.INVALID_TRACE_ID,
            Reason.INVALID_TIME,
            Reason.INCOMPLETE_SUBSEGMENT);
    String[] breakages = {
      "\"name\":\"svc\"", "\"name\":7",
      "\"id\":\"70de5b6f19ff9a0a\"", "\"id\":\"xyz\"",
      "\"trace_id\":\"1-581cf771-a006649127e371903a2de979\"", "\"trace_id\":\"1-58\"",
      "\"start_time\":1478293361.271", "\"start_time\":\"soon\"",
      "\"end_time\":1478293361.449", "\"end_time\":1.0",
    };
    String[] extras = {
      "",
      "\"type\":\"subsegment\"",
      "\"type\":\"odd\"",
      "\"parent_id\":\"nothex\"",
      "\"namespace\":\"local\"",
      "\"annotations\":{\"bad key\":1}",
      "\"metadata\":{\"default\":3}",
      "\"cause\":\"nothex\"",
      "\"cause\":[1]",
      "\"cause\":{\"exceptions\":[{\"message\":\"m\"}]}",
      "\"precursor_ids\":[\"x\"]",
      "\"in_progress\":true",
      "\"name\":\"bad!name\"",
      "\"subsegments\":[{\"name\":\"s\",\"start_time\":1.0}]",
      "\"subsegments\":[{\"name\":\"bad name!\",\"id\":\"70de5b6f19ff9a0b\",\"start_time\":1.0,\"in_progress\":true}]"
    };
    int failing = 0;
    for (int b = -1; b < breakages.length; b++) {
      for (String extra : extras) {
        String json = doc(extra);
        if (b >= 0) {
          // Even entries are removed, odd ones replace the valid member before them.
          json =
              b % 2 == 0
                  ? json.replace(breakages[b], "\"zz\":0")
                  : json.replace(breakages[b - 1], breakages[b]);
        }
        Segment s = SegmentCodec.parseOne(json);
        List<Problem> expected =
            SegmentValidator.validate(s).stream()
                .filter(p -> structural.contains(p.reason()))
                .toList();
        assertThat(SegmentValidator.structuralProblems(s)).as(json).isEqualTo(expected);
        if (!expected.isEmpty()) {
          failing++;
        }
      }
    }
    assertThat(failing).isGreaterThan(100);
  }
}
