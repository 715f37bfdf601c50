package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.raybridge.testing.xray.FakeXRayApi;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry spans with attributes → {@code xray_annotations} → {@code awsxray} exporter → the
 * X-Ray API: the documents carry exactly the configured annotations (renamed, typed, within the
 * budget) and the configured metadata namespaces.
 */
class XRayAnnotationsEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void documentsCarryTheConfiguredAnnotationsAndMetadata() throws Exception {
    try (FakeXRayApi api = FakeXRayApi.start()) {
      int grpcPort = CollectorProcess.freePort();
      int healthPort = CollectorProcess.freePort();
      Path config = dir.resolve("annotations.yaml");
      Files.writeString(
          config,
          """
          receivers:
            otlp:
              protocols:
                grpc:
                  endpoint: 127.0.0.1:%d
          processors:
            xray_annotations:
              rules:
                - key: customer.tier
                  as: tier
                - key_glob: "app.*"
                  strip_prefix: "app."
                - key: order.count
                  as: order_count
                  type: int
                - key_glob: "bulk.*"
              metadata:
                namespaces:
                  "internal.": internal
                default: default
              max_annotations: 10
          exporters:
            awsxray:
              endpoint: %s
              region: %s
              local_mode: true
          service:
            pipelines:
              traces:
                receivers: [otlp]
                processors: [xray_annotations]
                exporters: [awsxray]
            telemetry:
              metrics:
                level: none
              health:
                address: 127.0.0.1:%d
          """
              .formatted(grpcPort, api.endpoint(), api.region(), healthPort));
      Map<String, String> env =
          Map.of(
              "AWS_ACCESS_KEY_ID", api.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY", api.secretAccessKey());
      try (CollectorProcess collector =
          CollectorProcess.start(dir, env, "run", "--config", config.toString())) {
        collector.awaitHealthy(healthPort);

        SdkTracerProvider provider =
            SdkTracerProvider.builder()
                .setResource(
                    Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "shop")))
                .addSpanProcessor(
                    BatchSpanProcessor.builder(
                            OtlpGrpcSpanExporter.builder()
                                .setEndpoint("http://127.0.0.1:" + grpcPort)
                                .setExecutorService(CollectorProcess.exporterThreads())
                                .build())
                        .build())
                .build();
        Span span =
            provider
                .get("annotations-test")
                .spanBuilder("GET /cart")
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("customer.tier", "gold")
                .setAttribute("app.region", "eu-west-1")
                .setAttribute("app.build", 42L)
                .setAttribute("order.count", "7")
                .setAttribute("internal.flag", true)
                .setAttribute("note", "kept as metadata")
                .startSpan();
        for (int i = 0; i < 20; i++) {
          span.setAttribute(String.format("bulk.k%02d", i), "v" + i);
        }
        span.end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        CollectorProcess.await(
            "the segment at the X-Ray API", Duration.ofSeconds(30), () -> api.documentCount() > 0);
      }

      assertThat(api.requestErrors()).isEmpty();
      String document = api.documents().get(0);
      assertThat(SegmentValidator.validate(SegmentCodec.parseOne(document))).isEmpty();
      JsonNode segment = JSON.readTree(document);
      JsonNode annotations = segment.get("annotations");
      assertThat(annotations.get("tier").asText()).isEqualTo("gold");
      assertThat(annotations.get("region").asText()).isEqualTo("eu-west-1");
      assertThat(annotations.get("build").isIntegralNumber()).isTrue();
      assertThat(annotations.get("build").asLong()).isEqualTo(42);
      assertThat(annotations.get("order_count").isIntegralNumber()).as("coerced to int").isTrue();
      assertThat(annotations.get("order_count").asLong()).isEqualTo(7);
      assertThat(annotations.size()).as("budget of 10").isEqualTo(10);
      List<String> bulk =
          annotations.properties().stream()
              .map(Map.Entry::getKey)
              .filter(k -> k.startsWith("bulk"))
              .toList();
      assertThat(bulk).as("the budget is filled in rule order").hasSize(6);
      assertThat(annotations.has("customer.tier")).isFalse();
      assertThat(annotations.has("note")).isFalse();

      JsonNode metadata = segment.get("metadata");
      assertThat(metadata.get("internal").toString()).contains("internal.flag");
      assertThat(metadata.get("default").toString()).contains("note").contains("bulk.k19");
    }
  }
}
