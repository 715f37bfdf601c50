package io.raybridge.processor.batch;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.pipeline.util.Durations;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * The {@code batch} processor: buffers spans per combination of {@code metadata_keys} values and
 * sends them as batches bounded in spans and bytes.
 *
 * <p>A batch filled by {@code consume} is sent on the caller's thread, so that a slow downstream
 * slows the sender down. Batches whose oldest span reached {@code timeout} are sent by one timer
 * thread. A downstream failure cannot be returned to the callers whose data was in the batch (they
 * were answered already): a retryable one keeps the batch to be sent again and refuses new data
 * until a send succeeds, so senders back off; a permanent one is counted in {@code
 * otelcol_processor_batch_dropped_spans} and logged, rate-limited. Shutdown sends everything
 * buffered within its timeout and counts the rest.
 */
final class BatchProcessor extends AbstractProcessor {

  private static final List<Long> SEND_SIZE_BUCKETS =
      List.of(
          10L, 25L, 50L, 75L, 100L, 250L, 500L, 750L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L,
          7000L, 8000L, 9000L, 10000L, 20000L, 30000L, 50000L, 100000L);
  private static final List<Long> SEND_BYTES_BUCKETS =
      List.of(
          10L, 25L, 50L, 75L, 100L, 250L, 500L, 750L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L,
          7000L, 8000L, 9000L, 10000L, 20000L, 30000L, 50000L, 100000L, 200000L, 300000L, 400000L,
          500000L, 600000L, 700000L, 800000L, 900000L, 1000000L, 2000000L, 3000000L, 4000000L,
          5000000L, 6000000L, 7000000L, 8000000L, 9000000L);

  private enum Trigger {
    SIZE,
    TIMEOUT,
    SHUTDOWN
  }

  private final BatchProcessorConfig config;
  private final Clock clock;
  private final Logger logger;
  private final RateLimitedLogger rateLimited;
  private final long timeoutMillis;

  /** How long a batch the next consumer refused (retryable) waits before it is sent again. */
  static final long RETRY_DELAY_MILLIS = 1000;

  private final Map<List<String>, Batcher> batchers = new ConcurrentHashMap<>();
  private final Object batcherCreation = new Object();

  private final ReentrantLock timerLock = new ReentrantLock();
  private final Condition timerWakeup = timerLock.newCondition();
  private volatile boolean stopping;
  private volatile Thread timer;
  private final AtomicBoolean shutDown = new AtomicBoolean();

  private final Attributes attributes;
  private final LongHistogram sendSize;
  private final LongHistogram sendSizeBytes;
  private final LongCounter timeoutTriggers;
  private final LongCounter sizeTriggers;
  private final LongCounter dropped;
  private final LongCounter retried;
  private final LongCounter oversized;
  private final LongCounter cardinalityRefused;
  private final ObservableLongGauge cardinality;

