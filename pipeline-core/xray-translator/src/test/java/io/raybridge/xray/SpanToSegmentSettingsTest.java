package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.TranslationStats.Outcome;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanToSegmentSettingsTest {
  private static final long START = 1_700_000_000_000_000_000L;
  // First 4 bytes = 0x6553f100 = 1700000000 (a plausible epoch for START).
  private static final String EPOCH_TRACE = "6553f100bd862e3fe1be46a994272793";
  private static final String RANDOM_TRACE = "f1e2d3c4b5a697887766554433221100";

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue s(String v) {
    return AnyValue.newBuilder().setStringValue(v).build();
  }

  private static AnyValue i(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  private static Span span(String trace, String id, String parent, List<KeyValue> attrs) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(JsonTestSupport.bytes(trace))
            .setSpanId(JsonTestSupport.bytes(id))
            .setName("op")
            .setKind(
                parent == null ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
            .setStartTimeUnixNano(START)
            .setEndTimeUnixNano(START + 1_000_000)
            .addAllAttributes(attrs);
    if (parent != null) {
      b.setParentSpanId(JsonTestSupport.bytes(parent));
    }
    return b.build();
  }

  private static ResourceSpans batch(Span... spans) {
    return ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))
        .build();
  }

  @Test
  void indexesConfiguredAttributesAndSanitizesKeysKeepingDots() {
    var conv =
        new SpanToSegment(XRaySettings.DEFAULTS.withIndexedAttributes(List.of("order.id", "a-b")));
    Segment doc =
        conv.toSegments(
                batch(
                    span(
                        EPOCH_TRACE,
                        "0000000000000001",
                        null,
                        List.of(kv("order.id", s("o-1")), kv("a-b", i(2)), kv("other", s("x"))))))
            .get(0);
    assertThat(doc.annotations())
        .containsExactly(
            java.util.Map.entry("order.id", AnnotationValue.of("o-1")),
            java.util.Map.entry("a_b", AnnotationValue.of(2L)));
    assertThat(doc.metadata().get("default").get("other").asText()).isEqualTo("x");
  }

  @Test
  void underscoreModeReplacesDotsToo() {
    var conv =
        new SpanToSegment(
            XRaySettings.DEFAULTS
                .withIndexedAttributes(List.of("order.id"))
                .withAnnotationKeys(XRaySettings.KeyMode.UNDERSCORE));
    Segment doc =
        conv.toSegments(
                batch(
                    span(EPOCH_TRACE, "0000000000000001", null, List.of(kv("order.id", s("o-1"))))))
            .get(0);
    assertThat(doc.annotations()).containsOnlyKeys("order_id");
  }

  @Test
  void indexAllSendsNonScalarValuesToMetadataAndCountsThem() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS.withIndexAllAttributes(true));
    AnyValue map =
        AnyValue.newBuilder()
            .setKvlistValue(KeyValueList.newBuilder().addValues(kv("k", s("v"))))
            .build();
    Segment doc =
        conv.toSegments(
                batch(
                    span(
                        EPOCH_TRACE,
                        "0000000000000001",
                        null,
                        List.of(kv("flag", s("on")), kv("nested", map)))))
            .get(0);
    assertThat(doc.annotations()).containsKey("flag");
    assertThat(doc.metadata().get("default").get("nested").get("k").asText()).isEqualTo("v");
    assertThat(conv.stats().get(Outcome.ANNOTATION_TO_METADATA)).isEqualTo(1);
  }

  @Test
  void keepsAtMostFiftyAnnotationsPerDocumentInADeterministicOrder() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS.withIndexAllAttributes(true));
    List<KeyValue> rootAttrs = new ArrayList<>();
    List<KeyValue> childAttrs = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      rootAttrs.add(kv("r" + n, i(n)));
      childAttrs.add(kv("c" + n, i(n)));
    }
    Segment doc =
        conv.toSegments(
                batch(
                    span(EPOCH_TRACE, "0000000000000001", null, rootAttrs),
                    span(EPOCH_TRACE, "0000000000000002", "0000000000000001", childAttrs)))
            .get(0);
    assertThat(doc.annotations()).hasSize(40);
    Segment child = doc.subsegmentList().get(0);
    assertThat(child.annotations()).hasSize(10).containsKeys("c0", "c9").doesNotContainKey("c10");
    assertThat(child.metadata().get("default").get("c39").asLong()).isEqualTo(39);
    assertThat(conv.stats().get(Outcome.ANNOTATION_OVERFLOW)).isEqualTo(30);
  }

  @Test
  void keepsW3cTraceIdsByDefault() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS);
    assertThat(conv.convert(batch(span(RANDOM_TRACE, "0000000000000001", null, List.of()))))
        .singleElement()
        .asString()
        .contains("\"trace_id\":\"1-f1e2d3c4-b5a697887766554433221100\"");
  }

  @Test
  void dropsAndCountsNonEpochTraceIdsWhenConfigured() {
    var conv =
        new SpanToSegment(XRaySettings.DEFAULTS.withTraceIdPolicy(XRaySettings.TraceIdPolicy.DROP));
    List<String> docs =
        conv.convert(
            batch(
                span(RANDOM_TRACE, "0000000000000001", null, List.of()),
                span(EPOCH_TRACE, "0000000000000002", null, List.of())));
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0)).contains("\"id\":\"0000000000000002\"");
    assertThat(conv.stats().get(Outcome.DROPPED_INVALID_TRACE_ID)).isEqualTo(1);
  }

  @Test
  void dropsAndCountsSpansWithoutValidSpanId() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS);
    Span bad =
        span(EPOCH_TRACE, "0000000000000001", null, List.of()).toBuilder()
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .build();
    assertThat(conv.convert(batch(bad))).isEmpty();
    assertThat(conv.stats().get(Outcome.DROPPED_INVALID_SPAN_ID)).isEqualTo(1);
  }

  @Test
  void splitsOversizedDocumentsIntoIndependentSubsegmentsAndCountsThem() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS);
    String blob = "z".repeat(25_000);
    List<Span> spans = new ArrayList<>();
    spans.add(span(EPOCH_TRACE, "0000000000000001", null, List.of()));
    for (int n = 2; n <= 5; n++) {
      spans.add(
          span(
              EPOCH_TRACE,
              "000000000000000" + n,
              "0000000000000001",
              List.of(kv("blob", s(blob)))));
    }
    List<Segment> docs = conv.toSegments(batch(spans.toArray(Span[]::new)));
    int total = 0;
    for (Segment d : docs) {
      total += d.count();
      assertThat(SegmentCodec.serializeBytes(d).length).isLessThanOrEqualTo(65_536);
      assertThat(SegmentValidator.validate(d)).isEmpty();
    }
    assertThat(total).isEqualTo(5);
    assertThat(docs).hasSizeGreaterThan(1);
    Segment moved = docs.get(1);
    assertThat(moved.type()).isEqualTo("subsegment");
    assertThat(moved.parentId()).isEqualTo("0000000000000001");
    assertThat(moved.traceId()).isEqualTo("1-6553f100-bd862e3fe1be46a994272793");
    assertThat(conv.stats().get(Outcome.SUBSEGMENT_SPLIT_OUT)).isEqualTo(docs.size() - 1);
  }

  @Test
  void trimsMetadataOfASingleOversizedDocumentWithAMarker() {
    var conv = new SpanToSegment(XRaySettings.DEFAULTS);
    List<String> docs =
        conv.convert(
            batch(
                span(
                    EPOCH_TRACE,
                    "0000000000000001",
                    null,
                    List.of(
                        kv("aws.xray.metadata.big", s("{\"v\":\"" + "q".repeat(70_000) + "\"}")),
                        kv("small", s("kept"))))));
    assertThat(docs)
        .singleElement()
        .asString()
        .contains("\"raybridge\":{\"metadata_trimmed\":true")
        .contains("\"dropped_namespaces\":[\"big\"]")
        .contains("\"small\":\"kept\"");
    assertThat(conv.stats().get(Outcome.METADATA_TRIMMED)).isEqualTo(1);
  }

  @Test
  void rejectsInvalidSettingsListingEveryProblem() {
    assertThatThrownBy(() -> new XRaySettings(List.of(""), false, null, List.of(""), null, 51))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "max_annotations (51) must be between 0 and 50; indexed_attributes must not contain"
                + " empty keys; aws_log_groups must not contain empty names");
  }

  @Test
  void bindsSettingsFromSnakeCaseKeys() throws Exception {
    XRaySettings s =
        JsonTestSupport.MAPPER.readValue(
            "{\"indexed_attributes\":[\"a\"],\"index_all_attributes\":true,"
                + "\"annotation_keys\":\"underscore\",\"aws_log_groups\":[\"g\"],"
                + "\"trace_id_policy\":\"drop\",\"max_annotations\":10}",
            XRaySettings.class);
    assertThat(s)
        .isEqualTo(
            new XRaySettings(
                List.of("a"),
                true,
                XRaySettings.KeyMode.UNDERSCORE,
                List.of("g"),
                XRaySettings.TraceIdPolicy.DROP,
                10));
    assertThat(JsonTestSupport.MAPPER.readValue("{}", XRaySettings.class))
        .isEqualTo(XRaySettings.DEFAULTS);
  }
}
