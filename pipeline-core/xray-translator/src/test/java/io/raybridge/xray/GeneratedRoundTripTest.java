package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Property-style round trips over thousands of generated valid documents (seeded, repeatable). */
class GeneratedRoundTripTest {
  private static final int DOCUMENTS = 3000;
  private final SpanToSegment toSegment = new SpanToSegment(XRaySettings.DEFAULTS);

  @Test
  void everyGeneratedDocumentSurvivesXRayToOtelToXRay() {
    SegmentGenerator gen = new SegmentGenerator(20261122L);
    for (int i = 0; i < DOCUMENTS; i++) {
      JsonNode doc = gen.document();
      String text = doc.toString();
      ResourceSpans rs = SegmentToSpan.convert(text.getBytes(StandardCharsets.UTF_8)).get(0);
      List<String> back = toSegment.convert(rs);
      assertThat(back).as("document %d: %s", i, text).hasSize(1);
      assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(back.get(0))))
          .as("document %d", i)
          .isEqualTo(JsonTestSupport.canonical(doc));
    }
  }

  @Test
  void everyGeneratedDocumentSurvivesParseAndSerialize() {
    SegmentGenerator gen = new SegmentGenerator(7L);
    for (int i = 0; i < DOCUMENTS; i++) {
      JsonNode doc = gen.document();
      Segment parsed = SegmentCodec.parseOne(doc.toString());
      String written = SegmentCodec.serialize(parsed);
      assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(written)))
          .as("document %d", i)
          .isEqualTo(JsonTestSupport.canonical(doc));
      assertThat(SegmentCodec.parseOne(written)).isEqualTo(parsed);
      assertThat(SegmentValidator.validate(parsed)).as("document %d: %s", i, doc).isEmpty();
    }
  }

  @Test
  void settingsThatReproduceDocumentsGiveEveryGeneratedDocumentBack() {
    // What lets an exporter send a received document instead of converting its spans again.
    XRaySettings dropPolicy =
        XRaySettings.DEFAULTS.withTraceIdPolicy(XRaySettings.TraceIdPolicy.DROP);
    assertThat(XRaySettings.DEFAULTS.reproducesDocuments()).isTrue();
    assertThat(dropPolicy.reproducesDocuments()).isTrue();
    SpanToSegment dropping = new SpanToSegment(dropPolicy);
    SegmentGenerator gen = new SegmentGenerator(99L);
    for (int i = 0; i < 500; i++) {
      JsonNode doc = gen.document();
      ResourceSpans rs =
          SegmentToSpan.convert(doc.toString().getBytes(StandardCharsets.UTF_8)).get(0);
      List<String> back = dropping.convert(rs);
      assertThat(back).as("document %d", i).hasSize(1);
      assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(back.get(0))))
          .as("document %d", i)
          .isEqualTo(JsonTestSupport.canonical(doc));
    }
  }

  @Test
  void settingsThatCanChangeADocumentDoNotClaimToReproduceIt() {
    XRaySettings d = XRaySettings.DEFAULTS;
    assertThat(d.withIndexedAttributes(List.of("customer")).reproducesDocuments()).isFalse();
    assertThat(d.withIndexAllAttributes(true).reproducesDocuments()).isFalse();
    assertThat(d.withAnnotationKeys(XRaySettings.KeyMode.UNDERSCORE).reproducesDocuments())
        .isFalse();
    assertThat(d.withAwsLogGroups(List.of("app")).reproducesDocuments()).isFalse();
    assertThat(d.withMaxAnnotations(10).reproducesDocuments()).isFalse();
    assertThat(d.withMaxAnnotations(50).reproducesDocuments()).isTrue();
  }
}
