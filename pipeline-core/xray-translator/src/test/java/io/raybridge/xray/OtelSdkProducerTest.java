package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.ExceptionDetail;
import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spans recorded by the OpenTelemetry Java SDK, converted to OTLP and then to X-Ray. */
class OtelSdkProducerTest {

  @Test
  void convertsSdkSpansFieldByField() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    io.opentelemetry.sdk.resources.Resource resource =
        io.opentelemetry.sdk.resources.Resource.getDefault()
            .merge(
                io.opentelemetry.sdk.resources.Resource.create(
                    Attributes.builder()
                        .put("service.name", "cart")
                        .put("service.version", "4.2")
                        .put("cloud.provider", "aws")
                        .put("cloud.platform", "aws_ec2")
                        .put("host.id", "i-0123")
                        .build()));
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Tracer tracer = provider.get("io.example.cart");
    io.opentelemetry.api.trace.Span server =
        tracer
            .spanBuilder("GET /cart")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "GET")
            .setAttribute("url.scheme", "https")
            .setAttribute("server.address", "shop.example.com")
            .setAttribute("url.path", "/cart")
            .setAttribute("client.address", "198.51.100.4")
            .setAttribute("http.response.status_code", 200L)
            .setAttribute("enduser.id", "alice")
            .setAttribute("tenant", "acme")
            .startSpan();
    Scope scope = server.makeCurrent();
    try {
      io.opentelemetry.api.trace.Span ddb =
          tracer
              .spanBuilder("DynamoDB.GetItem")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("rpc.system", "aws-api")
              .setAttribute("rpc.service", "DynamoDB")
              .setAttribute("rpc.method", "GetItem")
              .setAttribute("aws.region", "us-east-1")
              .setAttribute(
                  AttributeKey.stringArrayKey("aws.dynamodb.table_names"), List.of("carts"))
              .startSpan();
      ddb.recordException(new IOException("connection reset"));
      ddb.setStatus(StatusCode.ERROR, "connection reset");
      ddb.end();
      io.opentelemetry.api.trace.Span sql =
          tracer
              .spanBuilder("SELECT carts")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("db.system", "mysql")
              .setAttribute("db.name", "carts")
              .setAttribute("db.statement", "SELECT * FROM carts WHERE id = ?")
              .setAttribute("db.user", "app")
              .startSpan();
      sql.end();
    } finally {
      scope.close();
    }
    server.end();
    List<SpanData> finished = exporter.getFinishedSpanItems();
    provider.close();

    ResourceSpans rs = toOtlp(finished);
    XRaySettings settings = XRaySettings.DEFAULTS.withIndexedAttributes(List.of("tenant"));
    List<Segment> docs = new SpanToSegment(settings).toSegments(rs);
    assertThat(docs).hasSize(1);
    Segment doc = docs.get(0);
    SpanData serverData = find(finished, "GET /cart");
    assertThat(SegmentValidator.validate(doc)).isEmpty();
    assertThat(doc.name()).isEqualTo("cart");
    assertThat(doc.id()).isEqualTo(serverData.getSpanId());
    String hex = serverData.getTraceId();
    assertThat(doc.traceId()).isEqualTo("1-" + hex.substring(0, 8) + "-" + hex.substring(8));
    assertThat(doc.type()).isNull();
    assertThat(doc.origin()).isEqualTo("AWS::EC2::Instance");
    assertThat(doc.service().version()).isEqualTo("4.2");
    assertThat(doc.user()).isEqualTo("alice");
    assertThat(doc.http().request().method()).isEqualTo("GET");
    assertThat(doc.http().request().url()).isEqualTo("https://shop.example.com/cart");
    assertThat(doc.http().request().clientIp()).isEqualTo("198.51.100.4");
    assertThat(doc.http().response().status()).isEqualTo(200L);
    assertThat(doc.startTime()).isCloseTo(serverData.getStartEpochNanos() / 1e9, within());
    assertThat(doc.endTime()).isCloseTo(serverData.getEndEpochNanos() / 1e9, within());
    assertThat(doc.aws().ec2().instanceId()).isEqualTo("i-0123");
    assertThat(doc.aws().xray().sdk()).isEqualTo("opentelemetry for java");
    assertThat(doc.annotations()).containsEntry("tenant", AnnotationValue.of("acme"));
    assertThat(doc.subsegmentList()).hasSize(2);

    Segment ddb = doc.subsegmentList().get(0);
    assertThat(ddb.name()).isEqualTo("DynamoDB");
    assertThat(ddb.namespace()).isEqualTo("aws");
    assertThat(ddb.traceId()).isNull();
    assertThat(ddb.aws().operation()).isEqualTo("GetItem");
    assertThat(ddb.aws().region()).isEqualTo("us-east-1");
    assertThat(ddb.aws().tableName()).isEqualTo("carts");
    assertThat(ddb.fault()).isTrue();
    ExceptionDetail ex = ((Cause.Details) ddb.cause()).exceptionList().get(0);
    assertThat(ex.type()).isEqualTo("java.io.IOException");
    assertThat(ex.message()).isEqualTo("connection reset");
    assertThat(ex.remote()).isTrue();
    assertThat(ex.stack()).isNotEmpty();
    assertThat(ex.stack().get(0).label())
        .isEqualTo("io.raybridge.xray.OtelSdkProducerTest.convertsSdkSpansFieldByField");
    assertThat(ex.stack().get(0).path()).isEqualTo("OtelSdkProducerTest.java");

    Segment sql = doc.subsegmentList().get(1);
    assertThat(sql.name()).isEqualTo("carts");
    assertThat(sql.namespace()).isEqualTo("remote");
    assertThat(sql.sql().databaseType()).isEqualTo("mysql");
    assertThat(sql.sql().sanitizedQuery()).isEqualTo("SELECT * FROM carts WHERE id = ?");
    assertThat(sql.sql().user()).isEqualTo("app");
    assertThat(sql.sql().connectionString()).isEqualTo("localhost/carts");

    // ... and back to OTel: ids, names, kinds and parents survive.
    ResourceSpans again = SegmentToSpan.convert(doc);
    List<Span> spans = again.getScopeSpans(0).getSpansList();
    assertThat(spans)
        .extracting(s -> Ids.hex(s.getSpanId()))
        .containsExactlyInAnyOrderElementsOf(finished.stream().map(SpanData::getSpanId).toList());
    assertThat(spans.get(1).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(Ids.hex(spans.get(1).getParentSpanId())).isEqualTo(serverData.getSpanId());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  private static SpanData find(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  /** SpanData → OTLP protobuf (what an OTLP exporter would send). */
  static ResourceSpans toOtlp(List<SpanData> spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName(spans.get(0).getInstrumentationScopeInfo().getName()));
    // Parents before children, as exporters usually see them after a batch is reordered.
    List<SpanData> ordered = new ArrayList<>(spans);
    ordered.sort((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()));
    for (SpanData s : ordered) {
      Span.Builder b =
          Span.newBuilder()
              .setTraceId(JsonTestSupport.bytes(s.getTraceId()))
              .setSpanId(JsonTestSupport.bytes(s.getSpanId()))
              .setName(s.getName())
              .setKind(Span.SpanKind.forNumber(s.getKind().ordinal() + 1))
              .setStartTimeUnixNano(s.getStartEpochNanos())
              .setEndTimeUnixNano(s.getEndEpochNanos())
              .addAllAttributes(attributes(s.getAttributes()));
      if (s.getParentSpanContext().isValid()) {
        b.setParentSpanId(JsonTestSupport.bytes(s.getParentSpanId()));
      }
      for (EventData e : s.getEvents()) {
        b.addEvents(
            Span.Event.newBuilder()
                .setName(e.getName())
                .setTimeUnixNano(e.getEpochNanos())
                .addAllAttributes(attributes(e.getAttributes())));
      }
      if (s.getStatus().getStatusCode() == StatusCode.ERROR) {
        b.setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage(s.getStatus().getDescription()));
      }
      scope.addSpans(b);
    }
    return ResourceSpans.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAllAttributes(attributes(spans.get(0).getResource().getAttributes())))
        .addScopeSpans(scope)
        .build();
  }

  private static List<KeyValue> attributes(Attributes attrs) {
    List<KeyValue> out = new ArrayList<>();
    attrs.forEach(
        (k, v) -> out.add(KeyValue.newBuilder().setKey(k.getKey()).setValue(value(v)).build()));
    return out;
  }

  private static AnyValue value(Object v) {
    if (v instanceof String s) {
      return AnyValue.newBuilder().setStringValue(s).build();
    }
    if (v instanceof Boolean b) {
      return AnyValue.newBuilder().setBoolValue(b).build();
    }
    if (v instanceof Long l) {
      return AnyValue.newBuilder().setIntValue(l).build();
    }
    if (v instanceof Double d) {
      return AnyValue.newBuilder().setDoubleValue(d).build();
    }
    if (v instanceof List<?> list) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      list.forEach(e -> a.addValues(value(e)));
      return AnyValue.newBuilder().setArrayValue(a).build();
    }
    return AnyValue.newBuilder().setStringValue(String.valueOf(v)).build();
  }
}
