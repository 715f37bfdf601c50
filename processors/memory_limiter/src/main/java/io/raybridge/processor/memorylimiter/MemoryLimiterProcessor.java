package io.raybridge.processor.memorylimiter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.pipeline.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The {@code memory_limiter} processor: measures the used heap every {@code check_interval} on its
 * own thread and, while it is at or above the soft limit (hard limit minus spike limit), refuses
 * every batch with a retryable {@link ConsumerException}, which senders see as "back off and try
 * again". At or above the soft limit it forces a garbage collection at most once per {@code
 * min_gc_interval_when_soft_limited}, at or above the hard limit at most once per {@code
 * min_gc_interval_when_hard_limited}. It accepts again as soon as a measurement is below the soft
 * limit. {@code consume} never blocks and never measures: it reads the state the last check left.
 */
final class MemoryLimiterProcessor extends AbstractProcessor {

  private static final long MIB = 1024 * 1024;

  private final MemoryLimiterProcessorConfig config;
  private final Clock clock;
  private final Logger logger;
  private final LongSupplier usedHeap;
  private final LongSupplier heapWithGarbage;
  private final Runnable gc;
  private final long maxHeap;
  private final long hardLimit;
  private final long softLimit;
  private final String limitProblem;

  private final Attributes attributes;
  private final LongCounter accepted;
  private final LongCounter refused;
  private final LongCounter forcedGcs;

  private volatile boolean refusing;
  private volatile long lastUsed;
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong gcCount = new AtomicLong();
  private long lastGcMillis = Long.MIN_VALUE;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Thread checker;

  MemoryLimiterProcessor(
      ComponentSettings settings, MemoryLimiterProcessorConfig config, TracesConsumer next) {
    this(
        settings,
        config,
        next,
        LiveHeap.get(),
        LiveHeap.get()::withGarbage,
        Runtime.getRuntime().maxMemory(),
        System::gc);
  }

  /** As below, with one reading for both the live heap and the heap with its garbage. */
  MemoryLimiterProcessor(
      ComponentSettings settings,
      MemoryLimiterProcessorConfig config,
      TracesConsumer next,
      LongSupplier usedHeap,
      long maxHeap,
      Runnable gc) {
    this(settings, config, next, usedHeap, usedHeap, maxHeap, gc);
  }

  /**
   * @param usedHeap reads the live memory in use, in bytes
   * @param heapWithGarbage reads the memory in use including garbage not yet collected
   * @param maxHeap the largest heap the JVM may use ({@code Long.MAX_VALUE} when unbounded)
   * @param gc forces a garbage collection
   */
  MemoryLimiterProcessor(
      ComponentSettings settings,
      MemoryLimiterProcessorConfig config,
      TracesConsumer next,
      LongSupplier usedHeap,
      LongSupplier heapWithGarbage,
      long maxHeap,
      Runnable gc) {
    super(settings, next);
    this.config = config;
    this.clock = settings.clock();
    this.logger = settings.logger();
    this.usedHeap = usedHeap;
    this.heapWithGarbage = heapWithGarbage;
    this.gc = gc;
    this.maxHeap = maxHeap;
    if (config.limitMib() > 0) {
      hardLimit = config.limitMib() * MIB;
      long spike = config.spikeLimitMib() > 0 ? config.spikeLimitMib() * MIB : hardLimit / 5;
      softLimit = hardLimit - spike;
      limitProblem = null;
    } else if (maxHeap <= 0 || maxHeap == Long.MAX_VALUE) {
      hardLimit = Long.MAX_VALUE;
      softLimit = Long.MAX_VALUE;
      limitProblem =
          "limit_percentage ("
              + config.limitPercentage()
              + ") needs a bounded heap: start the JVM with -Xmx or use limit_mib";
    } else {
      hardLimit = maxHeap / 100 * config.limitPercentage();
      long spike =
          config.spikeLimitPercentage() > 0
              ? maxHeap / 100 * config.spikeLimitPercentage()
              : hardLimit / 5;
      softLimit = hardLimit - spike;
      limitProblem = null;
    }
    var telemetry = settings.telemetry();
    this.attributes = telemetry.attributes();
    this.accepted =
        telemetry.counter(
            "otelcol_processor_accepted_spans", "{spans}", "Spans passed on by the processor.");
    this.refused =
        telemetry.counter(
            "otelcol_processor_refused_spans",
            "{spans}",
            "Spans refused because the heap was above the soft limit.");
    this.forcedGcs =
        telemetry.counter(
            "otelcol_processor_memory_limiter_forced_gc",
            "{collections}",
            "Garbage collections forced because the heap was above a limit.");
  }

