package io.raybridge.benchmarks;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded datasets of PERFORMANCE.md: D1 (collector-testbed shape), D2 (realistic OTLP mix), D3
 * (large attributes) and D4 (X-Ray datagrams). The same seed and index always give the same bytes,
 * so the load generator and the sink can build the same data independently.
 */
public final class Datasets {
  private Datasets() {}

  /** Spans per request in D1, as in the OpenTelemetry Collector's load-test suite. */
  public static final int D1_SPANS_PER_REQUEST = 100;

  /** Spans per request in D2. */
  public static final int D2_SPANS_PER_REQUEST = 512;

  /** Spans per request in D3; each span carries 10 attributes of 1000 bytes. */
  public static final int D3_SPANS_PER_REQUEST = 20;

  private static final Resource D1_RESOURCE =
      Resource.newBuilder().addAttributes(kv("service.name", "load-generator")).build();

  /**
   * D1: one request of {@code spans} testbed-shaped spans (each ≈146 bytes on the wire: trace and
   * span ids, a fixed name, kind, times and two integer attributes), every span its own trace.
   *
   * @param index the request's position in the replay pool; requests differ by index
   */
  public static ExportTraceServiceRequest d1(int index, long seed, int spans) {
    Random r = new Random(seed * 1_000_003L + index);
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("load"));
    long t0 = 1_700_000_000_000_000_000L + index * 1_000_000L;
    for (int i = 0; i < spans; i++) {
      long start = t0 + i * 1000L;
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(bytes(r, 16))
              .setSpanId(bytes(r, 8))
              .setName("load-generator-span")
              .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + 1_000_000)
              .addAttributes(kv("load_generator.span_seq_num", (long) index * spans + i + 1_000))
              .addAttributes(kv("load_generator.trace_seq_num", (long) index * spans + i + 1_000)));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(D1_RESOURCE).addScopeSpans(scope))
        .build();
  }

  /** D2 as a request of {@value #D2_SPANS_PER_REQUEST} spans; requests differ by index. */
  public static ExportTraceServiceRequest d2Request(int index, long seed) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(d2(D2_SPANS_PER_REQUEST, seed * 1_000_003L + index))
        .build();
  }

  /**
   * D3: a request of {@value #D3_SPANS_PER_REQUEST} spans, each with 10 string attributes of 1000
   * bytes (payloads, SQL text, headers as large values are seen in practice).
   */
  public static ExportTraceServiceRequest d3(int index, long seed) {
    Random r = new Random(seed * 1_000_003L + index);
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("load"));
    long t0 = 1_700_000_000_000_000_000L + index * 1_000_000L;
    byte[] text = new byte[1000];
    for (int i = 0; i < D3_SPANS_PER_REQUEST; i++) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(bytes(r, 16))
              .setSpanId(bytes(r, 8))
              .setName("POST /api/upload")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(t0 + i)
              .setEndTimeUnixNano(t0 + i + 5_000_000);
      for (int a = 0; a < 10; a++) {
        for (int k = 0; k < text.length; k++) {
          text[k] = (byte) ('a' + r.nextInt(26));
        }
        span.addAttributes(kv("app.payload." + a, new String(text, StandardCharsets.US_ASCII)));
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(D1_RESOURCE).addScopeSpans(scope))
        .build();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static KeyValue kv(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  private static ByteString bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    b[0] |= 1;
    return ByteString.copyFrom(b);
  }

  /**
   * D2: one ResourceSpans of {@code count} spans (≈330 bytes each on the wire): traces of 10–50
   * spans, an HTTP SERVER root and DB CLIENT children, 8 resource attributes, ~5 % errors with an
   * exception event.
   */
  public static ResourceSpans d2(int count, long seed) {
    Random r = new Random(seed);
    Resource resource =
        Resource.newBuilder()
            .addAttributes(kv("service.name", "checkout"))
            .addAttributes(kv("service.version", "1.4.2"))
            .addAttributes(kv("cloud.provider", "aws"))
            .addAttributes(kv("cloud.platform", "aws_ec2"))
            .addAttributes(kv("host.id", "i-0123456789abcdef0"))
            .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
            .addAttributes(kv("telemetry.sdk.language", "java"))
            .addAttributes(kv("telemetry.sdk.version", "1.65.0"))
            .build();
    List<Span> spans = new ArrayList<>(count);
    long t0 = 1_700_000_000_000_000_000L;
    while (spans.size() < count) {
      ByteString trace = bytes(r, 16);
      ByteString root = bytes(r, 8);
      int n = Math.min(10 + r.nextInt(41), count - spans.size());
      long start = t0 + r.nextInt(1_000_000) * 1000L;
      boolean error = r.nextInt(20) == 0;
      Span.Builder server =
          Span.newBuilder()
              .setTraceId(trace)
              .setSpanId(root)
              .setName("GET /api/orders/{id}")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + 25_000_000)
              .addAttributes(kv("http.request.method", "GET"))
              .addAttributes(kv("url.scheme", "https"))
              .addAttributes(kv("server.address", "api.example.com"))
              .addAttributes(kv("url.path", "/api/orders/" + r.nextInt(100000)))
              .addAttributes(kv("http.route", "/api/orders/{id}"))
              .addAttributes(kv("http.response.status_code", error ? 500 : 200))
              .addAttributes(kv("user_agent.original", "Mozilla/5.0"));
      if (error) {
        server
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("exception")
                    .setTimeUnixNano(start + 20_000_000)
                    .addAttributes(kv("exception.type", "java.sql.SQLException"))
                    .addAttributes(kv("exception.message", "connection reset"))
                    .addAttributes(
                        kv(
                            "exception.stacktrace",
                            "java.sql.SQLException: connection reset\n"
                                + "\tat com.example.Dao.load(Dao.java:42)\n"
                                + "\tat com.example.Api.get(Api.java:17)\n")));
      }
      spans.add(server.build());
      for (int i = 1; i < n; i++) {
        long s = start + i * 100_000L;
        spans.add(
            Span.newBuilder()
                .setTraceId(trace)
                .setSpanId(bytes(r, 8))
                .setParentSpanId(root)
                .setName("SELECT orders")
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(s)
                .setEndTimeUnixNano(s + 900_000)
                .addAttributes(kv("db.system.name", "postgresql"))
                .addAttributes(kv("db.namespace", "orders"))
                .addAttributes(kv("db.query.text", "SELECT * FROM orders WHERE id = $1"))
                .addAttributes(kv("db.operation.name", "SELECT"))
                .addAttributes(kv("db.collection.name", "orders"))
                .addAttributes(kv("server.address", "db.internal"))
                .addAttributes(kv("server.port", 5432))
                .addAttributes(kv("network.peer.address", "10.0.3.17"))
                .build());
      }
    }
    return ResourceSpans.newBuilder()
        .setResource(resource)
        .addScopeSpans(
            ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.jdbc"))
                .addAllSpans(spans))
        .build();
  }

  /** D4: daemon datagrams, alternating segments (~660 B) and independent subsegments (~350 B). */
  public static List<byte[]> d4(int count, long seed) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String trace =
          String.format(
              "1-%08x-%012x%012x",
              1_700_000_000 + r.nextInt(1000),
              r.nextLong() & 0xffffffffffffL,
              r.nextLong() & 0xffffffffffffL);
      String id = String.format("%016x", r.nextLong() | 1);
      double start = 1.7e9 + r.nextInt(1_000_000) / 1e3;
      String doc;
      if (i % 2 == 0) {
        doc =
            "{\"name\":\"checkout\",\"id\":\""
                + id
                + "\",\"start_time\":"
                + start
                + ",\"trace_id\":\""
                + trace
                + "\",\"end_time\":"
                + (start + 0.025)
                + ",\"http\":{\"request\":{\"url\":\"https://api.example.com/api/orders/"
                + r.nextInt(100000)
                + "\",\"method\":\"GET\",\"user_agent\":\"Mozilla/5.0\","
                + "\"client_ip\":\"203.0.113.7\",\"x_forwarded_for\":true},"
                + "\"response\":{\"status\":200,\"content_length\":512}},"
                + "\"aws\":{\"xray\":{\"sdk_version\":\"2.21.0\",\"sdk\":\"X-Ray for Java\"},"
                + "\"ec2\":{\"instance_id\":\"i-0123456789abcdef0\",\"availability_zone\":\"us-east-1a\"}},"
                + "\"origin\":\"AWS::EC2::Instance\",\"annotations\":{\"tenant\":\"acme\",\"plan\":3},"
                + "\"metadata\":{\"default\":{\"build\":\"a1b2c3\"}},"
                + "\"service\":{\"version\":\"1.4.2\"},\"user\":\"alice\"}";
      } else {
        doc =
            "{\"name\":\"DynamoDB\",\"id\":\""
                + id
                + "\",\"start_time\":"
                + start
                + ",\"end_time\":"
                + (start + 0.004)
                + ",\"trace_id\":\""
                + trace
                + "\",\"parent_id\":\""
                + String.format("%016x", r.nextLong() | 1)
                + "\",\"type\":\"subsegment\",\"namespace\":\"aws\","
                + "\"http\":{\"response\":{\"status\":200,\"content_length\":58}},"
                + "\"aws\":{\"operation\":\"GetItem\",\"region\":\"us-east-1\","
                + "\"request_id\":\"3AIENM5J4ELQ3SPODHKBIRVIC3VV4KQNSO5AEMVJF66Q9ASUAAJG\","
                + "\"table_name\":\"orders\",\"retries\":0}}";
      }
      out.add(("{\"format\":\"json\",\"version\":1}\n" + doc).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
