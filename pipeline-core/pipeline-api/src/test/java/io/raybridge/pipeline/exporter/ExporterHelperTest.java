package io.raybridge.pipeline.exporter;

import static io.raybridge.pipeline.ApiFixtures.await;
import static io.raybridge.pipeline.ApiFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.ApiFixtures;
import io.raybridge.pipeline.ApiFixtures.CapturingLogger;
import io.raybridge.pipeline.ApiFixtures.ManualClock;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ExporterHelperTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  private final ApiFixtures.Telemetry telemetry = new ApiFixtures.Telemetry();
  private final CapturingLogger logger = new CapturingLogger();
  private final ManualClock clock = new ManualClock();
  private final ComponentSettings settings =
      ApiFixtures.settings(ComponentKind.EXPORTER, "test/one", telemetry, logger, clock);
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Sleeper fakeSleeper =
      d -> {
        sleeps.add(d);
        clock.advance(d);
      };
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<Exporter> started = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    gate.countDown();
    started.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
  }

  private static RetryConfig retry(
      long initialSeconds, double multiplier, long maxSeconds, long maxElapsedSeconds) {
    return new RetryConfig(
        true,
        Duration.ofSeconds(initialSeconds),
        0.0,
        multiplier,
        Duration.ofSeconds(maxSeconds),
        Duration.ofSeconds(maxElapsedSeconds));
  }

  private static QueueConfig queue(int size, int consumers, boolean block) {
    return new QueueConfig(true, consumers, size, QueueSizer.REQUESTS, null, block);
  }

  private Exporter start(ExporterHelper.Builder builder) throws Exception {
    Exporter e = builder.build();
    e.start();
    started.add(e);
    return e;
  }

  /** Fails with {@code failures} in turn, then records what it receives. */
  private static final class ScriptedExport implements ExportFunction {
    final List<ConsumerException> failures;
    final List<Traces> delivered = new CopyOnWriteArrayList<>();
    final List<Duration> timeouts = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    ScriptedExport(ConsumerException... failures) {
      this.failures = List.of(failures);
    }

    @Override
    public void export(Traces traces, Duration timeout) {
      timeouts.add(timeout);
      int call = calls.getAndIncrement();
      if (call < failures.size()) {
        throw failures.get(call);
      }
      delivered.add(traces);
    }
  }

  @Test
  void retriesWithExponentialBackoffCappedAtMaxInterval() throws Exception {
    ScriptedExport fn =
        new ScriptedExport(
            ConsumerException.retryable("a"),
            ConsumerException.retryable("b"),
            ConsumerException.retryable("c"),
            ConsumerException.retryable("d"));
    Exporter e =
        start(
            ExporterHelper.builder(settings, fn)
                .retry(retry(1, 2, 3, 0))
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper));

    e.consume(traces(4));

    assertThat(sleeps)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3));
    assertThat(fn.delivered).hasSize(1);
    assertThat(telemetry.value("otelcol_exporter_sent_spans")).isEqualTo(4);
    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isZero();
  }

  @Test
  void jitterStaysWithinTheRandomizationFactor() throws Exception {
    ScriptedExport fn = new ScriptedExport(ConsumerException.retryable("a"));
    RetryConfig jittery =
        new RetryConfig(true, Duration.ofSeconds(10), 0.5, 1.0, Duration.ofSeconds(10), null);
    start(
            ExporterHelper.builder(settings, fn)
                .retry(jittery)
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper))
        .consume(traces(1));
    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15));
  }

  @Test
  void neverRetriesAPermanentFailureAndThrowsItUnchanged() throws Exception {
    ConsumerException bad = ConsumerException.permanent("bad span");
    ScriptedExport fn = new ScriptedExport(bad);
    Exporter e =
        start(
            ExporterHelper.builder(settings, fn)
                .retry(retry(1, 2, 3, 0))
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper));

    assertThatThrownBy(() -> e.consume(traces(3))).isSameAs(bad);
    assertThat(fn.calls).hasValue(1);
    assertThat(sleeps).isEmpty();
    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isEqualTo(3);
  }

  @Test
  void treatsUnexpectedExceptionsAsPermanent() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Exporter e =
        start(
            ExporterHelper.builder(
                    settings,
                    (t, d) -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("bug");
                    })
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper));
    assertThatThrownBy(() -> e.consume(traces(1)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isPermanent()).isTrue())
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void honoursRetryAfterAsAMinimumWait() throws Exception {
    ScriptedExport fn =
        new ScriptedExport(
            ConsumerException.retryable("throttled", Duration.ofSeconds(10)),
            ConsumerException.retryable("throttled briefly", Duration.ofMillis(1)));
    start(
            ExporterHelper.builder(settings, fn)
                .retry(retry(1, 2, 30, 0))
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper))
        .consume(traces(1));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  @Test
  void givesUpWhenTheNextWaitWouldExceedMaxElapsedTime() throws Exception {
    ConsumerException last = ConsumerException.retryable("down 4");
    ScriptedExport fn =
        new ScriptedExport(
            ConsumerException.retryable("down 1"),
            ConsumerException.retryable("down 2"),
            ConsumerException.retryable("down 3"),
            last,
            ConsumerException.retryable("never reached"));
    Exporter e =
        start(
            ExporterHelper.builder(settings, fn)
                .retry(retry(1, 1, 1, 3))
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper));

    assertThatThrownBy(() -> e.consume(traces(2))).isSameAs(last);
    assertThat(fn.calls).hasValue(4);
    assertThat(sleeps).hasSize(3);
    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isEqualTo(2);
  }

  @Test
  void makesOneAttemptWhenRetryIsDisabled() throws Exception {
    ConsumerException down = ConsumerException.retryable("down");
    ScriptedExport fn = new ScriptedExport(down);
    Exporter e =
        start(
            ExporterHelper.builder(settings, fn)
                .retry(RetryConfig.disabled())
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper));
    assertThatThrownBy(() -> e.consume(traces(1))).isSameAs(down);
    assertThat(fn.calls).hasValue(1);
  }

  @Test
  void passesTheConfiguredTimeoutToEachAttempt() throws Exception {
    ScriptedExport fn = new ScriptedExport(ConsumerException.retryable("slow"));
    start(
            ExporterHelper.builder(settings, fn)
                .timeout(Duration.ofMillis(1500))
                .retry(retry(1, 1, 1, 0))
                .queue(QueueConfig.disabled())
                .sleeper(fakeSleeper))
        .consume(traces(1));
    assertThat(fn.timeouts).containsExactly(Duration.ofMillis(1500), Duration.ofMillis(1500));
  }

  @Test
  void refusesDataBeforeStartAndAfterShutdown() throws Exception {
    Exporter e = ExporterHelper.builder(settings, new ScriptedExport()).build();
    assertThatThrownBy(() -> e.consume(traces(1)))
        .isInstanceOfSatisfying(ConsumerException.class, c -> assertThat(c.isRetryable()).isTrue())
        .hasMessageContaining("not started");
    e.start();
    e.shutdown(Duration.ofSeconds(5));
    assertThatThrownBy(() -> e.consume(traces(1)))
        .isInstanceOfSatisfying(ConsumerException.class, c -> assertThat(c.isRetryable()).isTrue())
        .hasMessage("exporter is shutting down");
  }

  @Test
  void queuedBatchesReachTheExportFunction() throws Exception {
    ScriptedExport fn = new ScriptedExport(ConsumerException.retryable("once"));
    Exporter e =
        start(ExporterHelper.builder(settings, fn).retry(retry(1, 1, 1, 0)).sleeper(fakeSleeper));
    for (int i = 0; i < 10; i++) {
      e.consume(traces(3));
    }
    assertThat(await(() -> fn.delivered.size() == 10, LONG)).isTrue();
    assertThat(await(() -> telemetry.value("otelcol_exporter_sent_spans") == 30, LONG)).isTrue();
  }

  @Test
  void fullQueueRefusesWithARetryableErrorAndCountsTheSpans() throws Exception {
    CountDownLatch exporting = new CountDownLatch(1);
    Exporter e =
        start(
            ExporterHelper.builder(
                    settings,
                    (t, d) -> {
                      exporting.countDown();
                      awaitGate();
                    })
                .queue(queue(1, 1, false)));
    e.consume(traces(1)); // taken by the only consumer, which then blocks
    assertThat(exporting.await(30, TimeUnit.SECONDS)).isTrue();
    e.consume(traces(1)); // fills the queue

    assertThatThrownBy(() -> e.consume(traces(5)))
        .isInstanceOfSatisfying(ConsumerException.class, c -> assertThat(c.isRetryable()).isTrue())
        .hasMessage("sending queue is full");
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isEqualTo(5);
    assertThat(telemetry.value("otelcol_exporter_queue_size")).isEqualTo(1);
    assertThat(telemetry.value("otelcol_exporter_queue_capacity")).isEqualTo(1);
    assertThat(logger.at(Level.WARN))
        .anyMatch(l -> l.contains("Sending queue of exporter test/one is full"));
  }

  @Test
  void blockOnOverflowWaitsForRoom() throws Exception {
    CountDownLatch exporting = new CountDownLatch(1);
    List<Traces> delivered = new CopyOnWriteArrayList<>();
    Exporter e =
        start(
            ExporterHelper.builder(
                    settings,
                    (t, d) -> {
                      exporting.countDown();
                      awaitGate();
                      delivered.add(t);
                    })
                .timeout(Duration.ofMinutes(5))
                .queue(queue(1, 1, true)));
    e.consume(traces(1));
    assertThat(exporting.await(30, TimeUnit.SECONDS)).isTrue();
    e.consume(traces(2));
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> e.consume(traces(3)));
    gate.countDown();
    blocked.get(30, TimeUnit.SECONDS);
    assertThat(await(() -> delivered.size() == 3, LONG)).isTrue();
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isZero();
  }

  @Test
  void blockOnOverflowGivesUpAfterTheTimeout() throws Exception {
    CountDownLatch exporting = new CountDownLatch(1);
    Exporter e =
        start(
            ExporterHelper.builder(
                    settings,
                    (t, d) -> {
                      exporting.countDown();
                      awaitGate();
                    })
                .timeout(Duration.ofMillis(20))
                .queue(queue(1, 1, true)));
    e.consume(traces(1));
    assertThat(exporting.await(30, TimeUnit.SECONDS)).isTrue();
    e.consume(traces(1));
    assertThatThrownBy(() -> e.consume(traces(2)))
        .isInstanceOfSatisfying(ConsumerException.class, c -> assertThat(c.isRetryable()).isTrue())
        .hasMessage("sending queue is full");
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isEqualTo(2);
  }

  @Test
  void shutdownDrainsTheQueueIntoTheExportFunction() throws Exception {
    List<Traces> delivered = new CopyOnWriteArrayList<>();
    AtomicInteger shutdownHooks = new AtomicInteger();
    AtomicInteger startHooks = new AtomicInteger();
    Exporter e =
        ExporterHelper.builder(
                settings,
                (t, d) -> {
                  awaitGate();
                  delivered.add(t);
                })
            .queue(queue(100, 2, false))
            .onStart(startHooks::incrementAndGet)
            .onShutdown(shutdownHooks::incrementAndGet)
            .build();
    e.start();
    for (int i = 0; i < 20; i++) {
      e.consume(traces(2));
    }
    gate.countDown();
    e.shutdown(LONG);
    e.shutdown(LONG);

    assertThat(delivered).hasSize(20);
    assertThat(telemetry.value("otelcol_exporter_sent_spans")).isEqualTo(40);
    assertThat(startHooks).hasValue(1);
    assertThat(shutdownHooks).hasValue(1);
    assertThat(logger.at(Level.WARN)).isEmpty();
  }

  @Test
  void shutdownCountsAndLogsOnceWhatItCouldNotDeliver() throws Exception {
    Exporter e =
        ExporterHelper.builder(
                settings,
                (t, d) -> {
                  throw ConsumerException.retryable("backend down");
                })
            .retry(retry(3600, 1, 3600, 0))
            .queue(queue(100, 2, false))
            .build();
    e.start();
    for (int i = 0; i < 10; i++) {
      e.consume(traces(3));
    }
    e.shutdown(Duration.ofSeconds(5));

    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isEqualTo(30);
    assertThat(telemetry.value("otelcol_exporter_sent_spans")).isZero();
    assertThat(logger.at(Level.WARN))
        .filteredOn(l -> l.contains("could not deliver"))
        .containsExactly(
            "Exporter test/one could not deliver 30 spans within the shutdown timeout of 5s");
  }

  @Test
  void shutdownReportsBatchesStillStuckInTheExportFunction() throws Exception {
    CountDownLatch exporting = new CountDownLatch(1);
    Exporter e =
        ExporterHelper.builder(
                settings,
                (t, d) -> {
                  exporting.countDown();
                  awaitGate();
                })
            .queue(queue(100, 1, false))
            .build();
    e.start();
    e.consume(traces(4));
    assertThat(exporting.await(30, TimeUnit.SECONDS)).isTrue();
    e.consume(traces(3));
    e.consume(traces(3));
    e.shutdown(Duration.ofMillis(20));

    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isEqualTo(6);
    assertThat(logger.at(Level.WARN))
        .filteredOn(l -> l.contains("could not deliver"))
        .containsExactly(
            "Exporter test/one could not deliver 10 spans within the shutdown timeout of 20ms"
                + " (4 of them still being exported)");
  }

  @Test
  void shutdownWithoutStartOnlyRunsTheHook() {
    AtomicInteger hooks = new AtomicInteger();
    Exporter e =
        ExporterHelper.builder(settings, new ScriptedExport())
            .onShutdown(hooks::incrementAndGet)
            .build();
    e.shutdown(Duration.ofSeconds(1));
    assertThat(hooks).hasValue(1);
  }

  private void awaitGate() {
    try {
      gate.await();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw ConsumerException.retryable("interrupted");
    }
  }
}
