package io.raybridge.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.Traces;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic OTLP trace data for tests and benchmarks: the same settings and seed always give
 * byte-identical output.
 *
 * <p>Each trace has a {@code SERVER} root span for an HTTP request ({@code http.request.method},
 * {@code url.path}, {@code http.response.status_code}, ...) and children arranged as a binary tree
 * under it (span {@code i}'s parent is span {@code (i-1)/2}): odd-numbered children are database
 * {@code CLIENT} spans ({@code db.system.name}, {@code db.query.text}), even-numbered ones {@code
 * INTERNAL} spans. A fraction {@code errorRate} of traces fail: the root has status {@code ERROR},
 * status code 500 and an {@code exception} event. With links on, every root links to the previous
 * trace's root. Traces are spread round-robin over {@code services} resources ({@code
 * service.name=service-K}, with host and cloud attributes), all spans of one service in one
 * resource and scope.
 *
 * <pre>{@code
 * Traces t = TraceGenerator.seeded(7).traces(10).spansPerTrace(5).errorRate(0.2).generate();
 * }</pre>
 *
 * <p>Not thread-safe; build one per thread.
 */
public final class TraceGenerator {

  /** The instrumentation scope of every generated span. */
  public static final String SCOPE_NAME = "io.raybridge.testing.generator";

  private static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final long seed;
  private int traces = 1;
  private int spansPerTrace = 3;
  private int services = 1;
  private double errorRate;
  private boolean links;
  private Instant start = DEFAULT_START;

  private TraceGenerator(long seed) {
    this.seed = seed;
  }

  /** A generator whose output depends only on {@code seed} and the settings. */
  public static TraceGenerator seeded(long seed) {
    return new TraceGenerator(seed);
  }

  /** {@code traces} traces of {@code spansPerTrace} spans each, seed 42, one service. */
  public static Traces traces(int traces, int spansPerTrace) {
    return seeded(42).traces(traces).spansPerTrace(spansPerTrace).generate();
  }

  /** The number of traces (default 1). */
  public TraceGenerator traces(int n) {
    this.traces = atLeast(0, n, "traces");
    return this;
  }

  /** Spans per trace, root included (default 3). */
  public TraceGenerator spansPerTrace(int n) {
    this.spansPerTrace = atLeast(1, n, "spansPerTrace");
    return this;
  }

  /** The number of services, each its own resource (default 1). */
  public TraceGenerator services(int n) {
    this.services = atLeast(1, n, "services");
    return this;
  }

