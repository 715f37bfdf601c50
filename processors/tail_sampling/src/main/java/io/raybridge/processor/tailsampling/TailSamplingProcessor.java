package io.raybridge.processor.tailsampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Groups spans by trace, waits, then decides each trace whole with the policies; see the README.
 *
 * <p><b>Threading.</b> Ingesting threads append spans under one lock; one timer thread (from the
 * settings' thread factory) decides due traces, taking the lock once per trace so that ingestion
 * interleaves with decisions. When a limit is hit ({@code max_buffered_bytes}, {@code num_traces},
 * {@code max_trace_bytes}) the ingesting thread decides the oldest traces itself, under the lock,
 * so that no span of such a trace can slip between its removal and its cached decision. Kept traces
 * are forwarded outside the lock.
 *
 * <p><b>Errors.</b> Spans handed to {@code consume} are owned by the processor: a failure of the
 * next consumer while forwarding a decided trace is counted ({@code
 * otelcol_processor_tail_sampling_spans_lost}, {@code reason=downstream}) and logged at a limited
 * rate, never thrown back to a sender whose own spans were already buffered.
 */
final class TailSamplingProcessor extends AbstractProcessor {

  static final String POLICY_ATTRIBUTE = "sampling.policy";

  private static final int HEADER_INTERN_LIMIT = 4096;
  private static final int FORWARD_BATCH_SPANS = 8192;

  private final TailSamplingConfig config;
  private final Clock clock;
  private final PolicyEngine engine;
  private final List<KeyValue> policyAttributes;
  private final long waitMillis;
  private final long afterRootMillis;
  private final DecisionCache cache;
  private final RateLimitedLogger warn;

  private final ReentrantLock lock = new ReentrantLock();
  // Insertion order is first-arrival order: the head is the oldest trace.
  private final LinkedHashMap<TraceKey, PendingTrace> pending;
  private final ArrayDeque<PendingTrace> rootQueue = new ArrayDeque<>();
  private final Map<GroupHeader, GroupHeader> headers = new ConcurrentHashMap<>();
  private long bufferedBytes;
  private long bufferedSpans;
  private boolean stopped;

  private ScheduledThreadPoolExecutor timer;

  private final Attributes attributes;
  private final LongCounter decided;
  private final LongCounter lateSpans;
  private final LongCounter lost;
  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  /** Why a trace was decided. */
  enum Reason {
    DECISION_WAIT,
    ROOT_RECEIVED,
    MAX_TRACE_BYTES,
    MAX_BUFFERED_BYTES,
    NUM_TRACES,
    SHUTDOWN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  TailSamplingProcessor(
      ComponentSettings settings, TailSamplingConfig config, TracesConsumer next) {
    super(settings, next);
    this.config = config;
    this.clock = settings.clock();
    ComponentTelemetry telemetry = settings.telemetry();
    this.engine = new PolicyEngine(config.policies(), config.sampleOnFirstMatch(), telemetry);
    List<KeyValue> kvs = new ArrayList<>();
    for (String name : engine.names()) {
      kvs.add(
          KeyValue.newBuilder()
              .setKey(POLICY_ATTRIBUTE)
              .setValue(AnyValue.newBuilder().setStringValue(name))
              .build());
    }
    this.policyAttributes = List.copyOf(kvs);
    this.waitMillis = config.decisionWait().toMillis();
    this.afterRootMillis = config.decisionWaitAfterRootReceived().toMillis();
    int sampledSize = config.decisionCache().sampledCacheSize();
    int notSampledSize = config.decisionCache().nonSampledCacheSize();
    this.cache =
        new DecisionCache(
            sampledSize > 0 ? sampledSize : config.numTraces(),
            notSampledSize > 0 ? notSampledSize : config.numTraces());
    long expected =
        (long) config.expectedNewTracesPerSec() * Math.max(1, config.decisionWait().toSeconds());
    this.pending = new LinkedHashMap<>((int) Math.min(Math.max(16, expected), config.numTraces()));
    this.warn = new RateLimitedLogger(settings.logger(), RateLimitedLogger.DEFAULT_INTERVAL, clock);
    this.attributes = telemetry.attributes();
    this.decided =
        telemetry.counter(
            "otelcol_processor_tail_sampling_global_count_traces_sampled",
            "{traces}",
            "Traces decided, by outcome (sampled) and by what triggered the decision (reason).");
    this.lateSpans =
        telemetry.counter(
            "otelcol_processor_tail_sampling_late_spans",
            "{spans}",
            "Spans that arrived after their trace was decided and followed the cached decision.");
    this.lost =
        telemetry.counter(
            "otelcol_processor_tail_sampling_spans_lost",
            "{spans}",
            "Buffered spans that were not decided and forwarded (on_shutdown: drop, shutdown"
                + " timeout, or a failing next consumer).");
    gauges.add(
        telemetry
            .meter()
            .gaugeBuilder("otelcol_processor_tail_sampling_buffered_bytes")
            .ofLongs()
            .setUnit("By")
            .setDescription("Estimated heap held by buffered spans.")
            .buildWithCallback(m -> m.record(bufferedBytes(), attributes)));
    gauges.add(
        telemetry
            .meter()
            .gaugeBuilder("otelcol_processor_tail_sampling_buffered_spans")
            .ofLongs()
            .setUnit("{spans}")
            .setDescription("Spans waiting for their trace's decision.")
            .buildWithCallback(m -> m.record(bufferedSpans(), attributes)));
    gauges.add(
        telemetry
            .meter()
            .gaugeBuilder("otelcol_processor_tail_sampling_buffered_traces")
            .ofLongs()
            .setUnit("{traces}")
            .setDescription("Traces waiting for a decision.")
            .buildWithCallback(m -> m.record(pendingTraces(), attributes)));
  }

  @Override
  public void start() {
    lock.lock();
    try {
      if (stopped || timer != null) {
        return;
      }
      timer = new ScheduledThreadPoolExecutor(1, settings().threadFactory());
    } finally {
      lock.unlock();
    }
    long base = afterRootMillis > 0 ? Math.min(waitMillis, afterRootMillis) : waitMillis;
    long tick = Math.max(10, Math.min(1000, base / 10));
    timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    if (config.policies().isEmpty()) {
      settings().logger().warn("tail_sampling has no policies: every trace is kept");
    }
    settings()
        .logger()
        .info(
            "tail_sampling started: {} policies, decision_wait {}, max_buffered_bytes {}",
            config.policies().size(),
            config.decisionWait(),
            config.maxBufferedBytes());
  }

  private void tick() {
    try {
      decideDue();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log and keep ticking.
      warn.error("tick-failed", "tail_sampling decision round failed", e);
    }
  }

  @Override
  protected void process(Traces traces) {
    long now = clock.millis();
    List<ResourceSpans> out = new ArrayList<>();
    long lateKept = 0;
    long lateDropped = 0;
    lock.lock();
    try {
      if (stopped) {
        throw ConsumerException.retryable("tail_sampling " + settings().id() + " is shut down");
      }
      for (ResourceSpans rs : traces.resourceSpans()) {
        ResourceSpans.Builder lateResource = null;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          GroupHeader header = null;
          ScopeSpans.Builder lateScope = null;
          for (Span span : ss.getSpansList()) {
            TraceKey key = TraceKey.of(span.getTraceId());
            PendingTrace p = pending.get(key);
            if (p == null) {
              Integer cached = cache.get(key);
              if (cached != null) {
                if (cached == DecisionCache.NOT_SAMPLED) {
                  lateDropped++;
                } else {
                  if (lateScope == null) {
                    lateScope = ss.toBuilder().clearSpans();
                  }
                  lateScope.addSpans(withPolicy(span, cached));
                  lateKept++;
                }
                continue;
              }
              p = new PendingTrace(key, now);
              pending.put(key, p);
              bufferedBytes += p.heapBytes;
            }
            if (header == null) {
              header = intern(GroupHeader.of(rs, ss));
            }
            bufferedBytes += p.append(header, span);
            bufferedSpans++;
            if (p.rootArrivalMillis < 0 && span.getParentSpanId().isEmpty()) {
              p.rootArrivalMillis = now;
              if (afterRootMillis > 0) {
                rootQueue.add(p);
              }
            }
            if (p.heapBytes >= config.maxTraceBytes()) {
              decideLocked(p, Reason.MAX_TRACE_BYTES, now, out);
            }
            while (bufferedBytes > config.maxBufferedBytes() && !pending.isEmpty()) {
              decideLocked(eldest(), Reason.MAX_BUFFERED_BYTES, now, out);
            }
            while (pending.size() > config.numTraces()) {
              decideLocked(eldest(), Reason.NUM_TRACES, now, out);
            }
          }
          if (lateScope != null) {
            if (lateResource == null) {
              lateResource = rs.toBuilder().clearScopeSpans();
            }
            lateResource.addScopeSpans(lateScope);
          }
        }
        if (lateResource != null) {
          out.add(lateResource.build());
        }
      }
    } finally {
      lock.unlock();
    }
    if (lateKept > 0) {
      lateSpans.add(lateKept, attributes.toBuilder().put("decision", "sampled").build());
    }
    if (lateDropped > 0) {
      lateSpans.add(lateDropped, attributes.toBuilder().put("decision", "not_sampled").build());
    }
    forwardQuietly(out);
  }

  /**
   * Decides every trace that is due at the clock's current time and forwards the kept ones; the
   * timer thread calls this, and tests call it directly after moving a fake clock.
   *
   * @return the number of traces decided
   */
  int decideDue() {
    long now = clock.millis();
    List<ResourceSpans> out = new ArrayList<>();
    int spans = 0;
    int count = 0;
    while (true) {
      lock.lock();
      try {
        PendingTrace p = null;
        Reason reason = null;
        while (!rootQueue.isEmpty()) {
          PendingTrace r = rootQueue.peek();
          if (r.done) {
            rootQueue.poll();
          } else if (r.rootArrivalMillis + afterRootMillis <= now) {
            rootQueue.poll();
            p = r;
            reason = Reason.ROOT_RECEIVED;
            break;
          } else {
            break;
          }
        }
        if (p == null && !pending.isEmpty()) {
          PendingTrace oldest = eldest();
          if (oldest.firstArrivalMillis + waitMillis <= now) {
            p = oldest;
            reason = Reason.DECISION_WAIT;
          }
        }
        if (p == null) {
          break;
        }
        spans += p.spanCount;
        decideLocked(p, reason, now, out);
        count++;
      } finally {
        lock.unlock();
      }
      if (spans >= FORWARD_BATCH_SPANS) {
        forwardQuietly(out);
        out = new ArrayList<>();
        spans = 0;
      }
    }
    forwardQuietly(out);
    return count;
  }

  private PendingTrace eldest() {
    return pending.values().iterator().next();
  }

  /** Removes {@code p} from the buffer, decides it, caches the decision, adds kept spans to out. */
  private void decideLocked(PendingTrace p, Reason reason, long now, List<ResourceSpans> out) {
    pending.remove(p.key);
    bufferedBytes -= p.heapBytes;
    bufferedSpans -= p.spanCount;
    List<ResourceSpans> spans = p.resourceSpans();
    p.release();
    PolicyEngine.Outcome outcome = engine.decide(TraceData.of(spans), now);
    cache.put(p.key, outcome.policy());
    decided.add(
        1,
        attributes.toBuilder()
            .put("sampled", Boolean.toString(outcome.keep()))
            .put("reason", reason.label())
            .build());
    if (!outcome.keep()) {
      return;
    }
    for (ResourceSpans rs : spans) {
      out.add(outcome.policy() >= 0 ? withPolicy(rs, outcome.policy()) : rs);
    }
  }

  private ResourceSpans withPolicy(ResourceSpans rs, int policy) {
    ResourceSpans.Builder b = rs.toBuilder();
    for (ScopeSpans.Builder ss : b.getScopeSpansBuilderList()) {
      for (int i = 0; i < ss.getSpansCount(); i++) {
        ss.setSpans(i, withPolicy(ss.getSpans(i), policy));
      }
    }
    return b.build();
  }

  /** {@code span} with {@code sampling.policy} set to the policy's name (replacing any value). */
  private Span withPolicy(Span span, int policy) {
    if (policy < 0) {
      return span;
    }
    Span.Builder b = span.toBuilder();
    for (int i = b.getAttributesCount() - 1; i >= 0; i--) {
      if (b.getAttributes(i).getKey().equals(POLICY_ATTRIBUTE)) {
        b.removeAttributes(i);
      }
    }
    return b.addAttributes(policyAttributes.get(policy)).build();
  }

  private GroupHeader intern(GroupHeader h) {
    GroupHeader existing = headers.get(h);
    if (existing != null) {
      return existing;
    }
    if (headers.size() >= HEADER_INTERN_LIMIT) {
      // Many distinct resources: start over rather than grow; traces keep their own references.
      headers.clear();
    }
    GroupHeader raced = headers.putIfAbsent(h, h);
    return raced == null ? h : raced;
  }

  private void forwardQuietly(List<ResourceSpans> out) {
    if (out.isEmpty()) {
      return;
    }
    Traces traces = Traces.of(out);
    try {
      forward(traces);
    } catch (RuntimeException e) {
      lost.add(traces.spanCount(), attributes.toBuilder().put("reason", "downstream").build());
      warn.warn(
          "forward-failed",
          "tail_sampling could not forward {} kept spans; they are counted as lost",
          traces.spanCount(),
          e);
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    ScheduledThreadPoolExecutor t;
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      stopped = true;
      t = timer;
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (t != null) {
      // Let a decision round in progress finish and forward; no new round starts.
      t.shutdown();
      try {
        t.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long decidedTraces = 0;
    if (config.onShutdown() == TailSamplingConfig.OnShutdown.DECIDE) {
      decidedTraces = decideAll(deadline);
    }
    long leftSpans;
    long leftTraces;
    lock.lock();
    try {
      leftSpans = bufferedSpans;
      leftTraces = pending.size();
      for (PendingTrace p : pending.values()) {
        p.release();
      }
      pending.clear();
      rootQueue.clear();
      bufferedBytes = 0;
      bufferedSpans = 0;
    } finally {
      lock.unlock();
    }
    if (leftSpans > 0) {
      boolean dropped = config.onShutdown() == TailSamplingConfig.OnShutdown.DROP;
      lost.add(
          leftSpans,
          attributes.toBuilder().put("reason", dropped ? "on_shutdown_drop" : "timeout").build());
      settings()
          .logger()
          .warn(
              "tail_sampling shut down with {} spans of {} traces undecided ({})",
              leftSpans,
              leftTraces,
              dropped ? "on_shutdown: drop" : "shutdown timeout reached");
    }
    for (ObservableLongGauge g : gauges) {
      g.close();
    }
    settings().logger().info("tail_sampling stopped; decided {} traces on shutdown", decidedTraces);
  }

  /** Decides every buffered trace, oldest first, until done or {@code deadlineNanos}. */
  private long decideAll(long deadlineNanos) {
    long count = 0;
    List<ResourceSpans> out = new ArrayList<>();
    int spans = 0;
    while (System.nanoTime() - deadlineNanos < 0) {
      lock.lock();
      try {
        if (pending.isEmpty()) {
          break;
        }
        PendingTrace p = eldest();
        spans += p.spanCount;
        decideLocked(p, Reason.SHUTDOWN, clock.millis(), out);
        count++;
      } finally {
        lock.unlock();
      }
      if (spans >= FORWARD_BATCH_SPANS) {
        forwardQuietly(out);
        out = new ArrayList<>();
        spans = 0;
      }
    }
    forwardQuietly(out);
    return count;
  }

  long bufferedBytes() {
    lock.lock();
    try {
      return bufferedBytes;
    } finally {
      lock.unlock();
    }
  }

  long bufferedSpans() {
    lock.lock();
    try {
      return bufferedSpans;
    } finally {
      lock.unlock();
    }
  }

  int pendingTraces() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }
}
