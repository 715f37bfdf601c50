package io.raybridge.processor.tailsampling;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
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
import io.raybridge.pipeline.otlp.EncodedSpans;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p><b>Storage.</b> With {@code storage}, every span that enters the buffer is also staged in a
 * {@link TraceJournal} record under the lock (so the journal's order is the buffer's order) and
 * written to the file before {@code consume} returns; a trace's DECIDED record is written after its
 * kept spans were forwarded, so a crash in between forwards them again rather than losing them.
 * Compaction rewrites the buffer and the decision cache under the lock, and only when no decision
 * is between being made and being journaled ({@link #inFlight}).
 */
final class TailSamplingProcessor extends AbstractProcessor {

  static final String POLICY_ATTRIBUTE = "sampling.policy";

  /** The {@code key} field of a {@code KeyValue} that names {@link #POLICY_ATTRIBUTE}. */
  private static final byte[] POLICY_KEY_FIELD =
      KeyValue.newBuilder().setKey(POLICY_ATTRIBUTE).build().toByteArray();

  private static final int HEADER_INTERN_LIMIT = 4096;
  private static final int FORWARD_BATCH_SPANS = 8192;
  private static final long SYNC_INTERVAL_MILLIS = 1000;

  /**
   * The most free span arrays kept for reuse (an eighth of {@code max_buffered_bytes} when that is
   * less): what a decision round releases at well over 100k spans/s.
   */
  static final long SPAN_BYTES_POOL_MAX_BYTES = 16L << 20;

  private final TailSamplingConfig config;
  private final Clock clock;
  private final PolicyEngine engine;
  private final List<KeyValue> policyAttributes;

  /** Each of {@link #policyAttributes} encoded as a {@code Span.attributes} field. */
  private final byte[][] policyAttributeFields;

  private final long waitMillis;
  private final SpanBytesPool spanBytes;
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

  private final StorageConfig storage;
  // Set in start, read by the ingesting and timer threads after it: volatile for visibility.
  private volatile TraceJournal journal;
  // Decisions made but not yet journaled; compaction waits until there are none.
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongCounter storageCorrupt;
  private final LongCounter storageErrors;

  private final Attributes attributes;
  private final LongCounter decided;
  private final LongCounter lateSpans;
  private final LongCounter lost;
  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  /** A decision not yet journaled: the trace and its cache value. */
  private record Decided(TraceKey key, int decision) {}

  /** What a round produced: kept spans to forward and decisions to journal after that. */
  private static final class Batch {
    List<ResourceSpans> out = new ArrayList<>();
    List<ByteString> encoded = new ArrayList<>();
    List<Integer> encodedCounts = new ArrayList<>();
    List<Decided> decided = new ArrayList<>();
    int spans;

    /** The kept spans: those rebuilt, then those kept as bytes. */
    Traces traces() {
      int[] counts = new int[encodedCounts.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = encodedCounts.get(i);
      }
      return Traces.of(out).concat(Traces.ofEncoded(encoded, counts));
    }
  }

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
    byte[][] fields = new byte[kvs.size()][];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = spanField(Span.ATTRIBUTES_FIELD_NUMBER, kvs.get(i));
    }
    this.policyAttributeFields = fields;
    this.spanBytes =
        new SpanBytesPool(Math.min(config.maxBufferedBytes() / 8, SPAN_BYTES_POOL_MAX_BYTES));
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
    this.storage = config.storage();
    this.storageCorrupt =
        telemetry.counter(
            "otelcol_processor_tail_sampling_storage_corrupt_records",
            "{records}",
            "Damaged journal records (a torn tail after a crash, or corruption) skipped at start.");
    this.storageErrors =
        telemetry.counter(
            "otelcol_processor_tail_sampling_storage_errors",
            "{errors}",
            "Failed writes, syncs or compactions of the journal; the buffer carries on in memory.");
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
  public void start() throws IOException {
    Batch early = new Batch();
    lock.lock();
    try {
      if (stopped || timer != null) {
        return;
      }
      if (storage != null) {
        openStorage(early);
      }
      timer = new ScheduledThreadPoolExecutor(storage != null ? 2 : 1, settings().threadFactory());
    } finally {
      lock.unlock();
    }
    long base = afterRootMillis > 0 ? Math.min(waitMillis, afterRootMillis) : waitMillis;
    long tick = Math.max(10, Math.min(1000, base / 10));
    timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    if (storage != null) {
      timer.scheduleWithFixedDelay(
          this::syncStorage, SYNC_INTERVAL_MILLIS, SYNC_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }
    forwardQuietly(early);
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

  /**
   * Locks the storage directory and rebuilds the buffer and the decision cache from the journal
   * (traces keep their arrival times, so they are decided on the usual schedule, at once if
   * overdue), then compacts it. Traces beyond the limits are decided into {@code early}. Called
   * under the lock.
   */
  private void openStorage(Batch early) throws IOException {
    Path dir = storage.path().resolve(settings().id().toString().replace('/', '-'));
    List<PendingTrace> roots = new ArrayList<>();
    long[] decisions = new long[1];
    TraceJournal j =
        TraceJournal.open(
            dir,
            new TraceJournal.Replay() {
              @Override
              public void spans(
                  TraceKey key,
                  long arrivalMillis,
                  long rootArrivalMillis,
                  GroupHeader header,
                  int spanCount,
                  byte[] spans) {
                PendingTrace p = pending.get(key);
                if (p == null) {
                  p = new PendingTrace(key, arrivalMillis, spanBytes);
                  pending.put(key, p);
                  bufferedBytes += p.heapBytes;
                }
                if (p.rootArrivalMillis < 0 && rootArrivalMillis >= 0) {
                  p.rootArrivalMillis = rootArrivalMillis;
                  roots.add(p);
                }
                bufferedBytes += p.appendEncoded(intern(header), spans, spanCount);
                bufferedSpans += spanCount;
              }

              @Override
              public void decided(TraceKey key, int decision) {
                PendingTrace p = pending.remove(key);
                if (p != null) {
                  bufferedBytes -= p.heapBytes;
                  bufferedSpans -= p.spanCount;
                  p.release();
                }
                // The policies may have changed since: an unknown index still means kept.
                boolean known =
                    decision == DecisionCache.NOT_SAMPLED || decision < engine.names().size();
                cache.put(
                    key, known && decision >= DecisionCache.KEPT ? decision : DecisionCache.KEPT);
                decisions[0]++;
              }
            });
    journal = j;
    TraceJournal.Damage damage = j.damage();
    if (damage.corruptRecords() > 0) {
      storageCorrupt.add(damage.corruptRecords(), attributes);
      settings()
          .logger()
          .warn(
              "tail_sampling skipped {} damaged journal records ({} bytes) in {}",
              damage.corruptRecords(),
              damage.corruptBytes(),
              dir);
    }
    if (afterRootMillis > 0) {
      roots.removeIf(p -> p.done);
      roots.sort((a, b) -> Long.compare(a.rootArrivalMillis, b.rootArrivalMillis));
      rootQueue.addAll(roots);
    }
    settings()
        .logger()
        .info(
            "tail_sampling storage {}: recovered {} spans of {} undecided traces and {} decisions",
            dir,
            bufferedSpans,
            pending.size(),
            decisions[0]);
    compactLocked();
    long now = clock.millis();
    while (bufferedBytes > config.maxBufferedBytes() && !pending.isEmpty()) {
      decideLocked(eldest(), Reason.MAX_BUFFERED_BYTES, now, early);
    }
    while (pending.size() > config.numTraces()) {
      decideLocked(eldest(), Reason.NUM_TRACES, now, early);
    }
  }

  /** The storage thread: forces the journal to disk, and compacts it when it has grown. */
  void syncStorage() {
    TraceJournal j = journal;
    if (j == null) {
      return;
    }
    try {
      j.sync();
    } catch (IOException | RuntimeException e) {
      storageFailed("sync", e);
    }
    // Past half the bound, and mostly dead records: a live state near the bound alone must not
    // make every sync rewrite it.
    long size = j.size();
    if (size > storage.maxSizeBytes() / 2 && size >= 2 * j.compactedSize()) {
      lock.lock();
      try {
        if (!stopped) {
          compactLocked();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Rewrites the journal as the decision cache then the buffer; skipped (and retried by the next
   * sync) while a decision is not yet journaled, whose DECIDED record must not be lost. Called
   * under the lock.
   */
  private boolean compactLocked() {
    TraceJournal j = journal;
    if (j == null || inFlight.get() > 0) {
      return false;
    }
    try {
      j.compact(
          w -> {
            cache.forEach(w::decided);
            for (PendingTrace p : pending.values()) {
              for (int g = 0; g < p.groups(); g++) {
                // Span counts are per trace in memory: the first group carries the whole count.
                w.spans(
                    p.key,
                    p.firstArrivalMillis,
                    p.rootArrivalMillis,
                    p.header(g),
                    g == 0 ? p.spanCount : 0,
                    p.encoded(g),
                    0,
                    p.encodedLength(g));
              }
            }
          });
    } catch (IOException | RuntimeException e) {
      storageFailed("compact", e);
      return false;
    }
    if (j.size() > storage.maxSizeBytes()) {
      warn.warn(
          "storage-full",
          "tail_sampling journal holds {} bytes of live state, more than storage.max_size_mib {}",
          j.size(),
          storage.maxSizeMib());
    }
    return true;
  }

  private void storageFailed(String what, Exception e) {
    storageErrors.add(1, attributes.toBuilder().put("operation", what).build());
    warn.error("storage-" + what, "tail_sampling journal " + what + " failed", e);
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
    Intake in = new Intake(clock.millis(), journal);
    lock.lock();
    try {
      if (stopped) {
        throw ConsumerException.retryable("tail_sampling " + settings().id() + " is shut down");
      }
      if (traces.isEncoded()) {
        // Spans still held as the receiver's bytes are buffered as those bytes, never decoded.
        for (ByteString part : traces.encodedResourceSpans()) {
          EncodedSpans.walk(part.toByteArray(), in);
          in.endResource();
        }
      } else {
        for (ResourceSpans rs : traces.resourceSpans()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            in.beginScope(GroupHeader.of(rs, ss));
            for (Span span : ss.getSpansList()) {
              in.offer(
                  TraceKey.of(span.getTraceId()), span.getParentSpanId().isEmpty(), span, null);
            }
          }
          in.endResource();
        }
      }
    } finally {
      lock.unlock();
    }
    TraceJournal j = in.journal;
    if (j != null) {
      // Before consume returns: written to the OS, the spans survive the process being killed.
      try {
        j.flush();
      } catch (IOException | RuntimeException e) {
        storageFailed("write", e);
      }
    }
    if (in.lateKept > 0) {
      lateSpans.add(in.lateKept, attributes.toBuilder().put("decision", "sampled").build());
    }
    if (in.lateDropped > 0) {
      lateSpans.add(in.lateDropped, attributes.toBuilder().put("decision", "not_sampled").build());
    }
    forwardQuietly(in.batch);
  }

  /**
   * One {@link #process} call's spans, scope by scope, from messages or from encoded bytes: buffers
   * each span in its pending trace, passes on late spans of decided traces, and decides traces that
   * outgrow a limit. Used under the lock.
   */
  private final class Intake implements EncodedSpans.Visitor {
    final long now;
    final TraceJournal journal;
    final Batch batch = new Batch();
    long lateKept;
    long lateDropped;
    private byte[] resourceBytes;
    private GroupHeader header;
    private boolean interned;
    private ResourceSpans.Builder lateResource;
    private ScopeSpans.Builder lateScope;
    // Late spans of kept traces that arrived as bytes, for the current scope, by deciding policy:
    // each run held as a buffered trace holds a group, so it leaves as kept traces do.
    private Map<Integer, PendingTrace> lateRuns;
    // With storage: per trace touched, where this scope's spans start in its group, and how many
    // there are.
    private Map<PendingTrace, int[]> touched;

    Intake(long now, TraceJournal journal) {
      this.now = now;
      this.journal = journal;
    }

    @Override
    public void scope(byte[] resource, byte[] scope) {
      if (resourceBytes != null && resource != resourceBytes) {
        endResource();
      }
      resourceBytes = resource;
      beginScope(new GroupHeader(resource, scope));
    }

    @Override
    public void span(EncodedSpans.SpanBytes span) {
      offer(
          TraceKey.of(span.buffer(), span.traceIdStart(), span.traceIdLength()),
          !span.hasParent(),
          null,
          span);
    }

    void beginScope(GroupHeader h) {
      endScope();
      header = h;
      interned = false;
      touched = journal == null ? null : new LinkedHashMap<>();
    }

    /**
     * Takes one span: {@code span} where it arrived as a message, else {@code bytes} where it
     * arrived encoded.
     */
    void offer(TraceKey key, boolean root, Span span, EncodedSpans.SpanBytes bytes) {
      PendingTrace p = pending.get(key);
      if (p == null) {
        Integer cached = cache.get(key);
        if (cached != null) {
          if (cached == DecisionCache.NOT_SAMPLED) {
            lateDropped++;
          } else {
            if (span == null
                && (cached < 0
                    || PendingTrace.indexOf(
                            bytes.buffer(), bytes.fieldStart(), bytes.end(), POLICY_KEY_FIELD)
                        < 0)) {
              // As kept traces leave: the received bytes, the policy appended to the span.
              appendLate(bytes, cached);
            } else {
              if (lateScope == null) {
                lateScope = builderOf(header);
              }
              lateScope.addSpans(withPolicy(span != null ? span : bytes.decode(), cached));
            }
            lateKept++;
          }
          return;
        }
        p = new PendingTrace(key, now, spanBytes);
        pending.put(key, p);
        bufferedBytes += p.heapBytes;
      }
      if (!interned) {
        header = intern(header);
        interned = true;
      }
      if (touched != null) {
        int[] t = touched.get(p);
        if (t == null) {
          int g = p.groupOf(header);
          touched.put(p, new int[] {g < 0 ? 0 : p.encodedLength(g), 1});
        } else {
          t[1]++;
        }
      }
      bufferedBytes +=
          span != null
              ? p.append(header, span)
              : p.appendField(header, bytes.buffer(), bytes.fieldStart(), bytes.end());
      bufferedSpans++;
      if (p.rootArrivalMillis < 0 && root) {
        p.rootArrivalMillis = now;
        if (afterRootMillis > 0) {
          rootQueue.add(p);
        }
      }
      if (p.heapBytes >= config.maxTraceBytes()) {
        decideLocked(p, Reason.MAX_TRACE_BYTES, now, batch);
      }
      while (bufferedBytes > config.maxBufferedBytes() && !pending.isEmpty()) {
        decideLocked(eldest(), Reason.MAX_BUFFERED_BYTES, now, batch);
      }
      while (pending.size() > config.numTraces()) {
        decideLocked(eldest(), Reason.NUM_TRACES, now, batch);
      }
    }

    /** Adds a late span of a kept trace, as bytes, to this scope's run for its policy. */
    private void appendLate(EncodedSpans.SpanBytes bytes, int policy) {
      if (lateRuns == null) {
        lateRuns = new LinkedHashMap<>();
      }
      lateRuns
          .computeIfAbsent(policy, k -> new PendingTrace(null, now))
          .appendField(header, bytes.buffer(), bytes.fieldStart(), bytes.end());
    }

    private void endScope() {
      if (header == null) {
        return;
      }
      if (lateRuns != null) {
        lateRuns.forEach(
            (policy, run) -> {
              byte[] suffix = policy >= 0 ? policyAttributeFields[policy] : null;
              batch.encoded.add(UnsafeByteOperations.unsafeWrap(run.encodedGroup(0, suffix)));
              batch.encodedCounts.add(run.spanCount);
            });
        lateRuns = null;
      }
      if (touched != null && interned) {
        journalSpans(journal, header, touched);
      }
      if (lateScope != null) {
        if (lateResource == null) {
          lateResource = resourceBuilderOf(header);
        }
        lateResource.addScopeSpans(lateScope);
        lateScope = null;
      }
      header = null;
      touched = null;
    }

    void endResource() {
      endScope();
      if (lateResource != null) {
        batch.out.add(lateResource.build());
        lateResource = null;
      }
      resourceBytes = null;
    }
  }

  /** An empty {@code ScopeSpans} of the header's scope. */
  private static ScopeSpans.Builder builderOf(GroupHeader h) {
    try {
      return ScopeSpans.parseFrom(h.scope).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a group header does not parse", e);
    }
  }

  /** An empty {@code ResourceSpans} of the header's resource. */
  private static ResourceSpans.Builder resourceBuilderOf(GroupHeader h) {
    try {
      return ResourceSpans.parseFrom(h.resource).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a group header does not parse", e);
    }
  }

  /** Stages a SPANS record per trace that buffered spans of one scope. Called under the lock. */
  private void journalSpans(TraceJournal j, GroupHeader header, Map<PendingTrace, int[]> touched) {
    for (Map.Entry<PendingTrace, int[]> e : touched.entrySet()) {
      PendingTrace p = e.getKey();
      if (p.done) {
        // Decided within this batch: its DECIDED record follows the forward.
        continue;
      }
      int g = p.groupOf(header);
      int start = e.getValue()[0];
      j.spans(
          p.key,
          p.firstArrivalMillis,
          p.rootArrivalMillis,
          header,
          e.getValue()[1],
          p.encoded(g),
          start,
          p.encodedLength(g) - start);
    }
  }

  /**
   * Decides every trace that is due at the clock's current time and forwards the kept ones; the
   * timer thread calls this, and tests call it directly after moving a fake clock.
   *
   * @return the number of traces decided
   */
  int decideDue() {
    long now = clock.millis();
    Batch batch = new Batch();
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
        decideLocked(p, reason, now, batch);
        count++;
      } finally {
        lock.unlock();
      }
      if (batch.spans >= FORWARD_BATCH_SPANS) {
        forwardQuietly(batch);
        batch = new Batch();
      }
    }
    forwardQuietly(batch);
    return count;
  }

  private PendingTrace eldest() {
    return pending.values().iterator().next();
  }

  /**
   * Removes {@code p} from the buffer, decides it, caches the decision, adds kept spans and the
   * decision to {@code batch}.
   */
  private void decideLocked(PendingTrace p, Reason reason, long now, Batch batch) {
    List<ResourceSpans> out = batch.out;
    batch.spans += p.spanCount;
    pending.remove(p.key);
    bufferedBytes -= p.heapBytes;
    bufferedSpans -= p.spanCount;
    TraceData trace = TraceData.of(p);
    PolicyEngine.Outcome outcome = engine.decide(trace, now);
    cache.put(p.key, outcome.policy());
    if (journal != null) {
      inFlight.incrementAndGet();
      batch.decided.add(
          new Decided(p.key, outcome.keep() ? outcome.policy() : DecisionCache.NOT_SAMPLED));
    }
    decided.add(
        1,
        attributes.toBuilder()
            .put("sampled", Boolean.toString(outcome.keep()))
            .put("reason", reason.label())
            .build());
    if (outcome.keep()) {
      keep(p, trace, outcome.policy(), batch);
    }
    p.release();
  }

  /**
   * Adds the spans of a kept trace to {@code batch}, with {@code sampling.policy} set when a policy
   * decided. Kept as bytes, the policy attribute appended to each span's encoding, unless some span
   * may already carry one (it is replaced, which takes the decoded spans).
   */
  private void keep(PendingTrace p, TraceData trace, int policy, Batch batch) {
    if (policy >= 0 && p.mayContain(POLICY_KEY_FIELD)) {
      for (ResourceSpans rs : trace.resourceSpans()) {
        batch.out.add(withPolicy(rs, policy));
      }
      return;
    }
    byte[] suffix = policy >= 0 ? policyAttributeFields[policy] : null;
    for (int g = 0; g < p.groups(); g++) {
      batch.encoded.add(UnsafeByteOperations.unsafeWrap(p.encodedGroup(g, suffix)));
      batch.encodedCounts.add(p.spanCount(g));
    }
  }

  /** {@code message} encoded as field {@code number} of its parent, tag and length included. */
  private static byte[] spanField(int number, KeyValue message) {
    byte[] out = new byte[CodedOutputStream.computeMessageSize(number, message)];
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      o.writeMessage(number, message);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
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

  /** Forwards the batch's kept spans, then journals its decisions. */
  private void forwardQuietly(Batch batch) {
    forwardQuietly(batch.traces());
    if (batch.decided.isEmpty()) {
      return;
    }
    TraceJournal j = journal;
    if (j == null) {
      // Crashed or shut down meanwhile: nothing to journal into.
      inFlight.addAndGet(-batch.decided.size());
      return;
    }
    try {
      for (Decided d : batch.decided) {
        j.decided(d.key(), d.decision());
      }
      j.flush();
    } catch (IOException | RuntimeException e) {
      storageFailed("write", e);
    } finally {
      inFlight.addAndGet(-batch.decided.size());
    }
  }

  private void forwardQuietly(Traces traces) {
    if (traces.isEmpty()) {
      return;
    }
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
    TraceJournal j = journal;
    lock.lock();
    try {
      leftSpans = bufferedSpans;
      leftTraces = pending.size();
      if (j != null) {
        // What is left stays in the journal, decided after the next start; a clean shutdown
        // leaves only that and the decision cache.
        compactLocked();
      }
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
    if (j != null) {
      try {
        j.sync();
      } catch (IOException | RuntimeException e) {
        storageFailed("sync", e);
      }
      j.close();
      journal = null;
    }
    if (leftSpans > 0 && j != null) {
      settings()
          .logger()
          .info(
              "tail_sampling shut down with {} spans of {} traces undecided; they stay in storage"
                  + " and are decided after the next start",
              leftSpans,
              leftTraces);
    } else if (leftSpans > 0) {
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

  /**
   * Stops as a crash would: the timer is stopped and the journal closed without syncing or writing
   * anything more, so that a test can open the same directory again in this process.
   */
  void crash() {
    ScheduledThreadPoolExecutor t;
    lock.lock();
    try {
      stopped = true;
      t = timer;
      if (journal != null) {
        journal.close();
        journal = null;
      }
    } finally {
      lock.unlock();
    }
    if (t != null) {
      t.shutdownNow();
    }
    for (ObservableLongGauge g : gauges) {
      g.close();
    }
  }

  /** Decides every buffered trace, oldest first, until done or {@code deadlineNanos}. */
  private long decideAll(long deadlineNanos) {
    long count = 0;
    Batch batch = new Batch();
    while (System.nanoTime() - deadlineNanos < 0) {
      lock.lock();
      try {
        if (pending.isEmpty()) {
          break;
        }
        decideLocked(eldest(), Reason.SHUTDOWN, clock.millis(), batch);
        count++;
      } finally {
        lock.unlock();
      }
      if (batch.spans >= FORWARD_BATCH_SPANS) {
        forwardQuietly(batch);
        batch = new Batch();
      }
    }
    forwardQuietly(batch);
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
