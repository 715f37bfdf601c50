package io.raybridge.receiver.otlp;

import static io.raybridge.receiver.otlp.ReceiverHarness.request;
import static io.raybridge.receiver.otlp.ReceiverHarness.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpReceiverHttpTest {

  private static final String JSON_BODY =
      """
      {"resourceSpans":[{
        "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
        "scopeSpans":[{"scope":{"name":"manual"},"spans":[{
          "traceId":"5b8efff798038103d269b633813fc60c",
          "spanId":"eee19b7ec3c1b174",
          "parentSpanId":"eee19b7ec3c1b173",
          "name":"GET /cart",
          "kind":2,
          "startTimeUnixNano":"1544712660000000000",
          "endTimeUnixNano":"1544712661000000000",
          "attributes":[{"key":"http.status_code","value":{"intValue":"200"}}],
          "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002"}],
          "status":{"code":"STATUS_CODE_OK"}
        }]}]
      }]}
      """;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static URI uri(ReceiverHarness h, String path) {
    return URI.create("http://127.0.0.1:" + h.receiver.boundHttpPort() + path);
  }

  private HttpResponse<byte[]> post(
      ReceiverHarness h, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(h, "/v1/traces"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void spansFromTheOpenTelemetrySdkHttpExporterReachTheConsumer() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder()
              .setEndpoint(uri(h, "/v1/traces").toString())
              .setCompression("gzip")
              .build();
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build()) {
        Tracer tracer = provider.get("test");
        tracer.spanBuilder("first").startSpan().end();
        tracer.spanBuilder("second").startSpan().end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }

      ReceiverHarness.await(() -> h.sink.spanCount() == 2);
      assertThat(h.sink.spans()).extracting(Span::getName).contains("first", "second");
      assertThat(h.counter(ReceiverObservability.ACCEPTED_SPANS, "http")).isEqualTo(2);
    }
  }

  @Test
  void otlpJsonWithHexIdsIsDecoded() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      HttpResponse<byte[]> r =
          post(h, "application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(text(r)).isEqualTo("{}");
      Span s = h.sink.spans().get(0);
      HexFormat hex = HexFormat.of();
      assertThat(hex.formatHex(s.getTraceId().toByteArray()))
          .isEqualTo("5b8efff798038103d269b633813fc60c");
      assertThat(hex.formatHex(s.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
      assertThat(hex.formatHex(s.getParentSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b173");
      assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(s.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
      assertThat(s.getAttributes(0).getValue().getIntValue()).isEqualTo(200);
      assertThat(s.getLinks(0).getSpanId())
          .isEqualTo(ByteString.copyFrom(hex.parseHex("0000000000000002")));
      assertThat(s.getStatus().getCode().getNumber()).isEqualTo(1);
    }
  }

  @Test
  void gzipJsonAndProtobufBodiesAreAccepted() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      HttpResponse<byte[]> json =
          post(
              h,
              "application/json",
              gzip(JSON_BODY.getBytes(StandardCharsets.UTF_8)),
              "Content-Encoding",
              "gzip");
      HttpResponse<byte[]> proto =
          post(
              h,
              "application/x-protobuf",
              gzip(request(span("p", 1, 1)).toByteArray()),
              "Content-Encoding",
              "gzip");

      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(proto.statusCode()).isEqualTo(200);
      assertThat(ExportTraceServiceResponse.parseFrom(proto.body()).hasPartialSuccess()).isFalse();
      assertThat(h.sink.spanCount()).isEqualTo(2);
    }
  }

  @Test
  void partialSuccessReportsTheRejectedCountInTheRequestEncoding() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      Span zeroSpanId = span("zero", 1, 0);
      HttpResponse<byte[]> proto =
          post(h, "application/x-protobuf", request(span("ok", 1, 1), zeroSpanId).toByteArray());
      HttpResponse<byte[]> json =
          post(
              h,
              "application/json",
              JSON_BODY.replace("eee19b7ec3c1b174", "").getBytes(StandardCharsets.UTF_8));

      assertThat(proto.statusCode()).isEqualTo(200);
      assertThat(
              ExportTraceServiceResponse.parseFrom(proto.body())
                  .getPartialSuccess()
                  .getRejectedSpans())
          .isEqualTo(1);
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(text(json))
          .startsWith("{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":");
      assertThat(h.sink.spans()).extracting(Span::getName).containsExactly("ok");
    }
  }

  @Test
  void aRetryableDownstreamFailureAnswers503WithRetryAfter() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      h.sink.failRetryable();

      HttpResponse<byte[]> r =
          post(h, "application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("3");
      assertThat(text(r)).isEqualTo("{\"code\":14,\"message\":\"queue is full\"}");
    }
  }

  @Test
  void aPermanentDownstreamFailureAnswers400() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      h.sink.failPermanent();

      HttpResponse<byte[]> r =
          post(h, "application/x-protobuf", request(span("a", 1, 1)).toByteArray());

      assertThat(r.statusCode()).isEqualTo(400);
      // google.rpc.Status{code=3, message="span name must not be empty"}
      assertThat(r.body()[0]).isEqualTo((byte) 0x08);
      assertThat(r.body()[1]).isEqualTo((byte) 3);
      assertThat(text(r)).contains("span name must not be empty");
    }
  }

  @Test
  void badRequestsGetTheirStatusCodesAndTheReceiverKeepsServing() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      byte[] valid = request(span("a", 1, 1), span("b", 1, 2)).toByteArray();
      byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 5);

      HttpResponse<byte[]> garbage =
          post(h, "application/x-protobuf", new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02});
      assertThat(garbage.statusCode()).isEqualTo(400);
      assertThat(text(garbage)).contains("malformed request body");

      assertThat(post(h, "application/x-protobuf", truncated).statusCode()).isEqualTo(400);
      HttpResponse<byte[]> badJson =
          post(h, "application/json", "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8));
      assertThat(badJson.statusCode()).isEqualTo(400);
      assertThat(text(badJson)).contains("invalid JSON");
      HttpResponse<byte[]> badId =
          post(
              h,
              "application/json",
              JSON_BODY.replace("eee19b7ec3c1b174", "xyz").getBytes(StandardCharsets.UTF_8));
      assertThat(text(badId))
          .contains(
              "resourceSpans[0].scopeSpans[0].spans[0].spanId: invalid id 'xyz': expected 16 hex characters");

      assertThat(post(h, "text/plain", valid).statusCode()).isEqualTo(415);
      assertThat(post(h, null, valid).statusCode()).isEqualTo(415);
      assertThat(post(h, "application/x-protobuf", valid, "Content-Encoding", "br").statusCode())
          .isEqualTo(400);
      assertThat(post(h, "application/x-protobuf", new byte[1024 * 1024 + 1]).statusCode())
          .isEqualTo(413);

      HttpResponse<String> notFound =
          client.send(
              HttpRequest.newBuilder(uri(h, "/v1/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(valid))
                  .header("Content-Type", "application/x-protobuf")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notFound.statusCode()).isEqualTo(404);

      HttpResponse<String> wrongMethod =
          client.send(
              HttpRequest.newBuilder(uri(h, "/v1/traces")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

      assertThat(post(h, "application/x-protobuf", valid).statusCode()).isEqualTo(200);
      assertThat(h.sink.spanCount()).isEqualTo(2);
    }
  }

  @Test
  void aGzipBombBeyondTheBodyLimitIsRefusedWith413() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      byte[] bomb = gzip(new byte[4 * 1024 * 1024]);
      assertThat(bomb.length).isLessThan(1024 * 1024);

      HttpResponse<byte[]> r = post(h, "application/x-protobuf", bomb, "Content-Encoding", "gzip");

      assertThat(r.statusCode()).isEqualTo(413);
    }
  }

  @Test
  void bearerTokenIsRequiredWhenConfigured() throws Exception {
    OtlpReceiverConfig config =
        new OtlpReceiverConfig(
            new OtlpReceiverConfig.Protocols(null, ReceiverHarness.http(null, null)),
            new OtlpReceiverConfig.Auth("s3cret"));
    try (ReceiverHarness h = new ReceiverHarness(config)) {
      byte[] body = request(span("a", 1, 1)).toByteArray();

      HttpResponse<byte[]> missing = post(h, "application/x-protobuf", body);
      HttpResponse<byte[]> wrong =
          post(h, "application/x-protobuf", body, "Authorization", "Bearer nope");
      HttpResponse<byte[]> right =
          post(h, "application/x-protobuf", body, "Authorization", "Bearer s3cret");

      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(h.sink.spanCount()).isEqualTo(1);
      assertThat(h.receiver.boundGrpcPort()).as("grpc is not configured").isEqualTo(-1);
    }
  }

  @Test
  void corsPreflightIsAnsweredOnlyForAllowedOrigins() throws Exception {
    OtlpReceiverConfig config =
        new OtlpReceiverConfig(
            new OtlpReceiverConfig.Protocols(
                null,
                new OtlpReceiverConfig.HttpConfig(
                    "127.0.0.1:0",
                    null,
                    null,
                    new OtlpReceiverConfig.Cors(
                        List.of("https://*.example.com"), List.of("X-Custom"), 600),
                    null)),
            null);
    try (ReceiverHarness h = new ReceiverHarness(config)) {
      HttpResponse<String> allowed =
          preflight(h, "https://app.example.com", "content-type,x-custom");
      HttpResponse<String> refused = preflight(h, "https://evil.example.org", "content-type");

      assertThat(allowed.statusCode()).isEqualTo(204);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://app.example.com");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods"))
          .hasValue("POST, OPTIONS");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("content-type,x-custom");
      assertThat(allowed.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
      assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

      HttpResponse<byte[]> post =
          post(
              h,
              "application/json",
              JSON_BODY.getBytes(StandardCharsets.UTF_8),
              "Origin",
              "https://app.example.com");
      assertThat(post.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://app.example.com");
    }
  }

  private HttpResponse<String> preflight(ReceiverHarness h, String origin, String headers)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(h, "/v1/traces"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", headers)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesOverTls() throws Exception {
    Certificates certs = new Certificates();
    OtlpReceiverConfig config =
        new OtlpReceiverConfig(
            new OtlpReceiverConfig.Protocols(
                null, ReceiverHarness.http(certs.serverConfig(), null)),
            null);
    try (ReceiverHarness h = new ReceiverHarness(config)) {
      HttpClient tlsClient =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(certs.clientContext())
              .build();
      HttpResponse<byte[]> r =
          tlsClient.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + h.receiver.boundHttpPort() + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          request(span("tls", 1, 1)).toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);

      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder()
              .setEndpoint("https://127.0.0.1:" + h.receiver.boundHttpPort() + "/v1/traces")
              .setTrustedCertificates(Files.readAllBytes(certs.certFile.toPath()))
              .build();
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build()) {
        provider.get("test").spanBuilder("sdk-tls").startSpan().end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
      ReceiverHarness.await(() -> h.sink.spanCount() == 2);
    }
  }
}