  @Override
  public void start() {
    if (limitProblem != null) {
      throw new IllegalStateException(limitProblem);
    }
    if (!started.compareAndSet(false, true) || stop.getCount() == 0) {
      return;
    }
    if (maxHeap != Long.MAX_VALUE && hardLimit > maxHeap) {
      logger.warn(
          "limit_mib ({}) is above the maximum heap ({} MiB): the JVM runs out of memory before"
              + " the limit is reached; raise -Xmx or lower limit_mib",
          config.limitMib(),
          maxHeap / MIB);
    }
    checkMemory();
    Thread t = settings().threadFactory().newThread(this::runChecks);
    checker = t;
    t.start();
    logger.info(
        "memory limiter started: hard limit {} MiB, soft limit {} MiB (of a {} MiB max heap),"
            + " checking every {} on thread {}",
        hardLimit / MIB,
        softLimit / MIB,
        maxHeap == Long.MAX_VALUE ? "unbounded" : maxHeap / MIB,
        Durations.format(config.checkInterval()),
        t.getName());
  }

  @Override
  protected void process(Traces traces) {
    if (refusing) {
      refused.add(traces.spanCount(), attributes);
      throw ConsumerException.retryable(
          "memory limit exceeded: heap in use "
              + lastUsed / MIB
              + " MiB is at or above the soft limit of "
              + softLimit / MIB
              + " MiB (hard limit "
              + hardLimit / MIB
              + " MiB)",
          config.checkInterval());
    }
    accepted.add(traces.spanCount(), attributes);
    forward(traces);
  }

  private void runChecks() {
    long intervalNanos = config.checkInterval().toNanos();
    try {
      while (!stop.await(intervalNanos, TimeUnit.NANOSECONDS)) {
        try {
          checkMemory();
        } catch (RuntimeException e) {
          logger.error("memory check failed", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Measures the heap, forces a garbage collection when a limit and its minimum interval call for
   * one (and measures again), and sets whether data is refused. Runs on the checker thread; tests
   * call it directly.
   */
  synchronized void checkMemory() {
    long used = usedHeap.getAsLong();
    // The live reading dates from the latest collection. When the heap, garbage included, has
    // reached the hard limit since then, live data may have too: a collection tells.
    boolean unknownAtHard = used < softLimit && heapWithGarbage.getAsLong() >= hardLimit;
    if (used >= softLimit || unknownAtHard) {
      long now = clock.millis();
      Duration minInterval =
          used >= hardLimit || unknownAtHard
              ? config.minGcIntervalWhenHardLimited()
              : config.minGcIntervalWhenSoftLimited();
      if (lastGcMillis == Long.MIN_VALUE || now - lastGcMillis >= minInterval.toMillis()) {
        gc.run();
        forcedGcs.add(1, attributes);
        gcCount.incrementAndGet();
        lastGcMillis = now;
        used = usedHeap.getAsLong();
      }
    }
    boolean refuse = used >= softLimit;
    if (refuse && !refusing) {
      logger.warn(
          "heap in use {} MiB is at or above the soft limit of {} MiB: refusing data until it"
              + " falls",
          used / MIB,
          softLimit / MIB);
    } else if (!refuse && refusing) {
      logger.info(
          "heap in use {} MiB is below the soft limit of {} MiB again: accepting data",
          used / MIB,
          softLimit / MIB);
    }
    lastUsed = used;
    refusing = refuse;
    checks.incrementAndGet();
  }

  @Override
  public void shutdown(Duration timeout) {
    stop.countDown();
    Thread t = checker;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(Math.max(1, timeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether data is being refused (for tests). */
  boolean refusing() {
    return refusing;
  }

  /** How many checks have completed (for tests that wait for the next one). */
  long checks() {
    return checks.get();
  }

  /** How many garbage collections were forced (for tests). */
  long forcedGcs() {
    return gcCount.get();
  }

  long hardLimitBytes() {
    return hardLimit;
  }

  long softLimitBytes() {
    return softLimit;
  }
}
