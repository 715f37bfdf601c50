package io.raybridge.testing;

import static io.raybridge.testing.RaybridgeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TestKitTest {

  @Test
  void sinkCollectsBatchesFromManyThreads() {
    TracesSink sink = new TracesSink();
    CompletableFuture<?>[] senders = new CompletableFuture<?>[4];
    for (int i = 0; i < senders.length; i++) {
      senders[i] =
          CompletableFuture.runAsync(
              () -> {
                for (int j = 0; j < 25; j++) {
                  sink.consume(TraceGenerator.traces(1, 2));
                }
              });
    }
    sink.awaitSpanCount(200, Duration.ofSeconds(30));
    CompletableFuture.allOf(senders).join();
    assertThat(sink.batches()).hasSize(100);
    assertThat(sink.spans()).hasSize(200);
    assertThat(sink.all()).hasSpanCount(200);
    sink.clear();
    assertThat(sink.spanCount()).isZero();
    assertThat(sink.batches()).isEmpty();
  }

  @Test
  void awaitSpanCountFailsWithWhatArrived() {
    TracesSink sink = new TracesSink();
    sink.consume(TraceGenerator.traces(1, 3));
    assertThatThrownBy(() -> sink.awaitSpanCount(4, Duration.ofMillis(10)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected at least 4 spans, received 3");
  }

  @Test
  void retryableConsumerFailsNTimesThenDelivers() {
    FailingConsumer c = FailingConsumer.retryable(2);
    Traces t = TraceGenerator.traces(1, 1);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> c.consume(t))
          .isInstanceOfSatisfying(
              ConsumerException.class, e -> assertThat(e.isRetryable()).isTrue());
    }
    c.consume(t);
    assertThat(c.calls()).isEqualTo(3);
    assertThat(c.thrown()).hasSize(2);
    assertThat(c.sink().batches()).containsExactly(t);
  }

  @Test
  void permanentAndAlwaysConsumersNeverDeliver() {
    FailingConsumer permanent = FailingConsumer.permanent();
    FailingConsumer retryable = FailingConsumer.always(true);
    Traces t = TraceGenerator.traces(1, 1);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> permanent.consume(t))
          .isInstanceOfSatisfying(
              ConsumerException.class, e -> assertThat(e.isPermanent()).isTrue());
      assertThatThrownBy(() -> retryable.consume(t))
          .isInstanceOfSatisfying(
              ConsumerException.class, e -> assertThat(e.isRetryable()).isTrue());
    }
    assertThat(permanent.sink().spanCount()).isZero();
    assertThat(retryable.calls()).isEqualTo(3);
  }

  @Test
  void failingConsumerPassesOnToItsDelegate() {
    TracesSink next = new TracesSink();
    FailingConsumer c = FailingConsumer.retryable(0, next);
    c.consume(TraceGenerator.traces(1, 2));
    assertThat(next.spanCount()).isEqualTo(2);
    assertThatThrownBy(c::sink).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void generatorIsDeterministicPerSeed() {
    TraceGenerator a = TraceGenerator.seeded(3).traces(5).spansPerTrace(4).errorRate(0.5);
    TraceGenerator b = TraceGenerator.seeded(3).traces(5).spansPerTrace(4).errorRate(0.5);
    assertThat(a.generate().toRequest().toByteArray())
        .isEqualTo(b.generate().toRequest().toByteArray());
    assertThat(TraceGenerator.seeded(4).traces(5).spansPerTrace(4).generate())
        .isNotEqualTo(TraceGenerator.seeded(3).traces(5).spansPerTrace(4).generate());
  }

  @Test
  void generatorBuildsTreesOfHttpAndDatabaseSpans() {
    Traces t =
        TraceGenerator.seeded(9).traces(6).spansPerTrace(5).services(2).links(true).generate();
    assertThat(t)
        .hasSpanCount(30)
        .hasResourceSpansCount(2)
        .containsSpanNamed("GET /api/items/{id}")
        .containsSpanNamed("SELECT items")
        .containsSpanNamed("render item")
        .containsSpanWithAttribute("db.system.name", "postgresql")
        .allResourcesHaveAttribute("cloud.provider", "aws");

    List<Span> spans = TracesAssert.spansOf(t);
    Map<String, Span> byId = new HashMap<>();
    Set<String> traceIds = new HashSet<>();
    for (Span s : spans) {
      byId.put(s.getSpanId().toStringUtf8() + s.getTraceId().toStringUtf8(), s);
      traceIds.add(s.getTraceId().toStringUtf8());
      assertThat(s.getTraceId().size()).isEqualTo(16);
      assertThat(s.getSpanId().size()).isEqualTo(8);
      assertThat(s.getEndTimeUnixNano()).isGreaterThan(s.getStartTimeUnixNano());
    }
    assertThat(traceIds).hasSize(6);
    long roots = spans.stream().filter(s -> s.getParentSpanId().isEmpty()).count();
    assertThat(roots).isEqualTo(6);
    for (Span s : spans) {
      if (!s.getParentSpanId().isEmpty()) {
        assertThat(byId)
            .as("parent of %s", s.getName())
            .containsKey(s.getParentSpanId().toStringUtf8() + s.getTraceId().toStringUtf8());
      }
    }
    long linked = spans.stream().filter(s -> s.getLinksCount() == 1).count();
    assertThat(linked).isEqualTo(5);
    for (ResourceSpans rs : t.resourceSpans()) {
      assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo(TraceGenerator.SCOPE_NAME);
    }
  }

  @Test
  void generatorMarksTheRequestedShareOfTracesAsFailed() {
    Traces all = TraceGenerator.seeded(1).traces(20).spansPerTrace(2).errorRate(1).generate();
    assertThat(all)
        .allSpansMatch(
            s ->
                !s.getParentSpanId().isEmpty()
                    || (s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR
                        && s.getEventsList().stream()
                            .anyMatch(e -> e.getName().equals("exception"))),
            "be a child or a failed root with an exception event");
    Traces none = TraceGenerator.seeded(1).traces(20).spansPerTrace(2).generate();
    assertThat(none)
        .allSpansMatch(
            s -> s.getStatus().getCode() != Status.StatusCode.STATUS_CODE_ERROR, "not fail");
    assertThat(TraceGenerator.seeded(1).traces(0).generate()).hasNoSpans();
  }

  @Test
  void tracesAssertReportsWhatIsMissing() {
    Traces t = TraceGenerator.traces(1, 2);
    assertThatThrownBy(() -> assertThat(t).hasSpanCount(3))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected 3 spans but found 2");
    assertThatThrownBy(() -> assertThat(t).containsSpanNamed("nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a span named <nope>");
    assertThatThrownBy(() -> assertThat(t).doesNotContainSpanNamed("SELECT items"))
        .isInstanceOf(AssertionError.class);
    assertThat(t).spanNames().containsExactly("GET /api/items/{id}", "SELECT items");
  }

  @Test
  void fakeClockMovesOnlyWhenTold() {
    FakeClock clock = new FakeClock();
    Instant start = clock.instant();
    assertThat(clock.instant()).isEqualTo(start);
    clock.advance(Duration.ofSeconds(5));
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(5));
    assertThat(clock.millis()).isEqualTo(start.plusSeconds(5).toEpochMilli());
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testTelemetryReadsWhatTheExporterHelperRecorded() throws Exception {
    TestTelemetry telemetry = new TestTelemetry();
    ComponentSettings settings =
        TestSettings.builder(ComponentKind.EXPORTER, "sample/a").telemetry(telemetry).build();
    TracesSink destination = new TracesSink();
    Exporter e =
        ExporterHelper.builder(settings, (t, timeout) -> destination.consume(t))
            .queue(QueueConfig.disabled())
            .build();
    e.start();
    e.consume(TraceGenerator.traces(2, 3));
    e.shutdown(Duration.ofSeconds(5));

    assertThat(telemetry.counterValue("otelcol_exporter_sent_spans")).isEqualTo(6);
    assertThat(telemetry.counterValue("otelcol_exporter_sent_spans", "exporter", "sample/a"))
        .isEqualTo(6);
    assertThat(telemetry.counterValue("otelcol_exporter_sent_spans", "exporter", "other")).isZero();
    assertThat(telemetry.gaugeValue("otelcol_exporter_queue_size")).isEmpty();
  }

  @Test
  void testSettingsNameThreadsAsTheRuntimeDoes() {
    ComponentSettings s = TestSettings.of(ComponentKind.PROCESSOR, "batch/fast");
    Thread t = s.threadFactory().newThread(() -> {});
    assertThat(t.getName()).isEqualTo("raybridge-processor-batch/fast-1");
    assertThat(t.isDaemon()).isTrue();
    assertThat(s.id().toString()).isEqualTo("batch/fast");
  }

  @Test
  void pollGivesUpAtTheDeadline() {
    assertThat(Poll.until(() -> false, Duration.ofMillis(5))).isFalse();
    assertThat(Poll.until(() -> true, Duration.ZERO)).isTrue();
  }
}
