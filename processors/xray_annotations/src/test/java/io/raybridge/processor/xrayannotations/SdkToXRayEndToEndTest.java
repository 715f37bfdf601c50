package io.raybridge.processor.xrayannotations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRaySettings;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.AnnotationValue.Bool;
import io.raybridge.xray.model.AnnotationValue.Dbl;
import io.raybridge.xray.model.AnnotationValue.Str;
import io.raybridge.xray.model.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spans recorded by the OpenTelemetry Java SDK → {@code xray_annotations} configured as in {@code
 * config-examples/xray-annotations.yaml} → the X-Ray translator → segment documents parsed back.
 */
class SdkToXRayEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void documentsCarryExactlyTheConfiguredAnnotationsAndNamespaces() throws Exception {
    InMemorySpanExporter recorded = InMemorySpanExporter.create();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", "cart")
                        .put("deployment.environment.name", "prod")
                        .build()))
            .addSpanProcessor(SimpleSpanProcessor.create(recorded))
            .build();
    Tracer tracer = provider.get("io.example.cart");
    io.opentelemetry.api.trace.Span server =
        tracer
            .spanBuilder("POST /checkout")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "POST")
            .setAttribute("url.full", "https://shop.example.com/checkout")
            .setAttribute("http.response.status_code", 200L)
            .setAttribute("app.customer.tier", "gold")
            .setAttribute("app.order.total", "12.50")
            .setAttribute("app.cart.items", 3L)
            .setAttribute("feature_flag.checkout_v2", "true")
            .setAttribute("feature_flag.dark-mode", true)
            .setAttribute("feature_flag.color", "blue")
            .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
            .startSpan();
    Scope scope = server.makeCurrent();
    try {
      tracer
          .spanBuilder("load cart")
          .setSpanKind(SpanKind.INTERNAL)
          .setAttribute("app.customer.tier", "gold")
          .startSpan()
          .end();
    } finally {
      scope.close();
      server.end();
    }
    // Read before closing: closing the provider shuts the in-memory exporter down, which clears it.
    List<ResourceSpans> otlp = TestSpans.fromSdk(recorded.getFinishedSpanItems());
    provider.close();

    JsonNode example =
        new YAMLMapper()
            .readTree(
                Path.of(
                        System.getProperty("user.dir"),
                        "../../config-examples/xray-annotations.yaml")
                    .toFile())
            .path("processors")
            .path("xray_annotations");
    XRayAnnotationsProcessorConfig config =
        ConfigFixtures.bind(XRayAnnotationsProcessorConfig.class, example.toString());
    TestTelemetry telemetry = new TestTelemetry();
    TracesSink sink = new TracesSink();
    Processor processor =
        new XRayAnnotationsProcessorFactory()
            .create(
                TestSettings.builder(ComponentKind.PROCESSOR, "xray_annotations")
                    .telemetry(telemetry)
                    .build(),
                config,
                sink);
    processor.start();
    processor.consume(Traces.of(otlp));
    processor.shutdown(Duration.ofSeconds(5));

    List<Segment> documents = new ArrayList<>();
    SpanToSegment translator = new SpanToSegment(XRaySettings.DEFAULTS);
    for (ResourceSpans rs : sink.all().resourceSpans()) {
      for (String doc : translator.convert(rs)) {
        documents.addAll(SegmentCodec.parse(doc));
      }
    }
    assertThat(otlp).hasSize(1);
    assertThat(sink.spanCount()).isEqualTo(2);
    assertThat(documents).hasSize(1);
    Segment segment = documents.get(0);
    Map<String, AnnotationValue> expected = new LinkedHashMap<>();
    expected.put("tier", new Str("gold"));
    expected.put("flag_checkout_v2", new Bool(true));
    expected.put("flag_dark_mode", new Bool(true));
    expected.put("order_total", new Dbl(12.5));
    expected.put("env", new Str("prod"));
    assertThat(segment.annotations()).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(segment.metadata().keySet()).containsExactlyInAnyOrder("app", "flags", "default");
    assertThat(segment.metadata().get("app"))
        .isEqualTo(JSON.readTree("{\"app.order.total\":\"12.50\",\"app.cart.items\":3}"));
    // "blue" cannot be a bool: not an annotation, so it goes where its prefix says.
    assertThat(segment.metadata().get("flags"))
        .isEqualTo(JSON.readTree("{\"feature_flag.color\":\"blue\"}"));
    assertThat(segment.metadata().get("default").get("tags"))
        .isEqualTo(JSON.readTree("[\"a\",\"b\"]"));
    assertThat(segment.http().request().method()).isEqualTo("POST");
    assertThat(segment.http().response().status()).isEqualTo(200);

    // The internal child: the tier rule is for server spans only, the resource rule applies.
    Segment child = segment.subsegments().get(0);
    assertThat(child.annotations()).containsExactlyEntriesOf(Map.of("env", new Str("prod")));
    assertThat(child.metadata())
        .containsExactlyEntriesOf(Map.of("app", JSON.readTree("{\"app.customer.tier\":\"gold\"}")));
    assertThat(
            telemetry.counterValue(
                XRayAnnotationsProcessorFactory.METRIC_INVALID, "reason", "coercion_failed"))
        .isEqualTo(1);
  }
}
