package io.raybridge.processor.xrayannotations;

import static io.raybridge.processor.xrayannotations.TestSpans.attrs;
import static io.raybridge.processor.xrayannotations.TestSpans.resourceSpans;
import static io.raybridge.processor.xrayannotations.TestSpans.server;
import static io.raybridge.processor.xrayannotations.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentToSpan;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRayAttributes;
import io.raybridge.xray.XRaySettings;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.AnnotationValue.Bool;
import io.raybridge.xray.model.AnnotationValue.Dbl;
import io.raybridge.xray.model.AnnotationValue.Int;
import io.raybridge.xray.model.AnnotationValue.Str;
import io.raybridge.xray.model.Segment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule feature, checked on the segment the X-Ray translator makes of the processed span. */
class XRayAnnotationsProcessorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final TestTelemetry telemetry = new TestTelemetry();

  private Traces run(String yaml, ResourceSpans... input) throws Exception {
    TracesSink sink = new TracesSink();
    Processor p =
        new XRayAnnotationsProcessorFactory()
            .create(
                TestSettings.builder(ComponentKind.PROCESSOR, "xray_annotations")
                    .telemetry(telemetry)
                    .build(),
                ConfigFixtures.bind(XRayAnnotationsProcessorConfig.class, yaml),
                sink);
    p.start();
    p.consume(Traces.of(input));
    p.shutdown(Duration.ofSeconds(5));
    return sink.all();
  }

  /** The first document the translator makes of the processed spans, read back from its JSON. */
  private Segment segment(String yaml, ResourceSpans input) throws Exception {
    Traces out = run(yaml, input);
    List<String> docs =
        new SpanToSegment(XRaySettings.DEFAULTS).convert(out.resourceSpans().get(0));
    return SegmentCodec.parseOne(docs.get(0));
  }

  private static Map<String, AnnotationValue> annotations(Object... kv) {
    Map<String, AnnotationValue> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (AnnotationValue) kv[i + 1]);
    }
    return m;
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private long invalid(String reason) {
    return telemetry.counterValue(XRayAnnotationsProcessorFactory.METRIC_INVALID, "reason", reason);
  }

  @Test
  void promotesAnExactKeyAndRemovesItFromMetadata() throws Exception {
    Segment s =
        segment(
            "rules: [{key: customer.tier}]",
            resourceSpans("cart", server("customer.tier", "gold", "other", 1)));
    assertThat(s.annotations()).isEqualTo(annotations("customer.tier", new Str("gold")));
    assertThat(s.metadata().get("default").has("customer.tier")).isFalse();
    assertThat(s.metadata().get("default").get("other").asInt()).isEqualTo(1);
    assertThat(telemetry.counterValue(XRayAnnotationsProcessorFactory.METRIC_PROMOTED))
        .isEqualTo(1);
  }

  @Test
  void renamesWithAsStripPrefixAddPrefixAndRegex() throws Exception {
    Segment s =
        segment(
            """
            rules:
              - {key: customer.tier, as: tier}
              - {key_glob: "feature.*", strip_prefix: feature., add_prefix: ff_}
              - {key_regex: "^build\\\\.(id|sha)$", add_prefix: ci.}
            """,
            resourceSpans(
                "cart",
                server(
                    "customer.tier",
                    "gold",
                    "feature.dark",
                    true,
                    "feature.beta.v2",
                    false,
                    "build.id",
                    42,
                    "build.other",
                    "x")));
    assertThat(s.annotations())
        .isEqualTo(
            annotations(
                "tier", new Str("gold"),
                "ff_dark", new Bool(true),
                "ff_beta.v2", new Bool(false),
                "ci.build.id", new Int(42)));
    assertThat(s.metadata().get("default").get("build.other").asText()).isEqualTo("x");
  }

  @Test
  void coercesTypesAndRoutesFailedCoercionsAsInvalid() throws Exception {
    Segment s =
        segment(
            """
            rules:
              - {key: a, type: int}
              - {key: b, type: string}
              - {key: c, type: bool}
              - {key: d, type: double}
              - {key: e, type: int}
              - {key: f, type: int}
            """,
            resourceSpans(
                "cart",
                server("a", "42", "b", 7, "c", "TRUE", "d", "12.50", "e", "many", "f", 2.5)));
    assertThat(s.annotations())
        .isEqualTo(
            annotations(
                "a", new Int(42), "b", new Str("7"), "c", new Bool(true), "d", new Dbl(12.5)));
    assertThat(s.metadata().get("default").get("e").asText()).isEqualTo("many");
    assertThat(s.metadata().get("default").get("f").asDouble()).isEqualTo(2.5);
    assertThat(invalid("coercion_failed")).isEqualTo(2);
  }

  @Test
  void keepsThePromotedAttributeAsMetadataWhenAsked() throws Exception {
    Segment s =
        segment(
            """
            rules: [{key: app.total, as: total, type: double, keep_as_metadata: true}]
            metadata: {namespaces: {"app.": app}}
            """,
            resourceSpans("cart", server("app.total", "12.50")));
    assertThat(s.annotations()).isEqualTo(annotations("total", new Dbl(12.5)));
    assertThat(s.metadata().get("app")).isEqualTo(json("{\"app.total\":\"12.50\"}"));
  }

  @Test
  void appliesRulesOnlyToTheirServicesAndSpanKinds() throws Exception {
    String yaml =
        """
        rules:
          - {key: tier, services: [cart], span_kinds: [server]}
        """;
    assertThat(segment(yaml, resourceSpans("cart", server("tier", "gold"))).annotations())
        .isEqualTo(annotations("tier", new Str("gold")));
    assertThat(segment(yaml, resourceSpans("billing", server("tier", "gold"))).annotations())
        .isNull();
    Span client =
        span("1111111111111111", null, Span.SpanKind.SPAN_KIND_CLIENT, attrs("tier", "x"));
    assertThat(segment(yaml, resourceSpans("cart", client)).annotations()).isNull();
  }

  @Test
  void theFirstMatchingRuleDecidesForAnAttribute() throws Exception {
    Segment s =
        segment(
            """
            rules:
              - {key: app.tier, as: tier, type: string}
              - {key_glob: "app.*", type: int}
            """,
            resourceSpans("cart", server("app.tier", 3, "app.count", "4")));
    assertThat(s.annotations())
        .isEqualTo(annotations("tier", new Str("3"), "app.count", new Int(4)));
  }

  @Test
  void copiesResourceAttributesToEverySpanWithoutTouchingTheResource() throws Exception {
    ResourceSpans in =
        resourceSpans(
            attrs("service.name", "cart", "deployment.environment.name", "prod"),
            server("x", 1),
            span(
                "1111111111111111",
                "53995c3f42cd8ad8",
                Span.SpanKind.SPAN_KIND_INTERNAL,
                attrs("y", 2)));
    String yaml = "rules: [{key: deployment.environment.name, from: resource, as: env}]";
    Traces out = run(yaml, in);
    assertThat(out.resourceSpans().get(0).getResource()).isSameAs(in.getResource());
    Segment s = segment(yaml, in);
    assertThat(s.annotations()).isEqualTo(annotations("env", new Str("prod")));
    assertThat(s.subsegments().get(0).annotations()).isEqualTo(annotations("env", new Str("prod")));
    // The segment still carries the resource attribute as metadata, as without the processor.
    assertThat(
            s.metadata().get("default").get("otel.resource.deployment.environment.name").asText())
        .isEqualTo("prod");
  }

  @Test
  void fillsTheBudgetInRuleOrderAndCountsTheOverflow() throws Exception {
    Segment s =
        segment(
            """
            max_annotations: 2
            rules:
              - {key: low}
              - {key: high}
              - {key: mid}
            """,
            resourceSpans("cart", server("mid", 2, "high", 3, "low", 1)));
    assertThat(s.annotations()).isEqualTo(annotations("low", new Int(1), "high", new Int(3)));
    assertThat(s.metadata().get("default").get("mid").asInt()).isEqualTo(2);
    assertThat(telemetry.counterValue(XRayAnnotationsProcessorFactory.METRIC_OVERFLOW))
        .isEqualTo(1);
  }

  @Test
  void annotationsTheSpanAlreadyHasCountFirstAndKeepTheirTypes() throws Exception {
    Span span =
        server("pre", 5L, "rule.one", "a", "rule.two", "b").toBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey(XRayAttributes.ANNOTATIONS)
                    .setValue(TestSpans.value(List.of("pre"))))
            .build();
    Segment s =
        segment(
            "max_annotations: 2\nrules: [{key_glob: \"*\", type: string}]",
            resourceSpans("cart", span));
    assertThat(s.annotations()).isEqualTo(annotations("pre", new Int(5), "rule.one", new Str("a")));
    assertThat(s.metadata().get("default").get("rule.two").asText()).isEqualTo("b");
  }

  @Test
  void sanitizesKeysWithOrWithoutDots() throws Exception {
    ResourceSpans in = resourceSpans("cart", server("user@id.v2", "u1"));
    assertThat(segment("rules: [{key: user@id.v2}]", in).annotations())
        .isEqualTo(annotations("user_id.v2", new Str("u1")));
    assertThat(
            segment("key_sanitization: underscore\nrules: [{key: user@id.v2}]", in).annotations())
        .isEqualTo(annotations("user_id_v2", new Str("u1")));
  }

  @Test
  void keepsValuesXRayWouldRefuseAsMetadataAndCountsThemByReason() throws Exception {
    String tooLong = "x".repeat(251);
    Segment s =
        segment(
            "rules: [{key_glob: \"v.*\"}]",
            resourceSpans(
                "cart",
                server(
                    "v.list",
                    List.of("a", "b"),
                    "v.long",
                    tooLong,
                    "v.nan",
                    Double.NaN,
                    "v.bytes",
                    new byte[] {1, 2},
                    "v.ok",
                    "x".repeat(250))));
    assertThat(s.annotations()).isEqualTo(annotations("v.ok", new Str("x".repeat(250))));
    JsonNode def = s.metadata().get("default");
    assertThat(def.get("v.list")).isEqualTo(json("[\"a\",\"b\"]"));
    assertThat(def.get("v.long").asText()).isEqualTo(tooLong);
    assertThat(def.has("v.bytes")).isTrue();
    assertThat(invalid("unsupported_type")).isEqualTo(2);
    assertThat(invalid("string_too_long")).isEqualTo(1);
    assertThat(invalid("non_finite_number")).isEqualTo(1);
  }

  @Test
  void dropsValuesXRayWouldRefuseWhenAskedAndStillCountsThem() throws Exception {
    Segment s =
        segment(
            "on_invalid: drop\nrules: [{key_glob: \"v.*\", type: int}]",
            resourceSpans("cart", server("v.list", List.of(1), "v.word", "abc", "v.ok", "3")));
    assertThat(s.annotations()).isEqualTo(annotations("v.ok", new Int(3)));
    assertThat(s.metadata())
        .isEqualTo(Map.of("default", json("{\"otel.resource.service.name\":\"cart\"}")));
    assertThat(
            telemetry.value(
                XRayAnnotationsProcessorFactory.METRIC_INVALID,
                io.opentelemetry.api.common.Attributes.builder()
                    .put("reason", "coercion_failed")
                    .put("action", "drop")
                    .build()))
        .isEqualTo(2);
  }

  @Test
  void givesTheFirstRuleAnAnnotationKeyTwoAttributesWouldShare() throws Exception {
    Segment s =
        segment(
            "rules: [{key_glob: \"a.*\", strip_prefix: a., add_prefix: x.}, {key: x.tier}]",
            resourceSpans("cart", server("x.tier", "second", "a.tier", "first")));
    // a.tier becomes x.tier; the attribute x.tier itself moves to metadata under its own key.
    assertThat(s.annotations()).isEqualTo(annotations("x.tier", new Str("first")));
    assertThat(s.metadata().get("default").get("x.tier").asText()).isEqualTo("second");
    assertThat(invalid("duplicate_key")).isEqualTo(1);
  }

  @Test
  void routesMetadataByPrefixAndLeavesTranslatedFieldsAlone() throws Exception {
    Segment s =
        segment(
            """
            metadata:
              namespaces: {"app.": app, "app.db.": database}
              default: other
            """,
            resourceSpans(
                "cart",
                server(
                    "app.cart.size",
                    3,
                    "app.db.pool",
                    "main",
                    "misc",
                    true,
                    "http.request.method",
                    "GET",
                    "http.response.status_code",
                    200)));
    assertThat(s.annotations()).isNull();
    assertThat(s.metadata().get("app")).isEqualTo(json("{\"app.cart.size\":3}"));
    assertThat(s.metadata().get("database")).isEqualTo(json("{\"app.db.pool\":\"main\"}"));
    assertThat(s.metadata().get("other")).isEqualTo(json("{\"misc\":true}"));
    assertThat(s.http().request().method()).isEqualTo("GET");
    assertThat(s.http().response().status()).isEqualTo(200);
    assertThat(s.metadata().get("default").has("misc")).isFalse();
  }

  @Test
  void explainsWhichRuleProducedEachAnnotation() throws Exception {
    Segment s =
        segment(
            """
            explain: true
            max_annotations: 1
            rules: [{key: tier}, {key: big, type: int}, {key: late}]
            """,
            resourceSpans("cart", server("tier", "gold", "big", "many", "late", 1)));
    assertThat(s.metadata().get("raybridge"))
        .isEqualTo(
            json(
                """
                {"annotation_rules": {"tier": {"rule": 0, "from": "span", "attribute": "tier"}},
                 "not_promoted": {"big": {"rule": 1, "reason": "coercion_failed"},
                                  "late": {"rule": 2, "reason": "over_budget"}}}
                """));
  }

  @Test
  void passesSpansNoRuleTouchesAsTheSameMessages() throws Exception {
    ResourceSpans in = resourceSpans("cart", server("a", 1));
    ResourceSpans touched = resourceSpans("cart", server("tier", "gold"));
    Traces out = run("rules: [{key: tier}]", in, touched);
    assertThat(out.resourceSpans().get(0)).isSameAs(in);
    assertThat(out.resourceSpans().get(1)).isNotSameAs(touched);
    assertThat(touched.getScopeSpans(0).getSpans(0).getAttributesList())
        .isEqualTo(attrs("tier", "gold"));
  }

  @Test
  void worksOnSpansMadeFromXRayDocumentsKeepingTheirAnnotations() throws Exception {
    String document =
        """
        {"name":"cart","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",
         "start_time":1700000000,"end_time":1700000001,"user":"alice",
         "http":{"request":{"method":"GET","url":"https://shop.example.com/cart"}},
         "annotations":{"customer":"acme","count":3,"ratio":0.5},
         "metadata":{"debug":{"a":1}, "app":{"kept":true}}}
        """;
    ResourceSpans in = SegmentToSpan.convert(SegmentCodec.parseOne(document));
    Segment s =
        segment(
            """
            max_annotations: 4
            rules:
              - {key: enduser.id, as: user_name}
              - {key: service.name, from: resource, as: svc}
            """,
            in);
    assertThat(s.annotations())
        .isEqualTo(
            annotations(
                "customer", new Str("acme"),
                "count", new Int(3),
                "ratio", new Dbl(0.5),
                "user_name", new Str("alice")));
    assertThat(s.user()).isEqualTo("alice");
    assertThat(s.http().request().method()).isEqualTo("GET");
    assertThat(s.metadata())
        .containsEntry("debug", json("{\"a\":1}"))
        .containsEntry("app", json("{\"kept\":true}"));
    assertThat(telemetry.counterValue(XRayAnnotationsProcessorFactory.METRIC_OVERFLOW))
        .isEqualTo(1);
  }

  @Test
  void mergesRoutedAttributesIntoANamespaceTheSpanAlreadyHas() throws Exception {
    String document =
        """
        {"name":"cart","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",
         "start_time":1700000000,"end_time":1700000001,
         "annotations":{"tier":"gold"},
         "metadata":{"app":{"kept":true}}}
        """;
    ResourceSpans xray = SegmentToSpan.convert(SegmentCodec.parseOne(document));
    Span span =
        xray.getScopeSpans(0).getSpans(0).toBuilder().addAllAttributes(attrs("app.x", 1)).build();
    ResourceSpans in =
        xray.toBuilder()
            .setScopeSpans(0, xray.getScopeSpans(0).toBuilder().setSpans(0, span))
            .build();
    Segment s =
        segment(
            "metadata: {namespaces: {\"app.\": app}}\nrules: [{key: tier, as: other_tier}]", in);
    assertThat(s.metadata().get("app")).isEqualTo(json("{\"kept\":true,\"app.x\":1}"));
    // the existing annotation is not a rule's input
    assertThat(s.annotations()).isEqualTo(annotations("tier", new Str("gold")));
  }
}
