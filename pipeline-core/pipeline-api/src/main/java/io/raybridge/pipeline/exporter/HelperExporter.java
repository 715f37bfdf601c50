package io.raybridge.pipeline.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.util.Durations;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** The exporter {@link ExporterHelper} builds: queue → retry → timeout → export function. */
final class HelperExporter implements Exporter {

  private enum State {
    CREATED,
    STARTED,
    DRAINING,
    STOPPED
  }

  private final ComponentSettings settings;
  private final ExportFunction export;
  private final Duration timeout;
  private final RetryConfig retry;
  private final QueueConfig queueConfig;
  private final SendingQueue queue;
  private final PersistentSendingQueue persistent;
  private final ExporterHelper.StartHook onStart;
  private final Consumer<Duration> onShutdown;
  private final Sleeper sleeper;
  private final boolean realTimeSleeper;
  private final Clock clock;
  private final Logger log;
  private final RateLimitedLogger rateLimited;
  private final Attributes attributes;
  private final LongCounter sentSpans;
  private final LongCounter sendFailedSpans;
  private final LongCounter enqueueFailedSpans;

  private final AtomicBoolean shutdownCalled = new AtomicBoolean();
  private final CountDownLatch shutdownSignal = new CountDownLatch(1);
  private final Object inFlightLock = new Object();
  private final AtomicLong undeliveredSpans = new AtomicLong();
  private final AtomicLong keptSpans = new AtomicLong();
  private final List<Thread> consumers = new ArrayList<>();
  private final List<ObservableLongGauge> gauges = new ArrayList<>();
  private volatile State state = State.CREATED;
  private volatile long drainDeadlineNanos;
  private volatile boolean abandon;
  private int inFlight;
  private long inFlightSpans;

