package io.raybridge.processor.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.testing.FailingConsumer;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.TracesSink;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class BatchProcessorTest {

  private static final Duration LONG = Duration.ofHours(1);

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final TracesSink sink = new TracesSink();
  private final List<BatchProcessor> created = new ArrayList<>();
  private final AtomicInteger nextSpanId = new AtomicInteger();

  @AfterEach
  void shutDown() {
    created.forEach(p -> p.shutdown(Duration.ofSeconds(5)));
  }

  private BatchProcessor processor(BatchProcessorConfig config, TracesConsumer next) {
    BatchProcessor p =
        new BatchProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "batch")
                .clock(clock)
                .telemetry(telemetry)
                .build(),
            config,
            next);
    created.add(p);
    return p;
  }

  private static BatchProcessorConfig config(
      int size, int maxSize, int maxBytes, Duration timeout) {
    return new BatchProcessorConfig(size, maxSize, maxBytes, timeout, null, null);
  }

  /** One resource ({@code service.name=service}, plus attributes) with one scope of n spans. */
  private Traces spans(String service, int n, String... resourceAttributes) {
    return Traces.of(resource(service, List.of(scope("scope-a", n)), resourceAttributes));
  }

  private ResourceSpans resource(String service, List<ScopeSpans> scopes, String... attrs) {
    Resource.Builder r = Resource.newBuilder().addAttributes(attr("service.name", service));
    for (int i = 0; i < attrs.length; i += 2) {
      r.addAttributes(attr(attrs[i], attrs[i + 1]));
    }
    return ResourceSpans.newBuilder().setResource(r).addAllScopeSpans(scopes).build();
  }

  private ScopeSpans scope(String name, int n) {
    ScopeSpans.Builder s =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName(name));
    for (int i = 0; i < n; i++) {
      int id = nextSpanId.incrementAndGet();
      s.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(new byte[16]))
              .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
              .setName("span-" + id)
              .addAttributes(attr("payload", "x".repeat(40))));
    }
    return s.build();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static List<String> spanNames(Traces t) {
    List<String> out = new ArrayList<>();
    for (ResourceSpans rs : t.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ss.getSpansList().forEach(s -> out.add(s.getName()));
      }
    }
    return out;
  }

  private static String attribute(ResourceSpans rs, String key) {
    return rs.getResource().getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().getStringValue())
        .findFirst()
        .orElse("");
  }

  private long histogramCount(String name) {
    long n = 0;
    for (MetricData m : telemetry.metrics()) {
      if (m.getName().equals(name)) {
        for (HistogramPointData p : m.getHistogramData().getPoints()) {
          n += p.getCount();
        }
      }
    }
    return n;
  }

  @Test
  void sendsOnTheCallersThreadOnceSendBatchSizeIsReached() {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    BatchProcessor p =
        processor(
            config(10, 0, 0, LONG),
            t -> {
              threads.add(Thread.currentThread());
              sink.consume(t);
            });

    p.consume(spans("svc", 6));
    assertThat(sink.batches()).isEmpty();
    p.consume(spans("svc", 6));

    assertThat(sink.batches()).hasSize(1);
    assertThat(sink.batches().get(0).spanCount()).isEqualTo(12);
    assertThat(threads).containsExactly(Thread.currentThread());
    assertThat(telemetry.counterValue("otelcol_processor_batch_batch_size_trigger_send"))
        .isEqualTo(1);
    assertThat(telemetry.counterValue("otelcol_processor_batch_timeout_trigger_send")).isZero();
    assertThat(histogramCount("otelcol_processor_batch_batch_send_size")).isEqualTo(1);
    assertThat(p.pendingSpans()).isZero();
  }

  @Test
  void keepsTheRemainderBelowSendBatchSizeForLater() {
    BatchProcessor p = processor(config(10, 10, 0, LONG), sink);

    p.consume(spans("svc", 25));

    assertThat(sink.batches()).extracting(Traces::spanCount).containsExactly(10, 10);
    assertThat(p.pendingSpans()).isEqualTo(5);
  }

  @Test
  void sendsWhenTheOldestSpanReachesTheTimeout() {
    BatchProcessor p = processor(config(100, 0, 0, Duration.ofMillis(200)), sink);
    p.consume(spans("svc", 3));
    clock.advance(Duration.ofMillis(150));
    p.consume(spans("svc", 2));

    clock.advance(Duration.ofMillis(49));
    assertThat(p.flushExpired()).isEqualTo(clock.millis() + 1);
    assertThat(sink.batches()).isEmpty();

    clock.advance(Duration.ofMillis(1));
    assertThat(p.flushExpired()).isEqualTo(Long.MAX_VALUE);
    assertThat(sink.batches()).extracting(Traces::spanCount).containsExactly(5);
    assertThat(telemetry.counterValue("otelcol_processor_batch_timeout_trigger_send")).isEqualTo(1);
    assertThat(telemetry.counterValue("otelcol_processor_batch_batch_size_trigger_send")).isZero();
  }

  @Test
  void remainderKeepsTheArrivalTimeOfTheOldestSpan() {
    BatchProcessor p = processor(config(10, 10, 0, Duration.ofMillis(200)), sink);
    p.consume(spans("svc", 4));
    clock.advance(Duration.ofMillis(150));
    p.consume(spans("svc", 8));
    assertThat(sink.spanCount()).isEqualTo(10);

    clock.advance(Duration.ofMillis(50));
    p.flushExpired();

    assertThat(sink.spanCount()).isEqualTo(12);
  }

  @Test
  void timerFlushesOnOneNamedThread() {
    List<String> threadNames = new CopyOnWriteArrayList<>();
    BatchProcessor p =
        new BatchProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "batch/timer").build(),
            config(1000, 0, 0, Duration.ofMillis(20)),
            t -> {
              threadNames.add(Thread.currentThread().getName());
              sink.consume(t);
            });
    created.add(p);
    p.start();

    p.consume(spans("svc", 3));
    sink.awaitSpanCount(3, Duration.ofSeconds(10));
    p.consume(spans("svc", 2));
    sink.awaitSpanCount(5, Duration.ofSeconds(10));

    assertThat(threadNames).hasSize(2).containsOnly(p.timerThread().getName());
    assertThat(p.timerThread().getName()).startsWith("raybridge-processor-batch/timer-");
  }

  @Test
  void zeroTimeoutSendsEveryBatchAsItArrivesSplitToTheMaximum() {
    BatchProcessor p = processor(config(4, 4, 0, Duration.ZERO), sink);
    p.start();

    p.consume(spans("svc", 3));
    p.consume(spans("svc", 9));

    assertThat(sink.batches()).extracting(Traces::spanCount).containsExactly(3, 4, 4, 1);
    assertThat(p.timerThread()).isNull();
  }

  @Test
  void splitsAtSendBatchMaxSizeKeepingSpanOrder() {
    BatchProcessor p = processor(config(10, 10, 0, LONG), sink);
    Traces in =
        Traces.of(
            resource(
                "svc", List.of(scope("scope-a", 12), scope("scope-b", 11), scope("scope-c", 12))));

    p.consume(in);
    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.batches()).extracting(Traces::spanCount).containsExactly(10, 10, 10, 5);
    assertThat(spanNames(sink.all())).isEqualTo(spanNames(in));
  }

  @Test
  void splitsAtTheByteLimitSoThatNoBatchExceedsIt() {
    Traces in = spans("svc", 60);
    int limit = in.serializedSize() / 5;
    BatchProcessor p = processor(config(10_000, 0, limit, LONG), sink);

    p.consume(in);
    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.batches()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(sink.batches())
        .allSatisfy(b -> assertThat(b.serializedSize()).isLessThanOrEqualTo(limit));
    assertThat(spanNames(sink.all())).isEqualTo(spanNames(in));
    assertThat(telemetry.counterValue("otelcol_processor_batch_oversized_spans")).isZero();
  }

  @Test
  void byteLimitTriggersASendBeforeSendBatchSizeIsReached() {
    Traces first = spans("svc", 10);
    int limit = first.serializedSize() + first.serializedSize() / 2;
    BatchProcessor p = processor(config(10_000, 0, limit, LONG), sink);

    p.consume(first);
    assertThat(sink.batches()).isEmpty();
    p.consume(spans("svc", 10));

    assertThat(sink.batches()).hasSize(1);
    assertThat(sink.batches().get(0).serializedSize()).isLessThanOrEqualTo(limit);
    assertThat(sink.spanCount() + p.pendingSpans()).isEqualTo(20);
  }

  @Test
  void aSpanLargerThanTheByteLimitTravelsAloneAndIsCounted() {
    Traces small = spans("svc", 2);
    Span huge =
        small.resourceSpans().get(0).getScopeSpans(0).getSpans(0).toBuilder()
            .setName("huge")
            .addAttributes(attr("blob", "y".repeat(5000)))
            .build();
    Traces in =
        Traces.of(
            resource(
                "svc",
                List.of(
                    ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("scope-a"))
                        .addSpans(small.resourceSpans().get(0).getScopeSpans(0).getSpans(1))
                        .addSpans(huge)
                        .addSpans(small.resourceSpans().get(0).getScopeSpans(0).getSpans(1))
                        .build())));
    BatchProcessor p = processor(config(10_000, 0, 1000, LONG), sink);

    p.consume(in);
    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.batches()).extracting(BatchProcessorTest::spanNames).hasSize(3);
    assertThat(spanNames(sink.batches().get(1))).containsExactly("huge");
    assertThat(telemetry.counterValue("otelcol_processor_batch_oversized_spans")).isEqualTo(1);
  }

  @Test
  void mergesSpansOfTheSameResourceAndScopeThatArrivedSeparately() {
    BatchProcessor p = processor(config(100, 0, 0, LONG), sink);
    p.consume(spans("a", 3));
    p.consume(spans("b", 2));
    p.consume(Traces.of(resource("a", List.of(scope("scope-a", 1), scope("scope-z", 2)))));

    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.batches()).singleElement();
    List<ResourceSpans> resources = sink.batches().get(0).resourceSpans();
    assertThat(resources).extracting(rs -> attribute(rs, "service.name")).containsExactly("a", "b");
    assertThat(resources.get(0).getScopeSpansList())
        .extracting(ss -> ss.getScope().getName() + ":" + ss.getSpansCount())
        .containsExactly("scope-a:4", "scope-z:2");
    assertThat(sink.spanCount()).isEqualTo(8);
  }

  @Test
  void fillsBatchesExactlyWhileEveryPieceKeepsItsResourceAndScope() {
    BatchProcessor p = processor(config(5, 5, 0, LONG), sink);
    ResourceSpans big =
        resource("big", List.of(scope("s1", 3), scope("s2", 4), scope("s3", 6)), "tier", "gold");

    p.consume(Traces.of(big));
    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.spanCount()).isEqualTo(13);
    List<List<String>> scopesPerBatch = new ArrayList<>();
    for (Traces batch : sink.batches()) {
      assertThat(batch.resourceSpans()).hasSize(1);
      ResourceSpans rs = batch.resourceSpans().get(0);
      assertThat(rs.getResource()).isEqualTo(big.getResource());
      scopesPerBatch.add(
          rs.getScopeSpansList().stream()
              .map(ss -> ss.getScope().getName() + ":" + ss.getSpansCount())
              .toList());
    }
    assertThat(scopesPerBatch)
        .containsExactly(List.of("s1:3", "s2:2"), List.of("s2:2", "s3:3"), List.of("s3:3"));
    assertThat(spanNames(sink.all())).isEqualTo(spanNames(Traces.of(big)));
  }

  @Test
  void neverMixesSpansOfDifferentResourcesOrScopes() {
    BatchProcessor p = processor(config(7, 7, 0, LONG), sink);
    Traces in =
        Traces.of(
            resource("a", List.of(scope("s1", 4), scope("s2", 5))),
            resource("b", List.of(scope("s1", 6))));

    p.consume(in);
    p.shutdown(Duration.ofSeconds(5));

    for (Traces batch : sink.batches()) {
      for (ResourceSpans rs : batch.resourceSpans()) {
        String service = attribute(rs, "service.name");
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            assertThat(origin(in, s.getName())).isEqualTo(service + "/" + ss.getScope().getName());
          }
        }
      }
    }
    assertThat(sink.batches()).extracting(Traces::spanCount).containsExactly(7, 7, 1);
  }

  private static String origin(Traces in, String spanName) {
    for (ResourceSpans rs : in.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (s.getName().equals(spanName)) {
            return attribute(rs, "service.name") + "/" + ss.getScope().getName();
          }
        }
      }
    }
    return "?";
  }

  @Test
  void batchesSeparatelyPerMetadataValue() {
    BatchProcessor p =
        processor(
            new BatchProcessorConfig(4, 0, 0, Duration.ofMillis(200), List.of("tenant"), null),
            sink);

    p.consume(
        Traces.concat(List.of(spans("svc", 3, "tenant", "a"), spans("svc", 2, "tenant", "b"))));
    assertThat(sink.batches()).isEmpty();
    p.consume(spans("other", 1, "tenant", "a"));

    assertThat(sink.batches()).hasSize(1);
    assertThat(sink.batches().get(0).spanCount()).isEqualTo(4);
    assertThat(sink.batches().get(0).resourceSpans())
        .allSatisfy(rs -> assertThat(attribute(rs, "tenant")).isEqualTo("a"));

    clock.advance(Duration.ofMillis(200));
    p.flushExpired();
    assertThat(sink.batches()).hasSize(2);
    assertThat(sink.batches().get(1).resourceSpans())
        .singleElement()
        .satisfies(rs -> assertThat(attribute(rs, "tenant")).isEqualTo("b"));
    assertThat(telemetry.gaugeValue("otelcol_processor_batch_metadata_cardinality")).contains(2L);
  }

  @Test
  void refusesANewMetadataValueBeyondTheCardinalityLimitWithoutBufferingAnyOfTheBatch() {
    BatchProcessor p =
        processor(new BatchProcessorConfig(100, 0, 0, LONG, List.of("tenant"), 2), sink);
    p.consume(spans("svc", 1, "tenant", "a"));
    p.consume(spans("svc", 1, "tenant", "b"));

    Traces mixed =
        Traces.concat(List.of(spans("svc", 2, "tenant", "a"), spans("svc", 3, "tenant", "c")));
    assertThatThrownBy(() -> p.consume(mixed))
        .isInstanceOfSatisfying(ConsumerException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessage(
            "batch processor: metadata_cardinality_limit (2) reached; no new batch for"
                + " metadata_keys [tenant] = [c]");

    assertThat(p.pendingSpans()).isEqualTo(2);
    assertThat(telemetry.counterValue("otelcol_processor_batch_metadata_cardinality_refused_spans"))
        .isEqualTo(5);
  }

  @Test
  void shutdownFlushesEverythingBufferedThenPassesLateDataStraightOn() {
    BatchProcessor p =
        processor(new BatchProcessorConfig(100, 0, 0, LONG, List.of("tenant"), null), sink);
    p.start();
    p.consume(spans("svc", 3, "tenant", "a"));
    p.consume(spans("svc", 4, "tenant", "b"));

    p.shutdown(Duration.ofSeconds(5));

    assertThat(sink.spanCount()).isEqualTo(7);
    assertThat(p.pendingSpans()).isZero();
    assertThat(p.timerThread().isAlive()).isFalse();

    p.consume(spans("svc", 2, "tenant", "a"));
    assertThat(sink.spanCount()).isEqualTo(9);
    assertThatCode(() -> p.shutdown(Duration.ofSeconds(5))).doesNotThrowAnyException();
  }

  @Test
  void shutdownCountsWhatItCouldNotSendInTime() {
    BatchProcessor p = processor(config(100, 0, 0, LONG), sink);
    p.consume(spans("svc", 7));

    p.shutdown(Duration.ZERO);

    assertThat(sink.spanCount()).isZero();
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_batch_dropped_spans", "reason", "shutdown_timeout"))
        .isEqualTo(7);
  }

  @Test
  void downstreamRejectionIsCountedNotSwallowed() {
    FailingConsumer retryable = FailingConsumer.always(true);
    BatchProcessor p = processor(config(5, 0, 0, Duration.ofMillis(200)), retryable);
    assertThatCode(() -> p.consume(spans("svc", 6))).doesNotThrowAnyException();
    assertThat(retryable.calls()).isEqualTo(1);

    FailingConsumer permanent = FailingConsumer.permanent();
    BatchProcessor q = processor(config(100, 0, 0, Duration.ofMillis(200)), permanent);
    q.consume(spans("svc", 4));
    clock.advance(Duration.ofMillis(200));
    q.flushExpired();
    assertThat(permanent.calls()).isEqualTo(1);

    assertThat(
            telemetry.counterValue(
                "otelcol_processor_batch_dropped_spans", "reason", "rejected_retryable"))
        .isEqualTo(6);
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_batch_dropped_spans", "reason", "rejected_permanent"))
        .isEqualTo(4);
    assertThat(telemetry.counterValue("otelcol_processor_outgoing_items")).isZero();
  }

  @Test
  void aRetryableRefusalHoldsTheBatchRefusesNewDataAndDeliversItWhenTheConsumerTakesIt() {
    FailingConsumer next = FailingConsumer.retryable(1, sink);
    BatchProcessor p = processor(config(5, 0, 0, Duration.ofMillis(200)), next);
    p.start();

    p.consume(spans("svc", 6)); // reaches send_batch_size: sent, refused, held
    assertThat(next.calls()).isEqualTo(1);
    assertThatThrownBy(() -> p.consume(spans("svc", 2)))
        .isInstanceOfSatisfying(ConsumerException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("holding 6 spans");

    clock.advance(Duration.ofMillis(BatchProcessor.RETRY_DELAY_MILLIS));
    p.flushExpired();
    sink.awaitSpanCount(6, Duration.ofSeconds(10));
    assertThatCode(() -> p.consume(spans("svc", 5))).doesNotThrowAnyException();
    sink.awaitSpanCount(11, Duration.ofSeconds(10));

    assertThat(telemetry.counterValue("otelcol_processor_batch_retried_spans")).isEqualTo(6);
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_batch_dropped_spans", "reason", "rejected_retryable"))
        .isZero();
  }

  @Test
  void aHeldBatchTheConsumerStillRefusesAtShutdownIsDroppedAndCounted() {
    BatchProcessor p =
        processor(config(5, 0, 0, Duration.ofMillis(200)), FailingConsumer.always(true));
    p.start();
    p.consume(spans("svc", 6));

    p.shutdown(Duration.ofSeconds(5));

    assertThat(
            telemetry.counterValue(
                "otelcol_processor_batch_dropped_spans", "reason", "rejected_retryable"))
        .isEqualTo(6);
  }

  @Test
  void downstreamRejectionsAreLoggedAtMostOncePerIntervalWithTheCountInBetween() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    BatchProcessor p =
        new BatchProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "batch")
                .clock(clock)
                .logger(new WarningCollector(warnings))
                .build(),
            config(2, 0, 0, LONG),
            FailingConsumer.always(true));
    created.add(p);

    for (int i = 0; i < 3; i++) {
      p.consume(spans("svc", 2));
    }
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith("next consumer rejected a batch of 2 spans (retryable); the spans are dropped");

    clock.advance(Duration.ofSeconds(10));
    p.consume(spans("svc", 2));
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(1)).contains("(2 similar suppressed)");
  }

  /** Keeps the formatted WARN lines a component logs. */
  private static final class WarningCollector extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient List<String> lines;

    WarningCollector(List<String> lines) {
      this.name = "batch";
      this.lines = lines;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String msg, Object[] args, Throwable throwable) {
      if (level == Level.WARN) {
        lines.add(MessageFormatter.basicArrayFormat(msg, args));
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }

  @Test
  void concurrentConsumersLoseNothingAndDuplicateNothing() throws Exception {
    BatchProcessor p =
        new BatchProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "batch").build(),
            config(50, 50, 0, Duration.ofMillis(5)),
            sink);
    created.add(p);
    p.start();
    int threads = 4;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seedBase = t * perThread;
      futures.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                  p.consume(
                      TraceGenerator.seeded(seedBase + i).traces(1).spansPerTrace(3).generate());
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    p.shutdown(Duration.ofSeconds(10));

    List<Span> received = sink.spans();
    assertThat(received).hasSize(threads * perThread * 3);
    Set<ByteString> ids = new HashSet<>();
    received.forEach(s -> ids.add(s.getTraceId().concat(s.getSpanId())));
    assertThat(ids).hasSize(threads * perThread * 3);
    assertThat(sink.batches()).allSatisfy(b -> assertThat(b.spanCount()).isLessThanOrEqualTo(50));
  }
}
