package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.xray.SegmentFormatException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentToSpanTest {
  private static final String DOC =
      "{\"name\":\"svc\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\","
          + "\"start_time\":1478293361.271,\"end_time\":1478293361.449%s}";

  private static List<ResourceSpans> convert(String extra) {
    return SegmentToSpan.convert(String.format(DOC, extra).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void refusesDocumentWithInvalidTraceIdWithItsReason() {
    byte[] b =
        String.format(DOC, "").replace("1-581cf771-", "1-58-").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SegmentToSpan.convert(b))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_TRACE_ID))
        .hasMessageContaining("trace_id \"1-58-a006649127e371903a2de979\" must have the form");
  }

  @Test
  void refusesNestedSubsegmentWithoutIdInsteadOfCrashing() {
    assertThatThrownBy(
            () ->
                convert(
                    ",\"subsegments\":[{\"name\":\"x\",\"start_time\":1478293361.3,\"end_time\":1478293361.4}]"))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_FIELD))
        .hasMessage("subsegments[0].id is missing");
  }

  @Test
  void refusesInvalidJsonWithItsReason() {
    assertThatThrownBy(() -> SegmentToSpan.convert("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            SegmentFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_JSON));
  }

  @Test
  void convertsEachDocumentOfAnArray() {
    String two =
        "[" + String.format(DOC, "") + "," + String.format(DOC, "").replace("70de", "80de") + "]";
    assertThat(SegmentToSpan.convert(two.getBytes(StandardCharsets.UTF_8))).hasSize(2);
  }

  @Test
  void derivesKindsAndStatusForOtelBackends() {
    List<Span> spans =
        convert(
                ",\"fault\":true,\"subsegments\":[{\"name\":\"S3\",\"id\":\"1111111111111111\","
                    + "\"start_time\":1478293361.3,\"end_time\":1478293361.4,\"namespace\":\"aws\","
                    + "\"http\":{\"response\":{\"status\":404}}},{\"name\":\"work\",\"id\":\"2222222222222222\","
                    + "\"start_time\":1478293361.3,\"end_time\":1478293361.4}]")
            .get(0)
            .getScopeSpans(0)
            .getSpansList();
    Span root = spans.get(0);
    assertThat(root.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(root.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(spans.get(1).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(spans.get(1).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(spans.get(2).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
    assertThat(spans.get(2).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(spans.get(2).getParentSpanId()).isEqualTo(root.getSpanId());
  }

  @Test
  void convertsTimesExactlyToNanoseconds() {
    Span s = convert("").get(0).getScopeSpans(0).getSpans(0);
    assertThat(s.getStartTimeUnixNano()).isEqualTo(1_478_293_361_271_000_000L);
    assertThat(s.getEndTimeUnixNano()).isEqualTo(1_478_293_361_449_000_000L);
    assertThat(Ids.seconds(s.getStartTimeUnixNano())).isEqualTo(1478293361.271);
  }
}
