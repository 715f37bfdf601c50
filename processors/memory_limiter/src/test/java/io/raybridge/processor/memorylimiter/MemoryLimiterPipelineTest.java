package io.raybridge.processor.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Drives a real pipeline, measured on the real heap, into its limit: {@code memory_limiter} in
 * front of an exporter that cannot send and so holds every batch it is given. The limit is set a
 * few dozen MiB above what the heap holds when the test starts, so the test does not depend on
 * -Xmx.
 */
class MemoryLimiterPipelineTest {

  private static final long MIB = 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** An exporter stuck behind a slow backend: it keeps what it gets until told to let go. */
  private static final class HoldingExporter implements TracesConsumer {
    private final List<Traces> held = new ArrayList<>();
    private long heldBytes;

    @Override
    public synchronized void consume(Traces traces) {
      held.add(traces);
      heldBytes += traces.serializedSize();
    }

    synchronized long heldBytes() {
      return heldBytes;
    }

    synchronized void release() {
      held.clear();
      heldBytes = 0;
    }
  }

  /** One span carrying about 1 MiB, freshly allocated. */
  private static Traces oneMib(int i) {
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (i + 1)}))
            .setName("upload-" + i)
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("payload")
                    .setValue(
                        AnyValue.newBuilder()
                            .setStringValue(Character.toString('a' + i % 26).repeat(1 << 20))))
            .build();
    return Traces.of(
        ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)).build());
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void awaitNextCheck(MemoryLimiterProcessor limiter) {
    long seen = limiter.checks();
    // Two more checks: the first may have started before the caller's last action.
    Poll.await(() -> limiter.checks() >= seen + 2, WAIT, () -> "memory checks stalled");
  }

  @Test
  void refusesWhileTheExporterHoldsDataAndRecoversOnceItLetsGo() {
    System.gc();
    long base = usedHeap();
    long limitMib = base / MIB + 64;
    Assumptions.assumeTrue(
        Runtime.getRuntime().maxMemory() - limitMib * MIB > 64 * MIB,
        "the heap needs room above the limit");
    TestTelemetry telemetry = new TestTelemetry();
    HoldingExporter exporter = new HoldingExporter();
    MemoryLimiterProcessorConfig config =
        ConfigFixtures.bind(
            MemoryLimiterProcessorConfig.class,
            "{check_interval: 10ms, limit_mib: "
                + limitMib
                + ", spike_limit_mib: 32, min_gc_interval_when_soft_limited: 100ms}");
    MemoryLimiterProcessor limiter =
        (MemoryLimiterProcessor)
            new MemoryLimiterProcessorFactory()
                .create(
                    TestSettings.builder(ComponentKind.PROCESSOR, "memory_limiter")
                        .telemetry(telemetry)
                        .build(),
                    config,
                    exporter);
    Processor pipeline = limiter;
    limiter.start();
    try {
      // Phase 1: keep sending 1 MiB batches until the limiter refuses and a forced collection
      // cannot bring the heap down, because the exporter holds the data.
      int refusals = 0;
      boolean stuck = false;
      for (int i = 0; i < 512 && !stuck; i++) {
        Traces batch = oneMib(i);
        try {
          pipeline.consume(batch);
          awaitNextCheck(limiter);
        } catch (ConsumerException e) {
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.getMessage()).startsWith("memory limit exceeded");
          refusals++;
          long gcsAtRefusal = limiter.forcedGcs();
          Poll.await(
              () -> limiter.forcedGcs() > gcsAtRefusal || !limiter.refusing(),
              WAIT,
              () -> "no forced collection while refusing");
          awaitNextCheck(limiter);
          stuck = limiter.refusing();
        }
      }
      assertThat(stuck).as("refusing with the exporter full").isTrue();
      assertThat(refusals).isPositive();
      assertThat(exporter.heldBytes())
          .as("data held when the limiter stopped it (soft limit is %d MiB above the start)", 32)
          .isPositive()
          .isLessThan(64 * MIB);

      // Phase 2: the backend recovers and the exporter lets go; the limiter must accept again
      // by itself (it keeps forcing collections while it is above the soft limit).
      exporter.release();
      boolean accepted = false;
      for (int attempt = 0; attempt < 1000 && !accepted; attempt++) {
        try {
          pipeline.consume(oneMib(attempt));
          accepted = true;
        } catch (ConsumerException e) {
          awaitNextCheck(limiter);
        }
      }
      assertThat(accepted).as("accepting again after the exporter let go").isTrue();
      assertThat(limiter.refusing()).isFalse();
      assertThat(telemetry.counterValue("otelcol_processor_refused_spans")).isPositive();
      assertThat(telemetry.counterValue("otelcol_processor_accepted_spans")).isPositive();
    } finally {
      limiter.shutdown(Duration.ofSeconds(5));
      exporter.release();
    }
  }
}
