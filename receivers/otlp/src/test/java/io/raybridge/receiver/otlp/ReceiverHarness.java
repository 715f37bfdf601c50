package io.raybridge.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/** A receiver on loopback port 0 with a collecting consumer and in-memory metrics. */
final class ReceiverHarness implements AutoCloseable {

  /** A thread-safe consumer that keeps every batch, or fails as told. */
  static final class Sink implements TracesConsumer {
    final List<Traces> batches = new CopyOnWriteArrayList<>();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch gate;

    @Override
    public void consume(Traces traces) {
      CountDownLatch g = gate;
      if (g != null) {
        entered.countDown();
        try {
          g.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException f = failure.get();
      if (f != null) {
        throw f;
      }
      batches.add(traces);
    }

    int spanCount() {
      return batches.stream().mapToInt(Traces::spanCount).sum();
    }

    List<Span> spans() {
      List<Span> out = new ArrayList<>();
      for (Traces t : batches) {
        for (ResourceSpans rs : t.resourceSpans()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            out.addAll(ss.getSpansList());
          }
        }
      }
      return out;
    }

    /** Makes consume wait until {@link #release()}. */
    void hold() {
      gate = new CountDownLatch(1);
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("a batch reached the consumer").isTrue();
    }

    void release() {
      gate.countDown();
    }

    void failRetryable() {
      failure.set(ConsumerException.retryable("queue is full", Duration.ofSeconds(3)));
    }

    void failPermanent() {
      failure.set(ConsumerException.permanent("span name must not be empty"));
    }
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  final Sink sink = new Sink();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider =
      SdkMeterProvider.builder().registerMetricReader(metrics).build();
  final OtlpReceiver receiver;

  ReceiverHarness(OtlpReceiverConfig config) throws Exception {
    this(config, r -> {});
  }

  /** A harness whose receiver {@code beforeStart} may adjust before it starts. */
  ReceiverHarness(OtlpReceiverConfig config, java.util.function.Consumer<OtlpReceiver> beforeStart)
      throws Exception {
    ComponentId id = ComponentId.of("otlp");
    ComponentSettings settings =
        new ComponentSettings(
            id,
            ComponentKind.RECEIVER,
            LoggerFactory.getLogger("otlp"),
            Clock.systemUTC(),
            r -> {
              Thread t = new Thread(r, "raybridge-receiver-otlp-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ComponentTelemetry(meterProvider.get("io.raybridge"), ComponentKind.RECEIVER, id));
    receiver = (OtlpReceiver) new OtlpReceiverFactory().create(settings, config, sink);
    beforeStart.accept(receiver);
    try {
      receiver.start();
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** gRPC and HTTP on port 0, no TLS, no auth. */
  static OtlpReceiverConfig loopback() {
    return new OtlpReceiverConfig(
        new OtlpReceiverConfig.Protocols(grpc(null), http(null, 1024 * 1024L)), null);
  }

  static OtlpReceiverConfig.GrpcConfig grpc(io.raybridge.pipeline.config.TlsServerConfig tls) {
    return new OtlpReceiverConfig.GrpcConfig("127.0.0.1:0", null, null, null, tls);
  }

  static OtlpReceiverConfig.HttpConfig http(
      io.raybridge.pipeline.config.TlsServerConfig tls, Long maxBody) {
    return new OtlpReceiverConfig.HttpConfig("127.0.0.1:0", null, maxBody, null, tls);
  }

  /** The value of {@code name} for {@code transport}, or 0 when nothing was recorded. */
  long counter(String name, String transport) {
    long sum = 0;
    for (MetricData m : metrics.collectAllMetrics()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        Attributes a = p.getAttributes();
        if (transport.equals(a.get(AttributeKey.stringKey("transport")))) {
          assertThat(a.get(AttributeKey.stringKey("receiver"))).isEqualTo("otlp");
          sum += p.getValue();
        }
      }
    }
    return sum;
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10s");
      }
      Thread.sleep(10);
    }
  }

  /** Waits until nothing accepts connections on {@code port} any more. */
  static void awaitClosed(int port) throws InterruptedException {
    await(
        () -> {
          try {
            new java.net.Socket("127.0.0.1", port).close();
            return false;
          } catch (java.io.IOException e) {
            return true;
          }
        });
  }

  static Span span(String name, int traceByte, int spanByte) {
    byte[] trace = new byte[16];
    byte[] span = new byte[8];
    trace[15] = (byte) traceByte;
    span[7] = (byte) spanByte;
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(span))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1_000_000_000L)
        .setEndTimeUnixNano(2_000_000_000L)
        .build();
  }

  static ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }

  @Override
  public void close() {
    receiver.shutdown(Duration.ofSeconds(5));
    meterProvider.close();
  }
}
