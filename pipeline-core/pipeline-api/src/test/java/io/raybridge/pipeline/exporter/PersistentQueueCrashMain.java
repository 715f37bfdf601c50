package io.raybridge.pipeline.exporter;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ApiFixtures;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The process the crash test kills: an exporter with a persistent queue on {@code <directory>}
 * whose destination is down (every export fails with a retryable error). It queues {@code
 * <batches>} batches of {@code <spans>} spans named {@code b<batch>-s<span>}, prints {@code READY
 * <total spans>} once every batch is accepted, and then waits to be killed.
 *
 * <p>Usage: {@code PersistentQueueCrashMain <directory> <batches> <spans>}.
 */
public final class PersistentQueueCrashMain {

  /** The exporter id; the queue lives in {@code <directory>/otlp-crash}. */
  static final String EXPORTER_ID = "otlp/crash";

  /** Consumers, so the batches in flight at the kill are at most this many. */
  static final int NUM_CONSUMERS = 2;

  private PersistentQueueCrashMain() {}

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int batches = Integer.parseInt(args[1]);
    int spans = Integer.parseInt(args[2]);
    Exporter exporter =
        ExporterHelper.builder(
                settings(),
                (traces, timeout) -> {
                  throw ConsumerException.retryable("connection refused");
                })
            .queue(queueConfig(directory))
            .build();
    exporter.start();
    for (int b = 0; b < batches; b++) {
      exporter.consume(batch(b, spans));
    }
    System.out.println("READY " + (long) batches * spans);
    System.out.flush();
    new CountDownLatch(1).await();
  }

  static ComponentSettings settings() {
    return ApiFixtures.settings(
        ComponentKind.EXPORTER,
        EXPORTER_ID,
        new ApiFixtures.Telemetry(),
        new ApiFixtures.CapturingLogger(),
        Clock.systemUTC());
  }

  /** Blocks when full, so that every batch offered is eventually accepted. */
  static QueueConfig queueConfig(Path directory) {
    return new QueueConfig(
        true,
        NUM_CONSUMERS,
        100_000,
        QueueSizer.REQUESTS,
        null,
        true,
        new StorageConfig(directory.toString(), null));
  }

  /** Batch {@code b}: {@code spans} spans named {@code b<b>-s<i>}. */
  static Traces batch(int b, int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder().setName("b" + b + "-s" + i));
    }
    return Traces.of(ResourceSpans.newBuilder().addScopeSpans(scope).build());
  }
}