  BatchProcessor(ComponentSettings settings, BatchProcessorConfig config, TracesConsumer next) {
    super(settings, next);
    this.config = config;
    this.clock = settings.clock();
    this.logger = settings.logger();
    this.rateLimited =
        new RateLimitedLogger(logger, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    // A positive timeout under a millisecond still means "wait", not "send immediately".
    this.timeoutMillis = config.timeout().isZero() ? 0 : Math.max(1, config.timeout().toMillis());
    var telemetry = settings.telemetry();
    var meter = telemetry.meter();
    this.attributes = telemetry.attributes();
    this.sendSize =
        meter
            .histogramBuilder("otelcol_processor_batch_batch_send_size")
            .setUnit("{spans}")
            .setDescription("Spans per batch sent.")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(SEND_SIZE_BUCKETS)
            .build();
    this.sendSizeBytes =
        meter
            .histogramBuilder("otelcol_processor_batch_batch_send_size_bytes")
            .setUnit("By")
            .setDescription("Bytes (OTLP encoding) per batch sent.")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(SEND_BYTES_BUCKETS)
            .build();
    this.timeoutTriggers =
        telemetry.counter(
            "otelcol_processor_batch_timeout_trigger_send",
            "{batches}",
            "Batches sent because their oldest span reached the timeout.");
    this.sizeTriggers =
        telemetry.counter(
            "otelcol_processor_batch_batch_size_trigger_send",
            "{batches}",
            "Batches sent because they reached send_batch_size or a size limit.");
    this.retried =
        telemetry.counter(
            "otelcol_processor_batch_retried_spans",
            "{spans}",
            "Spans the next consumer refused with a retryable error, held to be sent again.");
    this.dropped =
        telemetry.counter(
            "otelcol_processor_batch_dropped_spans",
            "{spans}",
            "Spans lost after they were accepted: the next consumer rejected their batch, or"
                + " shutdown ran out of time.");
    this.oversized =
        telemetry.counter(
            "otelcol_processor_batch_oversized_spans",
            "{spans}",
            "Spans sent alone because each one is larger than send_batch_max_size_bytes.");
    this.cardinalityRefused =
        telemetry.counter(
            "otelcol_processor_batch_metadata_cardinality_refused_spans",
            "{spans}",
            "Spans refused because their metadata_keys values would exceed"
                + " metadata_cardinality_limit.");
    this.cardinality =
        meter
            .gaugeBuilder("otelcol_processor_batch_metadata_cardinality")
            .ofLongs()
            .setUnit("{combinations}")
            .setDescription("Distinct combinations of metadata_keys values being batched.")
            .buildWithCallback(m -> m.record(batchers.size(), attributes));
  }

  @Override
  public void start() {
    if (timeoutMillis == 0 || timer != null || shutDown.get()) {
      return;
    }
    Thread t = settings().threadFactory().newThread(this::runTimer);
    timer = t;
    t.start();
    logger.info(
        "batch processor started: send_batch_size={}, send_batch_max_size={},"
            + " send_batch_max_size_bytes={}, timeout={}, timer thread {}",
        config.sendBatchSize(),
        config.sendBatchMaxSize(),
        config.sendBatchMaxSizeBytes(),
        Durations.format(config.timeout()),
        t.getName());
  }

  @Override
  protected void process(Traces traces) {
    if (traces.isEmpty()) {
      return;
    }
    if (config.metadataKeys().isEmpty()) {
      Batcher b = batcher(List.of());
      refuseWhileHolding(b, traces);
      add(b, traces);
      return;
    }
    Map<List<String>, Traces> parts = partition(traces);
    // Find every batcher before buffering anything, so that a refusal leaves nothing behind.
    List<Batcher> targets = new ArrayList<>(parts.size());
    for (List<String> key : parts.keySet()) {
      Batcher b = batcher(key);
      if (b == null) {
        cardinalityRefused.add(traces.spanCount(), attributes);
        rateLimited.warn(
            "metadata-cardinality",
            "refusing spans with metadata_keys {} = {}: metadata_cardinality_limit ({}) reached",
            config.metadataKeys(),
            key,
            config.metadataCardinalityLimit());
        throw ConsumerException.permanent(
            "batch processor: metadata_cardinality_limit ("
                + config.metadataCardinalityLimit()
                + ") reached; no new batch for metadata_keys "
                + config.metadataKeys()
                + " = "
                + key);
      }
      refuseWhileHolding(b, traces);
      targets.add(b);
    }
    int i = 0;
    for (Traces part : parts.values()) {
      add(targets.get(i++), part);
    }
  }

  /**
   * Refuses new data, with a retryable error, while the batcher holds a batch the next consumer
   * refused: senders back off and retry instead of the data piling up here or being dropped.
   */
  private void refuseWhileHolding(Batcher b, Traces traces) {
    if (b.refusing()) {
      throw ConsumerException.retryable(
          "batch processor: the next component refused the previous batch; holding "
              + b.pendingSpans()
              + " spans until it takes them, refusing "
              + traces.spanCount()
              + " more meanwhile");
    }
  }

  /** The batcher for {@code key}, created if the cardinality limit allows; null otherwise. */
  private Batcher batcher(List<String> key) {
    Batcher b = batchers.get(key);
    if (b != null) {
      return b;
    }
    synchronized (batcherCreation) {
      b = batchers.get(key);
      if (b == null) {
        if (!key.isEmpty() && batchers.size() >= config.metadataCardinalityLimit()) {
          return null;
        }
        b =
            new Batcher(
                config.sendBatchSize(),
                config.sendBatchMaxSize(),
                config.sendBatchMaxSizeBytes(),
                timeoutMillis);
        batchers.put(key, b);
      }
      return b;
    }
  }

  private void add(Batcher batcher, Traces traces) {
    Batcher.Drained drained = batcher.add(traces, clock.millis());
    if (drained.closed()) {
      // Shut down already: pass the data straight on rather than buffer it where nothing flushes.
      BatchSplitter splitter =
          new BatchSplitter(config.sendBatchMaxSize(), config.sendBatchMaxSizeBytes());
      List<Traces> batches = splitter.split(traces);
      countOversized(splitter.oversizedSpans());
      send(batches, Trigger.SHUTDOWN, null);
      return;
    }
    countOversized(drained.oversizedSpans());
    send(drained.batches(), Trigger.SIZE, batcher);
  }

  /**
   * Sends every batch whose oldest span has waited for the timeout; what the timer thread runs.
   *
   * @return when the next buffered batch reaches its timeout, {@code Long.MAX_VALUE} if none
   */
  long flushExpired() {
    long now = clock.millis();
    long next = Long.MAX_VALUE;
    for (Batcher b : batchers.values()) {
      Batcher.Drained drained = b.drainIfExpired(now);
      countOversized(drained.oversizedSpans());
      send(drained.batches(), Trigger.TIMEOUT, b);
      next = Math.min(next, b.deadlineMillis());
    }
    return next;
  }

  private void runTimer() {
    while (!stopping) {
      long waitMillis = timeoutMillis;
      try {
        long next = flushExpired();
        if (next != Long.MAX_VALUE) {
          waitMillis = Math.max(1, Math.min(timeoutMillis, next - clock.millis()));
        }
      } catch (RuntimeException e) {
        // Never let the timer die: buffered data would then wait for shutdown.
        rateLimited.error("timer-failure", "batch timer flush failed", e);
      }
      timerLock.lock();
      try {
        if (!stopping) {
          timerWakeup.await(waitMillis, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        timerLock.unlock();
      }
    }
  }

  /**
   * Sends {@code batches} in order. When the next consumer refuses one with a retryable error and
   * the timer runs, that batch and the ones after it go back into {@code from} to be retried after
   * {@link #RETRY_DELAY_MILLIS}, and new data is refused meanwhile; otherwise (permanent errors,
   * shutdown, no timer) a refused batch is dropped and counted.
   */
  private void send(List<Traces> batches, Trigger trigger, Batcher from) {
    for (int i = 0; i < batches.size(); i++) {
      Traces batch = batches.get(i);
      ConsumerException refusal = sendOne(batch, trigger);
      if (refusal == null) {
        if (from != null) {
          from.delivered();
        }
        continue;
      }
      if (refusal.isRetryable()
          && from != null
          && timer != null
          && from.putBack(
              batches.subList(i, batches.size()), clock.millis() + RETRY_DELAY_MILLIS)) {
        int held = 0;
        for (Traces t : batches.subList(i, batches.size())) {
          held += t.spanCount();
        }
        retried.add(held, attributes);
        rateLimited.warn(
            "downstream-retry",
            "next consumer refused a batch of {} spans (retryable); holding {} spans to retry"
                + " in {} ms and refusing new data meanwhile: {}",
            batch.spanCount(),
            held,
            RETRY_DELAY_MILLIS,
            refusal.getMessage());
        return;
      }
      drop(batch, refusal);
    }
  }

  /** Sends one batch; returns the next consumer's refusal, or null when it took the batch. */
  private ConsumerException sendOne(Traces batch, Trigger trigger) {
    switch (trigger) {
      case SIZE -> sizeTriggers.add(1, attributes);
      case TIMEOUT -> timeoutTriggers.add(1, attributes);
      case SHUTDOWN -> {}
    }
    sendSize.record(batch.spanCount(), attributes);
    sendSizeBytes.record(batch.estimatedSize(), attributes);
    try {
      forward(batch);
      return null;
    } catch (RuntimeException e) {
      return ConsumerException.from(e);
    }
  }

  private void drop(Traces batch, ConsumerException ce) {
    String reason = ce.isRetryable() ? "rejected_retryable" : "rejected_permanent";
    dropped.add(batch.spanCount(), attributes.toBuilder().put("reason", reason).build());
    rateLimited.warn(
        "downstream-" + reason,
        "next consumer rejected a batch of {} spans ({}); the spans are dropped: {}",
        batch.spanCount(),
        ce.isRetryable() ? "retryable" : "permanent",
        ce.getMessage());
  }

  private void countOversized(int spans) {
    if (spans > 0) {
      oversized.add(spans, attributes);
      rateLimited.warn(
          "oversized-span",
          "{} span(s) larger than send_batch_max_size_bytes ({}) each; sending them alone",
          spans,
          config.sendBatchMaxSizeBytes());
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    stopTimer(deadline);
    long unsent = 0;
    for (Batcher b : batchers.values()) {
      Batcher.Drained drained = b.close();
      countOversized(drained.oversizedSpans());
      for (Traces batch : drained.batches()) {
        if (System.nanoTime() - deadline < 0) {
          ConsumerException refusal = sendOne(batch, Trigger.SHUTDOWN);
          if (refusal != null) {
            drop(batch, refusal);
          }
        } else {
          unsent += batch.spanCount();
        }
      }
    }
    if (unsent > 0) {
      dropped.add(unsent, attributes.toBuilder().put("reason", "shutdown_timeout").build());
      logger.warn(
          "batch processor shutdown timed out after {}; dropped {} buffered spans",
          Durations.format(timeout),
          unsent);
    }
    try {
      cardinality.close();
    } catch (RuntimeException e) {
      logger.debug("closing the cardinality gauge failed", e);
    }
  }

  private void stopTimer(long deadline) {
    stopping = true;
    timerLock.lock();
    try {
      timerWakeup.signalAll();
    } finally {
      timerLock.unlock();
    }
    Thread t = timer;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      t.join(Math.max(1, remaining));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Groups resource spans by their {@code metadata_keys} values, keeping their order. */
  private Map<List<String>, Traces> partition(Traces traces) {
    Map<List<String>, List<ResourceSpans>> groups = new LinkedHashMap<>();
    for (ResourceSpans rs : traces.resourceSpans()) {
      groups.computeIfAbsent(metadataValues(rs), k -> new ArrayList<>()).add(rs);
    }
    Map<List<String>, Traces> out = new LinkedHashMap<>();
    if (groups.size() == 1) {
      out.put(groups.keySet().iterator().next(), traces);
      return out;
    }
    groups.forEach((k, v) -> out.put(k, Traces.of(v)));
    return out;
  }

  private List<String> metadataValues(ResourceSpans rs) {
    List<String> keys = config.metadataKeys();
    String[] values = new String[keys.size()];
    Arrays.fill(values, "");
    for (KeyValue kv : rs.getResource().getAttributesList()) {
      int i = keys.indexOf(kv.getKey());
      if (i >= 0) {
        values[i] = render(kv.getValue());
      }
    }
    return List.of(values);
  }

  private static String render(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString().strip();
    };
  }

  /** Spans buffered now, over every batcher (for tests). */
  int pendingSpans() {
    int n = 0;
    for (Batcher b : batchers.values()) {
      n += b.pendingSpans();
    }
    return n;
  }

  /** The timer thread, once started (for tests). */
  Thread timerThread() {
    return timer;
  }
}
