package io.raybridge.processor.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryLimiterProcessorTest {

  private static final long MIB = 1024 * 1024;

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();
  private final TracesSink sink = new TracesSink();
  private final AtomicLong used = new AtomicLong();
  private final AtomicInteger gcs = new AtomicInteger();
  private Runnable onGc = () -> {};
  private MemoryLimiterProcessor processor;

  @AfterEach
  void shutDown() {
    if (processor != null) {
      processor.shutdown(Duration.ofSeconds(5));
    }
  }

  private MemoryLimiterProcessor limiter(String yaml, long maxHeap) {
    return limiter(ConfigFixtures.bind(MemoryLimiterProcessorConfig.class, yaml), maxHeap);
  }

  private MemoryLimiterProcessor limiter(MemoryLimiterProcessorConfig config, long maxHeap) {
    processor =
        new MemoryLimiterProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "memory_limiter")
                .clock(clock)
                .telemetry(telemetry)
                .build(),
            config,
            sink,
            used::get,
            maxHeap,
            () -> {
              gcs.incrementAndGet();
              onGc.run();
            });
    return processor;
  }

  private static Traces batch(int spans) {
    return TraceGenerator.seeded(spans).traces(1).spansPerTrace(spans).generate();
  }

  @Test
  void limitMibWithoutSpikeLeavesTwentyPercentHeadroom() {
    MemoryLimiterProcessor p = limiter("limit_mib: 100", 1024 * MIB);
    assertThat(p.hardLimitBytes()).isEqualTo(100 * MIB);
    assertThat(p.softLimitBytes()).isEqualTo(80 * MIB);
  }

  @Test
  void percentagesAreOfTheMaximumHeap() {
    MemoryLimiterProcessor p =
        limiter("{limit_percentage: 50, spike_limit_percentage: 10}", 1000 * MIB);
    assertThat(p.hardLimitBytes()).isEqualTo(500 * MIB);
    assertThat(p.softLimitBytes()).isEqualTo(400 * MIB);

    MemoryLimiterProcessor defaults = limiter("{}", 1000 * MIB);
    assertThat(defaults.hardLimitBytes()).isEqualTo(800 * MIB);
    assertThat(defaults.softLimitBytes()).isEqualTo(640 * MIB);
  }

  @Test
  void refusesRetryablyFromTheSoftLimitAndRecoversWhenMemoryFalls() {
    MemoryLimiterProcessor p = limiter("{limit_mib: 100, spike_limit_mib: 20}", 1024 * MIB);
    used.set(79 * MIB);
    p.checkMemory();
    p.consume(batch(3));
    assertThat(sink.spanCount()).isEqualTo(3);

    used.set(80 * MIB);
    p.checkMemory();
    assertThat(p.refusing()).isTrue();
    assertThatThrownBy(() -> p.consume(batch(4)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
            })
        .hasMessage(
            "memory limit exceeded: heap in use 80 MiB is at or above the soft limit of 80 MiB"
                + " (hard limit 100 MiB)");
    assertThat(sink.spanCount()).isEqualTo(3);

    used.set(70 * MIB);
    p.checkMemory();
    p.consume(batch(5));

    assertThat(sink.spanCount()).isEqualTo(8);
    assertThat(telemetry.counterValue("otelcol_processor_accepted_spans")).isEqualTo(8);
    assertThat(telemetry.counterValue("otelcol_processor_refused_spans")).isEqualTo(4);
  }

  @Test
  void aboveTheHardLimitForcesAGarbageCollectionOnEveryCheckByDefault() {
    MemoryLimiterProcessor p = limiter("limit_mib: 100", 1024 * MIB);
    used.set(120 * MIB);

    p.checkMemory();
    p.checkMemory();
    p.checkMemory();

    assertThat(gcs).hasValue(3);
    assertThat(p.refusing()).isTrue();
    assertThat(telemetry.counterValue("otelcol_processor_memory_limiter_forced_gc")).isEqualTo(3);
  }

  @Test
  void aboveTheSoftLimitForcesAtMostOneCollectionPerMinimumInterval() {
    MemoryLimiterProcessor p =
        limiter("{limit_mib: 100, min_gc_interval_when_soft_limited: 10s}", 1024 * MIB);
    used.set(90 * MIB);

    p.checkMemory();
    clock.advance(Duration.ofSeconds(9));
    p.checkMemory();
    assertThat(gcs).hasValue(1);

    clock.advance(Duration.ofSeconds(1));
    p.checkMemory();
    assertThat(gcs).hasValue(2);
    assertThat(p.refusing()).isTrue();
  }

  @Test
  void liveDataThatReachedTheHardLimitBeforeAnyCollectionIsFoundByAForcedOne() {
    // The live reading dates from the latest collection (10 MiB); since then the heap has filled
    // to the hard limit without one, and what it holds may be live.
    AtomicLong withGarbage = new AtomicLong(100 * MIB);
    used.set(10 * MIB);
    processor =
        new MemoryLimiterProcessor(
            TestSettings.builder(ComponentKind.PROCESSOR, "memory_limiter")
                .clock(clock)
                .telemetry(telemetry)
                .build(),
            ConfigFixtures.bind(MemoryLimiterProcessorConfig.class, "limit_mib: 100"),
            sink,
            used::get,
            withGarbage::get,
            1024 * MIB,
            () -> {
              gcs.incrementAndGet();
              used.set(85 * MIB);
              withGarbage.set(85 * MIB);
            });

    processor.checkMemory();

    assertThat(gcs).hasValue(1);
    assertThat(processor.refusing()).isTrue();

    // Below the hard limit, garbage alone is no reason to collect, and refusing follows the live
    // reading.
    withGarbage.set(99 * MIB);
    used.set(30 * MIB);
    processor.checkMemory();
    assertThat(gcs).hasValue(1);
    assertThat(processor.refusing()).isFalse();
  }

  @Test
  void aCollectionThatFreesEnoughMemoryAvoidsRefusing() {
    MemoryLimiterProcessor p = limiter("limit_mib: 100", 1024 * MIB);
    used.set(150 * MIB);
    onGc = () -> used.set(30 * MIB);

    p.checkMemory();

    assertThat(gcs).hasValue(1);
    assertThat(p.refusing()).isFalse();
    p.consume(batch(2));
    assertThat(sink.spanCount()).isEqualTo(2);
  }

  @Test
  void percentageLimitOnAnUnboundedHeapFailsToStart() {
    MemoryLimiterProcessor p = limiter("limit_percentage: 50", Long.MAX_VALUE);
    assertThatThrownBy(p::start)
        .hasMessage(
            "limit_percentage (50) needs a bounded heap: start the JVM with -Xmx or use limit_mib");
  }

  @Test
  void checksOnOneNamedThreadAtTheIntervalAndStopsOnShutdown() {
    Set<String> readers = new CopyOnWriteArraySet<>();
    MemoryLimiterProcessor p =
        new MemoryLimiterProcessor(
            TestSettings.of(ComponentKind.PROCESSOR, "memory_limiter/threads"),
            ConfigFixtures.bind(
                MemoryLimiterProcessorConfig.class, "{check_interval: 5ms, limit_mib: 100}"),
            sink,
            () -> {
              readers.add(Thread.currentThread().getName());
              return used.get();
            },
            1024 * MIB,
            gcs::incrementAndGet);
    processor = p;
    p.start();
    long before = p.checks();
    used.set(95 * MIB);

    Poll.await(() -> p.refusing(), Duration.ofSeconds(10), () -> "never refused");
    used.set(10 * MIB);
    Poll.await(() -> !p.refusing(), Duration.ofSeconds(10), () -> "never recovered");
    assertThat(p.checks()).isGreaterThan(before + 1);
    // The first check runs in start(), on the caller's thread; every later one on the checker.
    readers.remove(Thread.currentThread().getName());
    assertThat(readers)
        .singleElement()
        .asString()
        .startsWith("raybridge-processor-memory_limiter/threads-");

    p.shutdown(Duration.ofSeconds(5));
    long after = p.checks();
    used.set(95 * MIB);
    Poll.until(() -> p.checks() > after, Duration.ofMillis(50));
    assertThat(p.checks()).isEqualTo(after);
  }
}
