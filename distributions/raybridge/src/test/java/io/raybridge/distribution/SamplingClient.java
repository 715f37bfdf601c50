package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service instrumented with the OpenTelemetry Java SDK as an application would be: always-on
 * sampling, a batch span processor and the OTLP gRPC exporter. Remembers what it sent.
 */
final class SamplingClient implements AutoCloseable {

  /** A request the service handled: its entry span's shape and the trace's span count. */
  record SentTrace(String service, String method, String path, int spans, boolean error) {}

  private final String service;
  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final CheckedExporter exporter;
  private final Map<String, SentTrace> sent = new LinkedHashMap<>();

  SamplingClient(String service, int grpcPort) {
    this.service = service;
    this.exporter =
        new CheckedExporter(
            OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + grpcPort)
                .setExecutorService(CollectorProcess.exporterThreads())
                .build());
    this.provider =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(Duration.ofMillis(100))
                    .setMaxExportBatchSize(256)
                    // Room for a whole test's spans: a full queue would drop spans silently.
                    .setMaxQueueSize(16384)
                    .build())
            .build();
    this.tracer = provider.get("sampling-e2e");
  }

  /**
   * Records one HTTP request: a SERVER entry span with the request's attributes and {@code
   * children} child spans (the last one failing when {@code error}). Children end before the entry
   * span; with {@code childrenFirst} they are exported before the entry span ends, so they reach
   * the collector in an earlier request than their entry span. Returns the trace id.
   */
  String request(
      String method,
      String path,
      String route,
      int children,
      boolean error,
      boolean childrenFirst) {
    Span entry =
        tracer
            .spanBuilder(method + " " + route)
            .setNoParent()
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", method)
            .setAttribute("url.path", path)
            .setAttribute("url.scheme", "http")
            .setAttribute("http.route", route)
            .startSpan();
    Context context = Context.root().with(entry);
    for (int i = 0; i < children; i++) {
      Span child =
          tracer
              .spanBuilder("step-" + i)
              .setParent(context)
              .setSpanKind(i % 2 == 0 ? SpanKind.INTERNAL : SpanKind.CLIENT)
              .startSpan();
      if (error && i == children - 1) {
        child.setStatus(StatusCode.ERROR, "downstream failed");
      }
      child.end();
    }
    if (childrenFirst) {
      flush();
    }
    entry.end();
    String traceId = entry.getSpanContext().getTraceId();
    sent.put(traceId, new SentTrace(service, method, path, children + 1, error));
    return traceId;
  }

  /** The traces sent so far, by trace id (lower-case hex). */
  Map<String, SentTrace> sent() {
    return sent;
  }

  /**
   * Exports everything recorded so far; fails when the collector did not accept it. The SDK's
   * {@code forceFlush} can report completion while ended spans are still queued (when it overlaps
   * the batch processor's own flush), and it reports success even when an export failed; so this
   * also waits until the exporter itself has seen every recorded span accepted.
   */
  void flush() {
    assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess())
        .as("%s: flush completed", service)
        .isTrue();
    int recorded = sent.values().stream().mapToInt(SentTrace::spans).sum();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (exporter.exported().size() < recorded
        && exporter.failures().isEmpty()
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    assertThat(exporter.failures()).as("%s: failed exports", service).isEmpty();
    assertThat(exporter.exported())
        .as("%s: spans the collector accepted", service)
        .hasSizeGreaterThanOrEqualTo(recorded);
  }

  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
