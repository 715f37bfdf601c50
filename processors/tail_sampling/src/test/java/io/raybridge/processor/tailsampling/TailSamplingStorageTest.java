package io.raybridge.processor.tailsampling;

import static io.raybridge.processor.tailsampling.TestSpans.attribute;
import static io.raybridge.processor.tailsampling.TestSpans.byTrace;
import static io.raybridge.processor.tailsampling.TestSpans.error;
import static io.raybridge.processor.tailsampling.TestSpans.span;
import static io.raybridge.processor.tailsampling.TestSpans.traceId;
import static io.raybridge.processor.tailsampling.TestSpans.traces;
import static io.raybridge.processor.tailsampling.TestSpans.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TracesSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailSamplingStorageTest {

  private static final String CORRUPT = "otelcol_processor_tail_sampling_storage_corrupt_records";

  @TempDir Path dir;

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final List<TailSamplingProcessor> created = new ArrayList<>();

  private String errorsOnly() {
    return """
        decision_wait: 10s
        storage: {directory: '%s'}
        policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]
        """
        .formatted(dir);
  }

  private String keepAll(String wait) {
    return """
        decision_wait: %s
        storage: {directory: '%s', max_size_mib: 1}
        policies: [{name: all, type: always_sample}]
        """
        .formatted(wait, dir);
  }

  private TailSamplingProcessor started(String yaml, TracesSink sink) throws IOException {
    return started(yaml, sink, clock, telemetry);
  }

  private TailSamplingProcessor started(
      String yaml, TracesSink sink, Clock clock, TestTelemetry telemetry) throws IOException {
    TailSamplingProcessor p =
        (TailSamplingProcessor)
            new TailSamplingFactory()
                .create(
                    TestSettings.builder(ComponentKind.PROCESSOR, "tail_sampling")
                        .clock(clock)
                        .telemetry(telemetry)
                        .build(),
                    ConfigFixtures.bind(TailSamplingConfig.class, yaml),
                    sink);
    created.add(p);
    p.start();
    return p;
  }

  @AfterEach
  void shutDown() {
    created.forEach(p -> p.shutdown(Duration.ofSeconds(5)));
  }

  private Path journal() {
    return dir.resolve("tail_sampling").resolve(TraceJournal.JOURNAL_FILE);
  }

  @Test
  void pendingTracesAndDecisionsSurviveACrash() throws IOException {
    TracesSink before = new TracesSink();
    TailSamplingProcessor first = started(errorsOnly(), before);
    first.consume(traces(span(1, 0).setStatus(error()).build(), span(1, 1).build()));
    first.consume(traces(whole(2, 2)));
    clock.advance(Duration.ofSeconds(10));
    assertThat(first.decideDue()).isEqualTo(2);
    assertThat(byTrace(before.spans())).containsOnlyKeys(traceId(1));
    // Still pending when the process dies: trace 3 (an error, arriving in two batches), trace 4.
    first.consume(traces(span(3, 0).setStatus(error()).build(), span(3, 1).build()));
    first.consume(traces(whole(4, 2)));
    clock.advance(Duration.ofSeconds(5));
    first.consume(traces(span(3, 2).build()));
    first.crash();

    TracesSink after = new TracesSink();
    TailSamplingProcessor second = started(errorsOnly(), after);
    assertThat(second.pendingTraces()).isEqualTo(2);
    assertThat(second.bufferedSpans()).isEqualTo(5);
    // Decided on the original schedule: 10s after trace 3's first span, not after the restart.
    clock.advance(Duration.ofMillis(4_999));
    assertThat(second.decideDue()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(second.decideDue()).isEqualTo(2);
    Map<ByteString, List<Span>> kept = byTrace(after.spans());
    assertThat(kept).containsOnlyKeys(traceId(3));
    assertThat(kept.get(traceId(3))).hasSize(3);
    assertThat(kept.get(traceId(3)))
        .allMatch(s -> "errors".equals(attribute(s, "sampling.policy")));

    // Decisions made before the crash still apply to late spans.
    after.clear();
    second.consume(traces(span(1, 5).build(), span(2, 5).build()));
    assertThat(after.spans())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getTraceId()).isEqualTo(traceId(1));
              assertThat(attribute(s, "sampling.policy")).isEqualTo("errors");
            });

    // A clean shutdown leaves no pending trace, but keeps the decisions.
    second.shutdown(Duration.ofSeconds(5));
    TracesSink third = new TracesSink();
    TailSamplingProcessor restarted = started(errorsOnly(), third);
    assertThat(restarted.pendingTraces()).isZero();
    restarted.consume(traces(span(3, 7).build(), span(4, 7).build()));
    assertThat(third.spans())
        .singleElement()
        .satisfies(s -> assertThat(s.getTraceId()).isEqualTo(traceId(3)));
    assertThat(telemetry.counterValue(CORRUPT)).isZero();
  }

  @Test
  void skipsAndCountsATornTail() throws IOException {
    TailSamplingProcessor first = started(keepAll("10s"), new TracesSink());
    for (int t = 0; t < 3; t++) {
      first.consume(traces(whole(t, 4)));
    }
    first.crash();
    long size = Files.size(journal());
    try (RandomAccessFile f = new RandomAccessFile(journal().toFile(), "rw")) {
      f.setLength(size - 5);
    }

    TracesSink sink = new TracesSink();
    TailSamplingProcessor second = started(keepAll("10s"), sink);
    assertThat(telemetry.counterValue(CORRUPT)).isEqualTo(1);
    assertThat(second.pendingTraces()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(second.decideDue()).isEqualTo(2);
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(0), traceId(1));
    assertThat(sink.spanCount()).isEqualTo(8);
    // Compaction at start dropped the damage: a further restart finds none.
    second.crash();
    started(keepAll("10s"), new TracesSink());
    assertThat(telemetry.counterValue(CORRUPT)).isEqualTo(1);
  }

  @Test
  void skipsADamagedRecordAndKeepsTheOnesAfterIt() throws IOException {
    TailSamplingProcessor first = started(keepAll("10s"), new TracesSink());
    for (int t = 0; t < 3; t++) {
      first.consume(traces(whole(t, 4)));
    }
    first.crash();
    // The three records have the same size: flip a byte in the middle of the second.
    long size = Files.size(journal());
    try (RandomAccessFile f = new RandomAccessFile(journal().toFile(), "rw")) {
      long at = size / 3 + size / 6;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }

    TracesSink sink = new TracesSink();
    TailSamplingProcessor second = started(keepAll("10s"), sink);
    assertThat(telemetry.counterValue(CORRUPT)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(second.decideDue()).isEqualTo(2);
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(0), traceId(2));
  }

  @Test
  void refusesADirectoryAnotherProcessorHolds() throws IOException {
    started(keepAll("10s"), new TracesSink());
    Throwable t = catchThrowable(() -> started(keepAll("10s"), new TracesSink()));
    assertThat(t)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "tail_sampling storage directory "
                + dir.resolve("tail_sampling")
                + " is already used by another processor in this process");
  }

  @Test
  void compactsTheJournalToTheLiveStateWhenItOutgrowsHalfItsBound() throws IOException {
    TailSamplingProcessor first = started(keepAll("10s"), new TracesSink());
    int traces = 0;
    while (Files.size(journal()) <= 600 * 1024) {
      first.consume(traces(whole(traces++, 5)));
    }
    clock.advance(Duration.ofSeconds(10));
    assertThat(first.decideDue()).isEqualTo(traces);
    first.consume(traces(whole(traces, 5)));
    first.syncStorage();
    // Left: one DECIDED record per trace and the one pending trace.
    assertThat(Files.size(journal())).isLessThan(traces * 40L + 2048);
    first.crash();

    TracesSink sink = new TracesSink();
    TailSamplingProcessor second = started(keepAll("10s"), sink);
    assertThat(second.pendingTraces()).isEqualTo(1);
    second.consume(traces(span(0, 9).build()));
    assertThat(byTrace(sink.spans())).containsOnlyKeys(traceId(0));
  }

  @Test
  void noTraceIsLostWhenTheProcessIsKilled() throws Exception {
    int traces = 200;
    int spans = 6;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path stderr = dir.resolveSibling(dir.getFileName() + "-child.err");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StorageCrashMain.class.getName(),
                dir.toString(),
                Integer.toString(traces),
                Integer.toString(spans))
            .redirectError(stderr.toFile())
            .start();
    try {
      CompletableFuture<Boolean> ready =
          CompletableFuture.supplyAsync(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.equals("READY")) {
                      return true;
                    }
                  }
                  return false;
                } catch (IOException e) {
                  return false;
                }
              });
      assertThat(ready.get(60, TimeUnit.SECONDS))
          .as("child printed READY; its stderr: %s", stderr)
          .isTrue();

      // While it lives, the directory is its own.
      Throwable t =
          catchThrowable(
              () ->
                  started(
                      keepAll("100ms"), new TracesSink(), Clock.systemUTC(), new TestTelemetry()));
      assertThat(t)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another process (pid " + child.pid() + ")");
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    TracesSink sink = new TracesSink();
    started(keepAll("100ms"), sink, Clock.systemUTC(), new TestTelemetry());
    sink.awaitSpanCount((long) traces * spans, Duration.ofSeconds(30));
    Map<ByteString, List<Span>> byTrace = byTrace(sink.spans());
    assertThat(byTrace).hasSize(traces);
    for (int i = 0; i < traces; i++) {
      assertThat(byTrace.get(traceId(i)))
          .as("trace %d", i)
          .extracting(Span::getSpanId)
          .containsExactlyInAnyOrderElementsOf(
              whole(i, spans).stream().map(Span::getSpanId).toList());
    }
  }
}
