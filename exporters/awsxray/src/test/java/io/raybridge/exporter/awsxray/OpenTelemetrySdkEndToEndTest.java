package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.xray.FakeXRayApi;
import io.raybridge.xray.SegmentValidator;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans recorded by the OpenTelemetry Java SDK, encoded by its OTLP marshaler as an OTLP exporter
 * sends them, exported through {@code awsxray} and the SDK's {@code XRayClient} to the fake X-Ray
 * API, which verifies every signature.
 */
class OpenTelemetrySdkEndToEndTest {

  private final TestTelemetry telemetry = new TestTelemetry();
  private FakeXRayApi api;
  private AwsXRayExporter exporter;

  @BeforeEach
  void start() throws Exception {
    api = FakeXRayApi.start();
    exporter =
        XRayExporterFixture.exporter(
            api,
            telemetry,
            """
            sending_queue: {enabled: false}
            indexed_attributes: [customer.tier, order.count]
            annotation_keys: underscore
            """);
    exporter.start();
  }

  @AfterEach
  void stop() {
    exporter.shutdown(Duration.ofSeconds(5));
    api.close();
  }

  /** An SDK tracer provider for {@code service}, recording into {@code spans}. */
  private static SdkTracerProvider provider(String service, InMemorySpanExporter spans) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", service)
                        .put("service.version", "1.4.0")
                        .put("cloud.provider", "aws")
                        .put("cloud.platform", "aws_ec2")
                        .put("cloud.region", "us-west-2")
                        .put("host.id", "i-0abc")
                        .build()));
    return SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(spans))
        .build();
  }

  /** A checkout request: a server span with an HTTP call, a SQL query and a DynamoDB call. */
  private static void recordCheckout(Tracer tracer) {
    Span server =
        tracer
            .spanBuilder("POST /orders")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "POST")
            .setAttribute("url.scheme", "https")
            .setAttribute("server.address", "shop.example.com")
            .setAttribute("url.path", "/orders")
            .setAttribute("http.route", "/orders")
            .setAttribute("client.address", "198.51.100.7")
            .setAttribute("user_agent.original", "curl/8.5.0")
            .setAttribute("http.response.status_code", 201L)
            .setAttribute("customer.tier", "gold")
            .setAttribute("order.count", 3L)
            .startSpan();
    Scope scope = server.makeCurrent();
    try {
      Span payment =
          tracer
              .spanBuilder("POST")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("http.request.method", "POST")
              .setAttribute("url.full", "https://payments.example.com/charge")
              .setAttribute("server.address", "payments.example.com")
              .setAttribute("http.response.status_code", 503L)
              .startSpan();
      payment.recordException(new IOException("payment service unavailable"));
      payment.setStatus(StatusCode.ERROR);
      payment.end();

      tracer
          .spanBuilder("INSERT orders")
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("db.system", "postgresql")
          .setAttribute("db.name", "orders")
          .setAttribute("db.statement", "INSERT INTO orders (id, total) VALUES (?, ?)")
          .setAttribute("db.user", "checkout")
          .setAttribute("server.address", "db.internal")
          .setAttribute("server.port", 5432L)
          .startSpan()
          .end();

      tracer
          .spanBuilder("DynamoDB.PutItem")
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("rpc.system", "aws-api")
          .setAttribute("rpc.service", "DynamoDB")
          .setAttribute("rpc.method", "PutItem")
          .setAttribute("aws.region", "us-west-2")
          .setAttribute("aws.request_id", "REQ-0001")
          .setAttribute(AttributeKey.stringArrayKey("aws.dynamodb.table_names"), List.of("orders"))
          .startSpan()
          .end();
    } finally {
      scope.close();
      server.end();
    }
  }

  /** The OTLP request an OTLP exporter of the SDK would send for {@code spans}. */
  private static Traces overOtlp(List<SpanData> spans) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(spans).writeBinaryTo(wire);
    return Traces.fromRequest(ExportTraceServiceRequest.parseFrom(wire.toByteArray()));
  }

  @Test
  void deliversValidDocumentsWithHttpSqlAwsBlocksAndAnnotations() throws Exception {
    InMemorySpanExporter recorded = InMemorySpanExporter.create();
    SdkTracerProvider checkout = provider("checkout", recorded);
    recordCheckout(checkout.get("io.example.checkout"));
    SdkTracerProvider inventory = provider("inventory", recorded);
    Span other =
        inventory
            .get("io.example.inventory")
            .spanBuilder("GET /stock")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "GET")
            .setAttribute("url.scheme", "http")
            .setAttribute("server.address", "inventory.internal")
            .setAttribute("url.path", "/stock")
            .setAttribute("http.response.status_code", 200L)
            .setAttribute("customer.tier", "silver")
            .startSpan();
    other.end();
    // Taken before closing: shutting the providers down also clears the in-memory exporter.
    List<SpanData> spans = recorded.getFinishedSpanItems();
    checkout.close();
    inventory.close();
    assertThat(spans).hasSize(5);

    exporter.consume(overOtlp(spans));

    assertThat(api.requestErrors()).isEmpty();
    List<Segment> docs = api.segments();
    assertThat(docs).hasSize(2);
    for (Segment d : docs) {
      assertThat(SegmentValidator.validate(d)).as("problems of %s", d.name()).isEmpty();
    }
    Map<String, Segment> byName =
        docs.stream().collect(Collectors.toMap(Segment::name, Function.identity()));
    assertThat(byName).containsOnlyKeys("checkout", "inventory");

    SpanData serverData = find(spans, "POST /orders");
    Segment seg = byName.get("checkout");
    String traceHex = serverData.getTraceId();
    assertThat(seg.id()).isEqualTo(serverData.getSpanId());
    assertThat(seg.traceId())
        .isEqualTo("1-" + traceHex.substring(0, 8) + "-" + traceHex.substring(8));
    assertThat(seg.type()).isNull();
    assertThat(seg.origin()).isEqualTo("AWS::EC2::Instance");
    assertThat(seg.aws().ec2().instanceId()).isEqualTo("i-0abc");
    assertThat(seg.http().request().method()).isEqualTo("POST");
    assertThat(seg.http().request().url()).isEqualTo("https://shop.example.com/orders");
    assertThat(seg.http().request().clientIp()).isEqualTo("198.51.100.7");
    assertThat(seg.http().request().userAgent()).isEqualTo("curl/8.5.0");
    assertThat(seg.http().response().status()).isEqualTo(201L);
    assertThat(seg.annotations())
        .containsEntry("customer_tier", AnnotationValue.of("gold"))
        .containsEntry("order_count", AnnotationValue.of(3L));

    Map<String, Segment> subs =
        seg.subsegmentList().stream().collect(Collectors.toMap(Segment::name, Function.identity()));
    assertThat(subs).containsOnlyKeys("payments.example.com", "orders@db.internal", "DynamoDB");

    Segment payment = subs.get("payments.example.com");
    assertThat(payment.namespace()).isEqualTo("remote");
    assertThat(payment.http().request().method()).isEqualTo("POST");
    assertThat(payment.http().request().url()).isEqualTo("https://payments.example.com/charge");
    assertThat(payment.http().response().status()).isEqualTo(503L);
    assertThat(payment.fault()).isTrue();
    assertThat(((Cause.Details) payment.cause()).exceptionList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("java.io.IOException");
              assertThat(e.message()).isEqualTo("payment service unavailable");
            });

    Segment sql = subs.get("orders@db.internal");
    assertThat(sql.namespace()).isEqualTo("remote");
    assertThat(sql.sql().databaseType()).isEqualTo("postgresql");
    assertThat(sql.sql().url()).isEqualTo("postgresql://db.internal:5432/orders");
    assertThat(sql.sql().sanitizedQuery())
        .isEqualTo("INSERT INTO orders (id, total) VALUES (?, ?)");
    assertThat(sql.sql().user()).isEqualTo("checkout");

    Segment ddb = subs.get("DynamoDB");
    assertThat(ddb.namespace()).isEqualTo("aws");
    assertThat(ddb.aws().operation()).isEqualTo("PutItem");
    assertThat(ddb.aws().region()).isEqualTo("us-west-2");
    assertThat(ddb.aws().requestId()).isEqualTo("REQ-0001");
    assertThat(ddb.aws().tableName()).isEqualTo("orders");

    Segment inv = byName.get("inventory");
    assertThat(inv.http().request().url()).isEqualTo("http://inventory.internal/stock");
    assertThat(inv.annotations()).containsEntry("customer_tier", AnnotationValue.of("silver"));
    assertThat(inv.subsegmentList()).isEmpty();

    assertThat(telemetry.counterValue("raybridge_exporter_xray_sent_segments")).isEqualTo(2);
    // Signed with the SDK's SigV4 signer over the payload hash, with the SDK's invocation headers.
    assertThat(api.signedHeaders())
        .contains("host", "x-amz-date", "x-amz-content-sha256", "amz-sdk-invocation-id");
  }

  private static SpanData find(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
