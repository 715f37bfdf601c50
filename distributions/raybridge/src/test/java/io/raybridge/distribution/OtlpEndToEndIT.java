package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, run for real: the distribution jar with the OTLP → debug example, fed
 * by the OpenTelemetry Java SDK over gRPC and HTTP, and by a hand-written OTLP/JSON request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OtlpEndToEndIT {

  @TempDir static Path dir;

  static int grpcPort;
  static int httpPort;
  static int metricsPort;
  static int healthPort;
  static CollectorProcess collector;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startCollector() throws Exception {
    grpcPort = CollectorProcess.freePort();
    httpPort = CollectorProcess.freePort();
    metricsPort = CollectorProcess.freePort();
    healthPort = CollectorProcess.freePort();
    collector =
        CollectorProcess.start(
            dir,
            "run",
            "--config",
            CollectorProcess.CONFIG_EXAMPLES.resolve("otlp-debug.yaml").toString(),
            "--set",
            "receivers.otlp.protocols.grpc.endpoint=127.0.0.1:" + grpcPort,
            "--set",
            "receivers.otlp.protocols.http.endpoint=127.0.0.1:" + httpPort,
            "--set",
            "service.telemetry.metrics.address=127.0.0.1:" + metricsPort,
            "--set",
            "service.telemetry.health.address=127.0.0.1:" + healthPort);
    collector.awaitHealthy(healthPort);
  }

  @AfterAll
  static void stopCollector() {
    collector.close();
  }

  private static void sendWithSdk(SpanExporter exporter, String spanName) {
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "checkout"))))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    Tracer tracer = provider.get("e2e");
    Span parent = tracer.spanBuilder(spanName).setSpanKind(SpanKind.SERVER).startSpan();
    tracer
        .spanBuilder(spanName + " child")
        .setParent(io.opentelemetry.context.Context.current().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .startSpan()
        .end();
    parent.end();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void spansSentByTheJavaSdkOverGrpcAreShownByTheDebugExporter() {
    sendWithSdk(
        OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + grpcPort)
            .setExecutorService(CollectorProcess.exporterThreads())
            .build(),
        "GET /grpc-order");
    collector.awaitOutput("GET /grpc-order child");
    collector.awaitOutput("GET /grpc-order");
  }

  @Test
  @Order(2)
  void spansSentByTheJavaSdkOverHttpProtobufAreShownByTheDebugExporter() {
    sendWithSdk(
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + httpPort + "/v1/traces")
            .build(),
        "POST /http-order");
    collector.awaitOutput("POST /http-order child");
  }

  @Test
  @Order(3)
  void otlpJsonWithHexIdsIsAccepted() throws Exception {
    String body =
        """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",
          "value":{"stringValue":"json-client"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[{
            "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "name":"json-span-7f3a","kind":2,
            "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000"}]}]}]}
        """;
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/traces"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    collector.awaitOutput("json-span-7f3a");
    assertThat(collector.output()).contains("5b8efff798038103d269b633813fc60c");
  }

  @Test
  @Order(4)
  void metricsEndpointCountsAcceptedSpans() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .containsPattern(
            "otelcol_receiver_accepted_spans_total\\{[^}]*receiver=\"otlp\"[^}]*transport=\"grpc\"[^}]*\\} 2(\\.0)?\\b")
        .containsPattern(
            "otelcol_receiver_accepted_spans_total\\{[^}]*receiver=\"otlp\"[^}]*transport=\"http\"[^}]*\\} 3(\\.0)?\\b")
        .contains("otelcol_process_uptime")
        .contains("otelcol_process_memory_rss")
        .contains("otelcol_process_runtime_heap_alloc_bytes")
        .contains("otelcol_process_cpu_seconds_total");
  }

  @Test
  @Order(5)
  void healthEndpointListsEveryRunningComponent() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"receiver/otlp\":\"ok\"")
        .contains("\"exporter/debug\":\"ok\"");
  }

  @Test
  @Order(6)
  void sigtermShutsDownGracefully() throws Exception {
    collector.terminate();
    assertThat(collector.output()).contains("Shutdown complete");
  }
}