  /** The fraction of traces whose root fails, in [0, 1] (default 0). */
  public TraceGenerator errorRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("errorRate must be in [0, 1], was " + rate);
    }
    this.errorRate = rate;
    return this;
  }

  /** Whether each root links to the previous trace's root (default false). */
  public TraceGenerator links(boolean links) {
    this.links = links;
    return this;
  }

  /** The start time of the first trace (default 2026-01-01T00:00:00Z); traces are 1s apart. */
  public TraceGenerator startTime(Instant start) {
    this.start = start;
    return this;
  }

  /** The traces as one batch. */
  public Traces generate() {
    return Traces.of(resourceSpans());
  }

  /** The traces as resource spans, one per service that has spans. */
  public List<ResourceSpans> resourceSpans() {
    Random random = new Random(seed);
    Map<Integer, List<Span>> byService = new LinkedHashMap<>();
    Span previousRoot = null;
    for (int t = 0; t < traces; t++) {
      List<Span> spans = trace(random, t, previousRoot);
      previousRoot = spans.get(0);
      byService.computeIfAbsent(t % services, k -> new ArrayList<>()).addAll(spans);
    }
    List<ResourceSpans> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Span>> e : byService.entrySet()) {
      out.add(
          ResourceSpans.newBuilder()
              .setResource(resource(e.getKey()))
              .addScopeSpans(
                  ScopeSpans.newBuilder()
                      .setScope(
                          InstrumentationScope.newBuilder().setName(SCOPE_NAME).setVersion("1.0"))
                      .addAllSpans(e.getValue()))
              .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
              .build());
    }
    return out;
  }

  private List<Span> trace(Random random, int index, Span previousRoot) {
    ByteString traceId = id(random, 16);
    boolean failed = random.nextDouble() < errorRate;
    long startNanos = nanos(start.plus(Duration.ofSeconds(index)));
    List<Span> spans = new ArrayList<>(spansPerTrace);
    List<ByteString> ids = new ArrayList<>(spansPerTrace);
    for (int i = 0; i < spansPerTrace; i++) {
      ids.add(id(random, 8));
    }
    long rootDuration = (spansPerTrace + 1) * 10_000_000L;
    String itemId = Integer.toString(random.nextInt(10_000));
    Span.Builder root =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(ids.get(0))
            .setName("GET /api/items/{id}")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + rootDuration)
            .addAttributes(str("http.request.method", "GET"))
            .addAttributes(str("url.path", "/api/items/" + itemId))
            .addAttributes(str("url.scheme", "https"))
            .addAttributes(str("http.route", "/api/items/{id}"))
            .addAttributes(str("server.address", "api.example.com"))
            .addAttributes(str("client.address", "203.0.113." + (1 + random.nextInt(254))))
            .addAttributes(integer("http.response.status_code", failed ? 500 : 200))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("request.received")
                    .setTimeUnixNano(startNanos + 1_000))
            .setStatus(
                failed
                    ? Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("item store unavailable")
                    : Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_UNSET));
    if (failed) {
      root.addEvents(
          Span.Event.newBuilder()
              .setName("exception")
              .setTimeUnixNano(startNanos + rootDuration - 1_000)
              .addAttributes(str("exception.type", "java.sql.SQLTransientConnectionException"))
              .addAttributes(str("exception.message", "connection is not available")));
    }
    if (links && previousRoot != null) {
      root.addLinks(
          Span.Link.newBuilder()
              .setTraceId(previousRoot.getTraceId())
              .setSpanId(previousRoot.getSpanId())
              .addAttributes(str("link.reason", "previous request")));
    }
    spans.add(root.build());
    for (int i = 1; i < spansPerTrace; i++) {
      long childStart = startNanos + i * 1_000_000L;
      Span.Builder child =
          Span.newBuilder()
              .setTraceId(traceId)
              .setSpanId(ids.get(i))
              .setParentSpanId(ids.get((i - 1) / 2))
              .setStartTimeUnixNano(childStart)
              .setEndTimeUnixNano(childStart + 5_000_000L + random.nextInt(1_000_000));
      if (i % 2 == 1) {
        child
            .setName("SELECT items")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .addAttributes(str("db.system.name", "postgresql"))
            .addAttributes(str("db.namespace", "inventory"))
            .addAttributes(str("db.operation.name", "SELECT"))
            .addAttributes(str("db.query.text", "SELECT * FROM items WHERE id = $1"))
            .addAttributes(str("server.address", "db.internal"))
            .addAttributes(integer("server.port", 5432));
      } else {
        child
            .setName("render item")
            .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
            .addAttributes(integer("item.size", random.nextInt(4096)));
      }
      spans.add(child.build());
    }
    return spans;
  }

  private static Resource resource(int service) {
    return Resource.newBuilder()
        .addAttributes(str("service.name", "service-" + service))
        .addAttributes(str("service.version", "1.0." + service))
        .addAttributes(str("host.name", "host-" + service))
        .addAttributes(str("cloud.provider", "aws"))
        .addAttributes(str("cloud.region", "us-east-1"))
        .addAttributes(str("telemetry.sdk.language", "java"))
        .build();
  }

  private static ByteString id(Random random, int length) {
    byte[] bytes = new byte[length];
    do {
      random.nextBytes(bytes);
    } while (allZero(bytes));
    return ByteString.copyFrom(bytes);
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  private static int atLeast(int min, int n, String what) {
    if (n < min) {
      throw new IllegalArgumentException(what + " must be >= " + min + ", was " + n);
    }
    return n;
  }
}