  HelperExporter(ExporterHelper.Builder b) {
    this.settings = b.settings;
    this.export = b.export;
    this.timeout = b.timeout;
    this.retry = b.retry;
    this.queueConfig = b.queue;
    this.queue =
        !b.queue.enabled()
            ? null
            : b.sendingQueue != null
                ? b.sendingQueue
                : b.queue.storage() != null
                    ? new PersistentSendingQueue(b.queue, b.settings)
                    : new MemorySendingQueue(b.queue);
    this.persistent = queue instanceof PersistentSendingQueue p ? p : null;
    this.onStart = b.onStart;
    this.onShutdown = b.onShutdown;
    this.realTimeSleeper = b.sleeper == null;
    this.sleeper =
        b.sleeper != null
            ? b.sleeper
            : d -> shutdownSignal.await(d.toNanos(), TimeUnit.NANOSECONDS);
    this.clock = settings.clock();
    this.log = settings.logger();
    this.rateLimited =
        new RateLimitedLogger(log, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    this.attributes = settings.telemetry().attributes();
    this.sentSpans =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_sent_spans",
                "{spans}",
                "Spans successfully sent to the destination.");
    this.sendFailedSpans =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_send_failed_spans",
                "{spans}",
                "Spans the exporter failed to send to the destination.");
    this.enqueueFailedSpans =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_enqueue_failed_spans",
                "{spans}",
                "Spans refused because the sending queue was full.");
  }

  @Override
  public void start() throws Exception {
    if (state != State.CREATED) {
      throw new IllegalStateException("exporter " + settings.id() + " was already started");
    }
    if (persistent != null) {
      // First, so that a directory held by another process stops start-up before any connection.
      persistent.open();
    }
    try {
      onStart.start();
    } catch (Exception | Error e) {
      if (persistent != null) {
        persistent.closeStorage();
      }
      throw e;
    }
    if (queue != null) {
      var meter = settings.telemetry().meter();
      gauges.add(
          meter
              .gaugeBuilder("otelcol_exporter_queue_size")
              .ofLongs()
              .setUnit("{" + unitName() + "}")
              .setDescription("Current size of the sending queue.")
              .buildWithCallback(m -> m.record(queue.size(), attributes)));
      gauges.add(
          meter
              .gaugeBuilder("otelcol_exporter_queue_capacity")
              .ofLongs()
              .setUnit("{" + unitName() + "}")
              .setDescription("Capacity of the sending queue.")
              .buildWithCallback(m -> m.record(queue.capacity(), attributes)));
      for (int i = 0; i < queueConfig.numConsumers(); i++) {
        Thread t = settings.threadFactory().newThread(this::consumeQueue);
        consumers.add(t);
        t.start();
      }
    }
    synchronized (inFlightLock) {
      if (state == State.CREATED) {
        state = State.STARTED;
      }
    }
  }

  private String unitName() {
    return queueConfig.sizer() == QueueSizer.REQUESTS ? "batches" : "spans";
  }

  @Override
  public void consume(Traces traces) {
    if (traces.isEmpty()) {
      return;
    }
    if (queue == null) {
      enterInFlight(traces);
      try {
        send(traces, false);
      } finally {
        exitInFlight(traces);
      }
      return;
    }
    checkAccepting();
    boolean queued;
    try {
      Duration wait =
          queueConfig.blockOnOverflow()
              ? (timeout.isZero() ? ExporterHelper.DEFAULT_TIMEOUT : timeout)
              : Duration.ZERO;
      queued = queue.offer(traces, wait);
    } catch (ConsumerException e) {
      // The queue's storage failed (disk full, say): refused like a full queue, with its reason.
      enqueueFailedSpans.add(traces.spanCount(), attributes);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConsumerException.retryable("interrupted while waiting for room in the sending queue");
    }
    if (!queued) {
      checkAccepting();
      enqueueFailedSpans.add(traces.spanCount(), attributes);
      rateLimited.warn(
          "queue-full",
          "Sending queue of exporter {} is full ({} {}); refusing {} spans",
          settings.id(),
          queue.capacity(),
          unitName(),
          traces.spanCount());
      throw ConsumerException.retryable("sending queue is full");
    }
  }

  private void checkAccepting() {
    State s = state;
    if (s == State.CREATED) {
      throw ConsumerException.retryable("exporter " + settings.id() + " is not started");
    }
    if (s != State.STARTED) {
      throw ConsumerException.retryable("exporter is shutting down");
    }
  }

  private void enterInFlight(Traces traces) {
    synchronized (inFlightLock) {
      checkAccepting();
      inFlight++;
      inFlightSpans += traces.spanCount();
    }
  }

  private void exitInFlight(Traces traces) {
    synchronized (inFlightLock) {
      inFlight--;
      inFlightSpans -= traces.spanCount();
      if (inFlight == 0) {
        inFlightLock.notifyAll();
      }
    }
  }

  /** The body of each consumer thread: export until the queue is closed and empty. */
  private void consumeQueue() {
    while (true) {
      SendingQueue.Entry entry;
      try {
        entry = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (entry == null) {
        return;
      }
      Traces traces = entry.traces();
      if (abandon) {
        // Shutdown ran out of time: count instead of starting an export nobody waits for; a
        // persistent queue keeps the batch for the next start instead.
        if (entry instanceof PersistentSendingQueue.PersistentEntry p) {
          p.keep();
          keptSpans.addAndGet(traces.spanCount());
        } else {
          undelivered(traces);
        }
        continue;
      }
      enterInFlightUnchecked(traces);
      boolean keep = false;
      try {
        send(traces, true);
      } catch (ConsumerException e) {
        // Counted and logged by send; the caller who queued it is long gone.
        keep = keepOnDisk(e);
      } finally {
        exitInFlight(traces);
        if (keep && entry instanceof PersistentSendingQueue.PersistentEntry p) {
          p.keep();
          keptSpans.addAndGet(traces.spanCount());
        } else {
          entry.done();
        }
      }
    }
  }

  /**
   * Whether a queued batch that failed stays in the persistent queue: only when it could still be
   * delivered but the exporter is shutting down, so that the next start sends it. After retries are
   * exhausted or a permanent failure it is given up, as in memory.
   */
  private boolean keepOnDisk(ConsumerException failure) {
    return persistent != null && failure.isRetryable() && state != State.STARTED;
  }

  private void enterInFlightUnchecked(Traces traces) {
    synchronized (inFlightLock) {
      inFlight++;
      inFlightSpans += traces.spanCount();
    }
  }

  /**
   * Retry and timeout around the export function; counts the outcome and throws the final failure.
   */
  private void send(Traces traces, boolean queued) {
    try {
      sendWithRetry(traces);
      sentSpans.add(traces.spanCount(), attributes);
    } catch (ConsumerException e) {
      if (queued && keepOnDisk(e)) {
        throw e;
      }
      sendFailedSpans.add(traces.spanCount(), attributes);
      if (queued && state != State.STARTED) {
        // Summarised once at the end of shutdown instead of logged here.
        undeliveredSpans.addAndGet(traces.spanCount());
      } else if (queued) {
        rateLimited.warn(
            e.isRetryable() ? "gave-up" : "permanent",
            "Exporter {} dropped {} spans: {}",
            settings.id(),
            traces.spanCount(),
            e.isRetryable() ? "retries exhausted" : "rejected by the destination",
            e);
      } else {
        rateLimited.warn(
            e.isRetryable() ? "gave-up" : "permanent",
            "Exporter {} failed to send {} spans: {}",
            settings.id(),
            traces.spanCount(),
            e.getMessage());
      }
      throw e;
    }
  }

  private void sendWithRetry(Traces traces) {
    Instant start = clock.instant();
    Duration interval = retry.initialInterval();
    int attempt = 0;
    while (true) {
      attempt++;
      ConsumerException failure;
      try {
        export.export(traces, attemptTimeout());
        return;
      } catch (ConsumerException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = ConsumerException.from(e);
      }
      if (!retry.enabled() || failure.isPermanent()) {
        throw failure;
      }
      Duration backoff = jitter(interval);
      if (failure.retryAfter().isPresent() && failure.retryAfter().get().compareTo(backoff) > 0) {
        backoff = failure.retryAfter().get();
      }
      interval = grow(interval);
      if (retry.hasMaxElapsedTime()) {
        Duration elapsed = Duration.between(start, clock.instant());
        if (elapsed.plus(backoff).compareTo(retry.maxElapsedTime()) > 0) {
          log.debug(
              "Exporter {} gives up on {} spans after {} attempts over {}",
              settings.id(),
              traces.spanCount(),
              attempt,
              Durations.format(elapsed));
          throw failure;
        }
      }
      if (!backOff(backoff)) {
        throw failure;
      }
      log.debug(
          "Exporter {} retrying {} spans (attempt {}) after: {}",
          settings.id(),
          traces.spanCount(),
          attempt + 1,
          failure.getMessage());
    }
  }

  private Duration attemptTimeout() {
    if (state == State.STARTED || state == State.CREATED) {
      return timeout;
    }
    // Draining: an attempt must not outlive the shutdown deadline.
    long left = Math.max(1_000_000, drainDeadlineNanos - System.nanoTime());
    Duration untilDeadline = Duration.ofNanos(left);
    return timeout.isZero() || untilDeadline.compareTo(timeout) < 0 ? untilDeadline : timeout;
  }

  private Duration jitter(Duration interval) {
    double factor = retry.randomizationFactor();
    if (factor == 0) {
      return interval;
    }
    double r = ThreadLocalRandom.current().nextDouble(-factor, factor);
    return Duration.ofNanos((long) (interval.toNanos() * (1 + r)));
  }

  private Duration grow(Duration interval) {
    double next = interval.toNanos() * retry.multiplier();
    long max = retry.maxInterval().toNanos();
    return next >= max ? retry.maxInterval() : Duration.ofNanos((long) next);
  }

  /** Waits {@code d} before the next attempt; false to give up because shutdown cannot wait. */
  private boolean backOff(Duration d) {
    long wakeAt = System.nanoTime() + d.toNanos();
    if (state != State.STARTED && wakeAt - drainDeadlineNanos > 0) {
      return false;
    }
    try {
      sleeper.sleep(d);
      if (realTimeSleeper && wakeAt - System.nanoTime() > 0) {
        // Woken early because shutdown began: finish the wait only if it ends before the deadline.
        if (wakeAt - drainDeadlineNanos > 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, wakeAt - System.nanoTime()));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void undelivered(Traces traces) {
    sendFailedSpans.add(traces.spanCount(), attributes);
    undeliveredSpans.addAndGet(traces.spanCount());
  }

  @Override
  public void shutdown(Duration shutdownTimeout) {
    if (!shutdownCalled.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + Math.max(0, shutdownTimeout.toNanos());
    drainDeadlineNanos = deadline;
    synchronized (inFlightLock) {
      state = State.DRAINING;
    }
    shutdownSignal.countDown();
    long stillInFlight = 0;
    if (queue != null) {
      queue.close();
      joinConsumers(deadline);
      abandon = true;
      if (persistent != null) {
        // Nothing is lost: what is queued or still being exported stays on disk for the next start.
        long[] kept = persistent.queuedBatchesAndSpans();
        long exporting;
        synchronized (inFlightLock) {
          exporting = inFlightSpans;
        }
        persistent.closeStorage();
        long total = kept[1] + keptSpans.get() + exporting;
        if (total > 0) {
          log.info(
              "Exporter {} keeps {} spans in its persistent queue at {} for the next start{}",
              settings.id(),
              total,
              persistent.directory(),
              exporting > 0 ? " (" + exporting + " of them still being exported)" : "");
        }
      } else {
        for (SendingQueue.Entry e = queue.poll(); e != null; e = queue.poll()) {
          undelivered(e.traces());
        }
        synchronized (inFlightLock) {
          stillInFlight = inFlightSpans;
        }
      }
    } else {
      awaitNoneInFlight(deadline);
    }
    for (ObservableLongGauge g : gauges) {
      g.close();
    }
    long lost = undeliveredSpans.get();
    if (lost > 0 || stillInFlight > 0) {
      log.warn(
          "Exporter {} could not deliver {} spans within the shutdown timeout of {}{}",
          settings.id(),
          lost + stillInFlight,
          Durations.format(shutdownTimeout),
          stillInFlight > 0 ? " (" + stillInFlight + " of them still being exported)" : "");
    }
    try {
      onShutdown.accept(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (RuntimeException e) {
      log.warn("Exporter {} failed to shut down cleanly", settings.id(), e);
    }
    state = State.STOPPED;
  }

  private void joinConsumers(long deadline) {
    try {
      for (Thread t : consumers) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitNoneInFlight(long deadline) {
    synchronized (inFlightLock) {
      try {
        while (inFlight > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return;
          }
          TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "Exporter{" + settings.id() + "}";
  }
}
