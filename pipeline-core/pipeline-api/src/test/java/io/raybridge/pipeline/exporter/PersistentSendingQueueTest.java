package io.raybridge.pipeline.exporter;

import static io.raybridge.pipeline.ApiFixtures.await;
import static io.raybridge.pipeline.exporter.PersistentQueueCrashMain.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ApiFixtures;
import io.raybridge.pipeline.ApiFixtures.CapturingLogger;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class PersistentSendingQueueTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path base;

  private final ApiFixtures.Telemetry telemetry = new ApiFixtures.Telemetry();
  private final CapturingLogger logger = new CapturingLogger();
  private final ComponentSettings settings =
      ApiFixtures.settings(
          ComponentKind.EXPORTER, "otlp/backup", telemetry, logger, Clock.systemUTC());
  private final List<PersistentSendingQueue> queues = new ArrayList<>();
  private final List<Exporter> exporters = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void closeEverything() {
    gate.countDown();
    exporters.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
    queues.forEach(PersistentSendingQueue::closeStorage);
  }

  private QueueConfig config(int queueSize, Integer maxDiskMib) {
    return new QueueConfig(
        true,
        1,
        queueSize,
        QueueSizer.REQUESTS,
        null,
        false,
        new StorageConfig(base.toString(), maxDiskMib));
  }

  private Path dir() {
    return base.resolve("otlp-backup");
  }

  /** A queue on {@link #dir()} with segments of {@code segmentBytes}, opened. */
  private PersistentSendingQueue open(QueueConfig config, long segmentBytes) throws IOException {
    PersistentSendingQueue q = new PersistentSendingQueue(config, settings, dir(), segmentBytes);
    q.open();
    queues.add(q);
    return q;
  }

  private static String firstSpanName(SendingQueue.Entry e) {
    return e.traces().resourceSpans().get(0).getScopeSpans(0).getSpans(0).getName();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  private Exporter startExporter(QueueConfig config, ExportFunction fn, Duration timeout)
      throws Exception {
    Exporter e =
        ExporterHelper.builder(settings, fn)
            .queue(config)
            .timeout(timeout)
            .retry(
                new RetryConfig(
                    true, Duration.ofMillis(10), 0.0, 1.0, Duration.ofMillis(10), Duration.ZERO))
            .build();
    e.start();
    exporters.add(e);
    return e;
  }

  @Test
  void exporterHelperKeepsTheQueueInTheExportersOwnDirectory() throws Exception {
    startExporter(config(10, null), (t, timeout) -> {}, LONG);

    assertThat(dir().resolve("LOCK")).exists();
    assertThat(segmentFiles()).hasSize(1);
    assertThat(logger.at(Level.INFO))
        .contains("Exporter otlp/backup keeps its sending queue on disk at " + dir());
  }

  @Test
  void handsOutBatchesInOrderAndDeletesSegmentsOnceAcknowledged() throws Exception {
    PersistentSendingQueue q = open(config(100, null), 256);
    for (int b = 0; b < 20; b++) {
      assertThat(q.offer(batch(b, 3), Duration.ZERO)).isTrue();
    }
    assertThat(q.size()).isEqualTo(20);
    assertThat(segmentFiles()).hasSizeGreaterThan(2);

    List<SendingQueue.Entry> taken = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      SendingQueue.Entry e = q.poll();
      assertThat(firstSpanName(e)).isEqualTo("b" + b + "-s0");
      assertThat(e.traces()).isEqualTo(batch(b, 3));
      taken.add(e);
    }
    assertThat(q.poll()).isNull();
    assertThat(segmentFiles()).as("nothing acknowledged yet").hasSizeGreaterThan(2);

    taken.forEach(SendingQueue.Entry::done);

    assertThat(segmentFiles()).as("only the segment still written to").hasSize(1);
    assertThat(q.diskBytes()).isEqualTo(Files.size(segmentFiles().get(0)));
  }

  @Test
  void requeuesUnacknowledgedBatchesAfterReopeningAndCountsThoseInFlightAsRedelivered()
      throws Exception {
    PersistentSendingQueue first = open(config(100, null), 1024);
    for (int b = 0; b < 5; b++) {
      first.offer(batch(b, 2), Duration.ZERO);
    }
    first.poll().done();
    first.poll(); // b1 taken, never finished: as if the process died while exporting it
    first.closeStorage();

    PersistentSendingQueue second = open(config(100, null), 1024);

    assertThat(second.size()).isEqualTo(4);
    List<String> names = new ArrayList<>();
    for (SendingQueue.Entry e = second.poll(); e != null; e = second.poll()) {
      names.add(firstSpanName(e));
    }
    assertThat(names).containsExactly("b1-s0", "b2-s0", "b3-s0", "b4-s0");
    assertThat(telemetry.value("otelcol_exporter_queue_recovered_spans")).isEqualTo(8);
    assertThat(telemetry.value("otelcol_exporter_queue_redelivered_spans")).isEqualTo(2);
  }

  @Test
  void skipsAndCountsATruncatedTailRecordAndDeliversTheRecordsBeforeIt() throws Exception {
    PersistentSendingQueue first = open(config(100, null), 1 << 20);
    for (int b = 0; b < 5; b++) {
      first.offer(batch(b, 2), Duration.ZERO);
    }
    first.closeStorage();
    Path segment = segmentFiles().get(0);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(f.length() - 7); // a write torn by the crash
    }

    List<String> delivered = new CopyOnWriteArrayList<>();
    startExporter(config(100, null), (t, timeout) -> delivered.add(spanNames(t)), LONG);

    assertThat(await(() -> delivered.size() == 4, LONG)).isTrue();
    assertThat(delivered)
        .containsExactly("b0-s0,b0-s1", "b1-s0,b1-s1", "b2-s0,b2-s1", "b3-s0,b3-s1");
    assertThat(telemetry.value("otelcol_exporter_queue_corrupt_records")).isEqualTo(1);
    assertThat(logger.at(Level.WARN))
        .filteredOn(l -> l.contains("corrupt records"))
        .singleElement()
        .asString()
        .contains("skipped 1 corrupt records", segment.getFileName().toString());
  }

  @Test
  void skipsACorruptRecordInTheMiddleAndStillDeliversTheRecordsAfterIt() throws Exception {
    PersistentSendingQueue first = open(config(100, null), 1 << 20);
    for (int b = 0; b < 5; b++) {
      first.offer(batch(b, 2), Duration.ZERO);
    }
    long recordSize = Files.size(segmentFiles().get(0)) / 5;
    first.closeStorage();
    try (RandomAccessFile f = new RandomAccessFile(segmentFiles().get(0).toFile(), "rw")) {
      long inThirdPayload = 2 * recordSize + WriteAheadLog.HEADER_BYTES + 3;
      f.seek(inThirdPayload);
      int b = f.read();
      f.seek(inThirdPayload);
      f.write(b ^ 0x40);
    }

    PersistentSendingQueue second = open(config(100, null), 1 << 20);

    List<String> names = new ArrayList<>();
    for (SendingQueue.Entry e = second.poll(); e != null; e = second.poll()) {
      names.add(firstSpanName(e));
    }
    assertThat(names).containsExactly("b0-s0", "b1-s0", "b3-s0", "b4-s0");
    assertThat(telemetry.value("otelcol_exporter_queue_corrupt_records")).isEqualTo(1);
  }

  @Test
  void refusesASecondUserOfTheSameDirectory() throws Exception {
    open(config(10, null), 1024);

    PersistentSendingQueue other =
        new PersistentSendingQueue(config(10, null), settings, dir(), 1024);
    assertThatThrownBy(other::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "persistent queue directory "
                + dir()
                + " is already used by another exporter in this process");
  }

  @Test
  void unlocksTheDirectoryWhenClosed() throws Exception {
    open(config(10, null), 1024).closeStorage();

    PersistentSendingQueue again = open(config(10, null), 1024);

    assertThat(again.offer(batch(0, 1), Duration.ZERO)).isTrue();
  }

  @Test
  void boundsTheBytesOnDiskAndAcceptsAgainOnceDelivered() throws Exception {
    PersistentSendingQueue q = open(config(1000, 1), 64 * 1024);
    Traces big = bigBatch(100_000);
    int accepted = 0;
    while (q.offer(big, Duration.ZERO)) {
      accepted++;
      assertThat(accepted).as("refuses before exceeding 1 MiB").isLessThan(20);
    }
    assertThat(accepted).isGreaterThan(5);
    assertThat(q.diskBytes()).isLessThanOrEqualTo(1024 * 1024);

    for (SendingQueue.Entry e = q.poll(); e != null; e = q.poll()) {
      e.done();
    }

    assertThat(q.offer(big, Duration.ZERO)).isTrue();
  }

  @Test
  void fullQueueRefusesTheNewestBatchWithARetryableErrorAndCountsIt() throws Exception {
    Exporter e = startExporter(config(1, null), (t, timeout) -> awaitGate(), LONG);
    e.consume(batch(0, 1)); // taken by the only consumer, which then waits
    assertThat(await(() -> queueOf(e) == 0, LONG)).isTrue();
    e.consume(batch(1, 1)); // fills the queue

    assertThatThrownBy(() -> e.consume(batch(2, 4)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ex -> assertThat(ex.isRetryable()).isTrue())
        .hasMessage("sending queue is full");
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isEqualTo(4);
  }

  @Test
  void blockOnOverflowMakesTheCallerWaitForRoom() throws Exception {
    QueueConfig blocking =
        new QueueConfig(true, 1, 1, null, null, true, new StorageConfig(base.toString(), null));
    List<String> delivered = new CopyOnWriteArrayList<>();
    Exporter e =
        startExporter(
            blocking,
            (t, timeout) -> {
              awaitGate();
              delivered.add(spanNames(t));
            },
            LONG);
    e.consume(batch(0, 1));
    assertThat(await(() -> queueOf(e) == 0, LONG)).isTrue();
    e.consume(batch(1, 1));

    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> e.consume(batch(2, 1)));
    assertThat(third).isNotDone();
    gate.countDown();

    third.get(30, TimeUnit.SECONDS);
    assertThat(await(() -> delivered.size() == 3, LONG)).isTrue();
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isZero();
  }

  @Test
  void blockOnOverflowRefusesWithARetryableErrorAfterTheTimeout() throws Exception {
    QueueConfig blocking =
        new QueueConfig(true, 1, 1, null, null, true, new StorageConfig(base.toString(), null));
    Exporter e = startExporter(blocking, (t, timeout) -> awaitGate(), Duration.ofMillis(50));
    e.consume(batch(0, 1));
    assertThat(await(() -> queueOf(e) == 0, LONG)).isTrue();
    e.consume(batch(1, 1));

    assertThatThrownBy(() -> e.consume(batch(2, 1)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ex -> assertThat(ex.isRetryable()).isTrue());
    assertThat(telemetry.value("otelcol_exporter_enqueue_failed_spans")).isEqualTo(1);
  }

  @Test
  void shutdownWithTheDestinationDownKeepsBatchesForTheNextStart() throws Exception {
    Exporter down =
        startExporter(
            config(100, null),
            (t, timeout) -> {
              throw ConsumerException.retryable("connection refused");
            },
            LONG);
    for (int b = 0; b < 3; b++) {
      down.consume(batch(b, 2));
    }
    down.shutdown(Duration.ofMillis(100));

    assertThat(telemetry.value("otelcol_exporter_send_failed_spans")).isZero();
    assertThat(logger.at(Level.WARN)).noneMatch(l -> l.contains("could not deliver"));
    assertThat(logger.at(Level.INFO))
        .contains(
            "Exporter otlp/backup keeps 6 spans in its persistent queue at "
                + dir()
                + " for the next start");

    List<String> delivered = new CopyOnWriteArrayList<>();
    startExporter(config(100, null), (t, timeout) -> delivered.add(spanNames(t)), LONG);

    assertThat(await(() -> delivered.size() == 3, LONG)).isTrue();
    assertThat(delivered).containsExactlyInAnyOrder("b0-s0,b0-s1", "b1-s0,b1-s1", "b2-s0,b2-s1");
  }

  @Test
  void permanentFailureRemovesTheBatchAndCountsIt() throws Exception {
    Exporter rejecting =
        startExporter(
            config(100, null),
            (t, timeout) -> {
              throw ConsumerException.permanent("bad data");
            },
            LONG);
    rejecting.consume(batch(0, 3));
    assertThat(await(() -> telemetry.value("otelcol_exporter_send_failed_spans") == 3, LONG))
        .isTrue();
    rejecting.shutdown(Duration.ofSeconds(5));

    PersistentSendingQueue reopened = open(config(100, null), 1024);

    assertThat(reopened.size()).isZero();
  }

  private static String spanNames(Traces t) {
    List<String> names = new ArrayList<>();
    for (ResourceSpans rs : t.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          names.add(s.getName());
        }
      }
    }
    return String.join(",", names);
  }

  private static Traces bigBatch(int bytes) {
    Span span =
        Span.newBuilder()
            .setName("big")
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("payload")
                    .setValue(AnyValue.newBuilder().setStringValue("x".repeat(bytes))))
            .build();
    return Traces.of(
        ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)).build());
  }

  private long queueOf(Exporter e) {
    return telemetry.value("otelcol_exporter_queue_size");
  }

  private void awaitGate() {
    try {
      gate.await();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
