package io.raybridge.processor.tailsampling;

import static io.raybridge.processor.tailsampling.TestSpans.attribute;
import static io.raybridge.processor.tailsampling.TestSpans.byTrace;
import static io.raybridge.processor.tailsampling.TestSpans.error;
import static io.raybridge.processor.tailsampling.TestSpans.span;
import static io.raybridge.processor.tailsampling.TestSpans.str;
import static io.raybridge.processor.tailsampling.TestSpans.traceId;
import static io.raybridge.processor.tailsampling.TestSpans.traces;
import static io.raybridge.processor.tailsampling.TestSpans.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.FailingConsumer;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TailSamplingProcessorTest {

  private static final String ERRORS_AND_TEN_PERCENT =
      """
      decision_wait: 10s
      policies:
        - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
        - {name: ten-percent, type: probabilistic, probabilistic: {sampling_percentage: 10}}
      """;

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final TracesSink sink = new TracesSink();
  private final List<TailSamplingProcessor> created = new ArrayList<>();

  private TailSamplingProcessor processor(String yaml) {
    return processor(yaml, sink);
  }

  private TailSamplingProcessor processor(String yaml, TracesConsumer next) {
    TailSamplingProcessor p =
        (TailSamplingProcessor)
            new TailSamplingFactory()
                .create(
                    TestSettings.builder(ComponentKind.PROCESSOR, "tail_sampling")
                        .clock(clock)
                        .telemetry(telemetry)
                        .build(),
                    ConfigFixtures.bind(TailSamplingConfig.class, yaml),
                    next);
    created.add(p);
    return p;
  }

  @AfterEach
  void shutDown() {
    created.forEach(p -> p.shutdown(Duration.ofSeconds(5)));
  }

  @Test
  void decidesAfterDecisionWaitAndNotBefore() {
    TailSamplingProcessor p =
        processor("decision_wait: 10s\npolicies: [{name: all, type: always_sample}]");
    p.consume(traces(whole(1, 3)));
    clock.advance(Duration.ofSeconds(5));
    p.consume(traces(span(1, 3).build()));
    clock.advance(Duration.ofMillis(4_999));
    assertThat(p.decideDue()).isZero();
    assertThat(sink.spanCount()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(p.decideDue()).isEqualTo(1);
    assertThat(sink.spanCount()).isEqualTo(4);
    assertThat(sink.batches()).hasSize(1);
    assertThat(p.bufferedSpans()).isZero();
    assertThat(p.bufferedBytes()).isZero();
  }

  @Test
  void decidesSoonAfterTheRootArrivedWhenConfigured() {
    TailSamplingProcessor p =
        processor(
            """
            decision_wait: 30s
            decision_wait_after_root_received: 2s
            policies: [{name: all, type: always_sample}]
            """);
    p.consume(traces(span(1, 1).build(), span(2, 1).build()));
    clock.advance(Duration.ofSeconds(1));
    p.consume(traces(span(1, 0).build()));
    clock.advance(Duration.ofMillis(1_999));
    assertThat(p.decideDue()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(p.decideDue()).isEqualTo(1);
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(1));
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_global_count_traces_sampled",
                "reason",
                "root_received"))
        .isEqualTo(1);
    // Trace 2 has no root: it waits the full decision_wait.
    clock.advance(Duration.ofSeconds(27));
    assertThat(p.decideDue()).isEqualTo(1);
  }

  @Test
  void keptSpansRecordTheDecidingPolicyAndDroppedTracesLeaveNothing() {
    TailSamplingProcessor p =
        processor(
            """
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
            """);
    p.consume(
        traces(
            span(1, 0).setStatus(error()).build(),
            span(1, 1).addAttributes(str("sampling.policy", "upstream")).build(),
            span(2, 0).build(),
            span(2, 1).build()));
    clock.advance(Duration.ofSeconds(30));
    p.decideDue();
    List<Span> out = sink.spans();
    assertThat(out).hasSize(2).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId(1)));
    assertThat(out)
        .allSatisfy(
            s -> {
              assertThat(attribute(s, "sampling.policy")).isEqualTo("errors");
              assertThat(
                      s.getAttributesList().stream()
                          .filter(a -> a.getKey().equals("sampling.policy")))
                  .hasSize(1);
            });
    assertThat(sink.all().resourceSpans().get(0).getResource())
        .isEqualTo(TestSpans.resource("checkout"));
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_count_traces_sampled", "policy", "errors"))
        .isEqualTo(2);
  }

  @Test
  void keptTracesLeaveAsBytesWithThePolicyAppendedToEachSpan() {
    TailSamplingProcessor p =
        processor(
            """
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
            """);
    Span root = span(3, 0).setStatus(error()).build();
    Span child = span(3, 1).addAttributes(str("http.route", "/cart")).build();
    p.consume(traces(root, child));
    clock.advance(Duration.ofSeconds(30));
    p.decideDue();
    Traces out = sink.all();
    assertThat(out.isEncoded()).isTrue();
    assertThat(out.spanCount()).isEqualTo(2);
    assertThat(sink.spans())
        .containsExactly(
            root.toBuilder().addAttributes(str("sampling.policy", "errors")).build(),
            child.toBuilder().addAttributes(str("sampling.policy", "errors")).build());
    assertThat(out.resourceSpans().get(0).getResource()).isEqualTo(TestSpans.resource("checkout"));
  }

  /** Keeps traces with an error, one second after their first span. */
  private TailSamplingProcessor errorsAfterOneSecond() {
    return processor(
        """
        decision_wait: 1s
        policies:
          - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
        """);
  }

  @Test
  void lateSpansOfAKeptTraceCarryItsPolicyOnceAndKeepTheirResource() {
    TailSamplingProcessor p = errorsAfterOneSecond();
    p.consume(traces(span(4, 0).setStatus(error()).build()));
    clock.advance(Duration.ofSeconds(1));
    p.decideDue();
    Span late = span(4, 1).addAttributes(str("http.route", "/cart")).build();
    Span stale = span(4, 2).addAttributes(str("sampling.policy", "elsewhere")).build();
    p.consume(traces(late, stale));
    assertThat(p.bufferedSpans()).isZero();
    assertThat(sink.spans().subList(1, 3))
        .containsExactlyInAnyOrder(
            late.toBuilder().addAttributes(str("sampling.policy", "errors")).build(),
            span(4, 2).addAttributes(str("sampling.policy", "errors")).build());
    for (ResourceSpans rs : sink.all().resourceSpans()) {
      assertThat(rs.getResource()).isEqualTo(TestSpans.resource("checkout"));
      assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo("test");
    }
  }

  @Test
  void lateSpansFollowTheCachedDecision() {
    TailSamplingProcessor p = errorsAfterOneSecond();
    p.consume(traces(span(1, 0).setStatus(error()).build(), span(2, 0).build()));
    clock.advance(Duration.ofSeconds(1));
    p.decideDue();
    assertThat(sink.spanCount()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    p.consume(
        traces(span(1, 1).build(), span(2, 1).build(), span(2, 2).setStatus(error()).build()));
    // No waiting: the late span of the kept trace goes straight through, the others are dropped,
    // although one of them is an error that would have kept a new trace.
    assertThat(p.bufferedSpans()).isZero();
    assertThat(sink.spans()).hasSize(2);
    Span late = sink.spans().get(1);
    assertThat(late.getSpanId()).isEqualTo(span(1, 1).getSpanId());
    assertThat(attribute(late, "sampling.policy")).isEqualTo("errors");
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_late_spans", "decision", "not_sampled"))
        .isEqualTo(2);
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_late_spans", "decision", "sampled"))
        .isEqualTo(1);
  }

  @Test
  void decisionCacheSizesBoundWhatIsRemembered() {
    TailSamplingProcessor p =
        processor(
            """
            decision_wait: 1s
            decision_cache: {sampled_cache_size: 1, non_sampled_cache_size: 1}
            policies: [{name: all, type: always_sample}]
            """);
    p.consume(traces(span(1, 0).build(), span(2, 0).build()));
    clock.advance(Duration.ofSeconds(1));
    p.decideDue();
    sink.clear();
    // Trace 1's decision was evicted by trace 2's: its late span starts a new trace.
    p.consume(traces(span(1, 1).build(), span(2, 1).build()));
    assertThat(p.bufferedSpans()).isEqualTo(1);
    assertThat(sink.spans()).extracting(Span::getTraceId).containsExactly(traceId(2));
  }

  @Test
  void floodOfLargeTracesStaysUnderTheByteBudgetDecidingOldestFirst() {
    long budget = 256 * 1024;
    TailSamplingProcessor p =
        processor(
            """
            max_buffered_bytes: %d
            max_trace_bytes: 65536
            policies: [{name: all, type: always_sample}]
            """
                .formatted(budget));
    String padding = "x".repeat(1000);
    List<ByteString> firstSeen = new ArrayList<>();
    for (int t = 0; t < 200; t++) {
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        spans.add(span(t, i).addAttributes(str("payload", padding)).build());
      }
      p.consume(traces(spans));
      firstSeen.add(traceId(t));
      assertThat(p.bufferedBytes()).isLessThanOrEqualTo(budget);
      clock.advance(Duration.ofMillis(10));
    }
    long early =
        telemetry.counterValue(
            "otelcol_processor_tail_sampling_global_count_traces_sampled",
            "reason",
            "max_buffered_bytes");
    assertThat(early).isGreaterThan(150);
    // Decided (not dropped), whole, and in arrival order: the oldest first.
    List<ByteString> order = new ArrayList<>();
    for (Span s : sink.spans()) {
      if (order.isEmpty() || !order.get(order.size() - 1).equals(s.getTraceId())) {
        order.add(s.getTraceId());
      }
    }
    assertThat(order)
        .hasSize((int) early)
        .containsExactlyElementsOf(firstSeen.subList(0, (int) early));
    assertThat(byTrace(sink.spans()).values()).allSatisfy(spans -> assertThat(spans).hasSize(20));
    assertThat(telemetry.gaugeValue("otelcol_processor_tail_sampling_buffered_bytes"))
        .hasValueSatisfying(v -> assertThat(v).isPositive().isLessThanOrEqualTo(budget));
  }

  @Test
  void aHugeTraceIsDecidedAtItsCapWithoutEvictingTheOthers() {
    TailSamplingProcessor p =
        processor(
            """
            max_buffered_bytes: 1048576
            max_trace_bytes: 32768
            policies: [{name: all, type: always_sample}]
            """);
    for (int t = 1; t <= 10; t++) {
      p.consume(traces(whole(t, 3)));
    }
    String padding = "y".repeat(500);
    for (int i = 0; i < 200; i++) {
      p.consume(traces(span(99, i).addAttributes(str("payload", padding)).build()));
    }
    // The huge trace was decided at its cap; its later spans followed the decision.
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_global_count_traces_sampled",
                "reason",
                "max_trace_bytes"))
        .isEqualTo(1);
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(99));
    assertThat(byTrace(sink.spans()).get(traceId(99))).hasSize(200);
    assertThat(p.pendingTraces()).isEqualTo(10);
  }

  @Test
  void numTracesDecidesTheOldestTraceEarly() {
    TailSamplingProcessor p =
        processor("num_traces: 2\npolicies: [{name: all, type: always_sample}]");
    p.consume(traces(whole(1, 2)));
    p.consume(traces(whole(2, 2)));
    assertThat(sink.spanCount()).isZero();
    p.consume(traces(whole(3, 2)));
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(1));
    assertThat(p.pendingTraces()).isEqualTo(2);
  }

  @Test
  void shutdownDecidesWhatArrivedAndFlushesIt() {
    TailSamplingProcessor p =
        processor(
            """
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
            """);
    p.consume(
        traces(span(1, 0).setStatus(error()).build(), span(1, 1).build(), span(2, 0).build()));
    p.shutdown(Duration.ofSeconds(5));
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(1));
    assertThat(sink.spanCount()).isEqualTo(2);
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_global_count_traces_sampled",
                "reason",
                "shutdown"))
        .isEqualTo(2);
    assertThat(telemetry.counterValue("otelcol_processor_tail_sampling_spans_lost")).isZero();
    assertThat(catchThrowable(() -> p.consume(traces(whole(3, 1)))))
        .isInstanceOfSatisfying(ConsumerException.class, e -> assertThat(e.isRetryable()).isTrue());
  }

  @Test
  void onShutdownDropCountsWhatItDrops() {
    TailSamplingProcessor p =
        processor("on_shutdown: drop\npolicies: [{name: all, type: always_sample}]");
    p.consume(traces(whole(1, 3)));
    p.shutdown(Duration.ofSeconds(5));
    assertThat(sink.spanCount()).isZero();
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_spans_lost", "reason", "on_shutdown_drop"))
        .isEqualTo(3);
  }

  @Test
  void aFailingNextConsumerIsCountedNotThrownAtTheSender() {
    TailSamplingProcessor p =
        processor(
            "decision_wait: 1s\npolicies: [{name: all, type: always_sample}]",
            FailingConsumer.throwing(ConsumerException.retryable("down")));
    p.consume(traces(whole(1, 4)));
    clock.advance(Duration.ofSeconds(1));
    p.decideDue();
    assertThat(
            telemetry.counterValue(
                "otelcol_processor_tail_sampling_spans_lost", "reason", "downstream"))
        .isEqualTo(4);
  }

  @Test
  void theTimerThreadDecidesOnItsOwnNamedThread() throws Exception {
    Set<String> threads = new CopyOnWriteArraySet<>();
    TracesSink out = new TracesSink();
    TailSamplingProcessor p =
        (TailSamplingProcessor)
            new TailSamplingFactory()
                .create(
                    TestSettings.of(ComponentKind.PROCESSOR, "tail_sampling/timer"),
                    ConfigFixtures.bind(
                        TailSamplingConfig.class,
                        "decision_wait: 50ms\npolicies: [{name: all, type: always_sample}]"),
                    t -> {
                      threads.add(Thread.currentThread().getName());
                      out.consume(t);
                    });
    created.add(p);
    p.start();
    p.consume(traces(whole(1, 3)));
    out.awaitSpanCount(3, Duration.ofSeconds(10));
    assertThat(threads)
        .singleElement()
        .asString()
        .startsWith("raybridge-processor-tail_sampling/timer-");
  }

  /**
   * 10 000 traces of 5 to 50 spans, their spans arriving shuffled over up to 5 s while decisions
   * wait only 2 s, so that many spans come after their trace was decided.
   */
  @Test
  void shuffledTracesAreKeptWholeAtTheConfiguredRates() {
    TailSamplingProcessor p =
        processor(ERRORS_AND_TEN_PERCENT.replace("decision_wait: 10s", "decision_wait: 2s"));
    int traceCount = 10_000;
    SplittableRandom random = new SplittableRandom(2026);
    int[] sizes = new int[traceCount];
    boolean[] failed = new boolean[traceCount];
    List<long[]> events = new ArrayList<>();
    for (int t = 0; t < traceCount; t++) {
      sizes[t] = 5 + random.nextInt(46);
      failed[t] = random.nextDouble() < 0.05;
      long start = t; // one trace starts every millisecond
      for (int i = 0; i < sizes[t]; i++) {
        events.add(new long[] {start + random.nextInt(5_000), t, i});
      }
    }
    events.sort((a, b) -> Long.compare(a[0], b[0]));
    long t0 = clock.millis();
    long lastTick = 0;
    List<Span> batch = new ArrayList<>();
    for (long[] e : events) {
      if (e[0] != clock.millis() - t0 && !batch.isEmpty()) {
        p.consume(traces(batch));
        batch = new ArrayList<>();
      }
      clock.set(Instant.ofEpochMilli(t0 + e[0]));
      if (e[0] - lastTick >= 100) {
        p.decideDue();
        lastTick = e[0];
      }
      Span.Builder s = span(e[1], (int) e[2]);
      // Every span of a failed trace carries the error, so whichever arrives first decides it.
      if (failed[(int) e[1]]) {
        s.setStatus(error());
      }
      batch.add(s.build());
    }
    p.consume(traces(batch));
    clock.advance(Duration.ofMinutes(1));
    p.decideDue();
    assertThat(p.bufferedSpans()).isZero();

    Map<ByteString, List<Span>> kept = byTrace(sink.spans());
    Map<ByteString, Integer> index = new HashMap<>();
    for (int t = 0; t < traceCount; t++) {
      index.put(traceId(t), t);
    }
    int keptNormal = 0;
    int normal = 0;
    Set<Integer> keptErrors = new HashSet<>();
    for (Map.Entry<ByteString, List<Span>> e : kept.entrySet()) {
      int t = index.get(e.getKey());
      assertThat(e.getValue()).as("spans of kept trace %d", t).hasSize(sizes[t]);
      assertThat(e.getValue().stream().map(Span::getSpanId).distinct()).hasSize(sizes[t]);
      if (failed[t]) {
        keptErrors.add(t);
      }
    }
    for (int t = 0; t < traceCount; t++) {
      if (failed[t]) {
        assertThat(keptErrors).as("error trace %d kept", t).contains(t);
      } else {
        normal++;
        keptNormal += kept.containsKey(traceId(t)) ? 1 : 0;
      }
    }
    double fraction = (double) keptNormal / normal;
    double sd = Math.sqrt(0.1 * 0.9 / normal);
    assertThat(fraction).isBetween(0.1 - 4 * sd, 0.1 + 4 * sd);
    assertThat(telemetry.counterValue("otelcol_processor_tail_sampling_late_spans"))
        .as("late spans exercised")
        .isPositive();
  }

  /**
   * PERFORMANCE.md W6: at most 600 bytes of heap per buffered span, for spans of about 330 encoded
   * bytes arriving in SDK-sized batches that interleave traces. The figure is the processor's own
   * accounting (array capacities plus fixed allowances per trace and group), a conservative
   * estimate; the exact heap figure comes from the JMH benchmark.
   */
  @Test
  void bufferedSpansCostAtMost600BytesOfHeapEach() {
    TailSamplingProcessor p = processor("policies: [{name: all, type: always_sample}]");
    int traceCount = 1_000;
    int spansPerTrace = 20;
    long encoded = 0;
    for (int round = 0; round < 5; round++) {
      for (int first = 0; first < traceCount; first += 25) {
        List<Span> batch = new ArrayList<>();
        for (int t = first; t < first + 25; t++) {
          for (int i = round * 4; i < round * 4 + 4; i++) {
            Span s = d2Span(t, i);
            encoded += s.getSerializedSize();
            batch.add(s);
          }
        }
        p.consume(traces(batch));
      }
    }
    long spans = p.bufferedSpans();
    assertThat(spans).isEqualTo((long) traceCount * spansPerTrace);
    double encodedPerSpan = (double) encoded / spans;
    double heapPerSpan = (double) p.bufferedBytes() / spans;
    System.out.printf(
        "tail_sampling buffer: %.1f encoded bytes/span, %.1f heap bytes/span (estimate)%n",
        encodedPerSpan, heapPerSpan);
    assertThat(encodedPerSpan).isBetween(300.0, 360.0);
    assertThat(heapPerSpan).isLessThanOrEqualTo(600.0).isGreaterThan(encodedPerSpan);
  }

  /** A span shaped like PERFORMANCE.md's D2 dataset: about 330 bytes encoded. */
  private static Span d2Span(int trace, int index) {
    return span(trace, index)
        .setName(index == 0 ? "GET /api/orders/{id}" : "SELECT orders")
        .addAttributes(str("http.request.method", "GET"))
        .addAttributes(str("url.path", "/api/orders/" + (100_000 + trace)))
        .addAttributes(str("db.system.name", "postgresql"))
        .addAttributes(str("db.query.text", "SELECT id, status, total FROM orders WHERE id = $1"))
        .addAttributes(str("server.address", "orders-db.internal.example.com"))
        .addAttributes(str("thread.name", "http-nio-8080-exec-" + (index % 10)))
        .build();
  }

  @Test
  void inputBatchesAreNotChanged() {
    TailSamplingProcessor p =
        processor("decision_wait: 1s\npolicies: [{name: all, type: always_sample}]");
    Traces in = traces(whole(1, 3));
    Traces copy = Traces.of(in.resourceSpans());
    p.consume(in);
    clock.advance(Duration.ofSeconds(1));
    p.decideDue();
    assertThat(in).isEqualTo(copy);
    assertThat(attribute(in.resourceSpans().get(0).getScopeSpans(0).getSpans(0), "sampling.policy"))
        .isNull();
  }
}
