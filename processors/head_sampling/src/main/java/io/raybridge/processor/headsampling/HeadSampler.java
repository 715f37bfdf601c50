package io.raybridge.processor.headsampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.xray.sampling.RuleSampler;
import io.raybridge.xray.sampling.SamplingDecision;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRules;
import io.raybridge.xray.sampling.SpanRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Decides each trace once, on its entry span (SERVER or CONSUMER kind, or no parent), with X-Ray
 * sampling rules, and applies the decision to every span of the trace:
 *
 * <ul>
 *   <li>spans of a decided trace follow the cached decision (a bounded LRU of trace ids);
 *   <li>spans of an undecided trace wait in a holding area until the entry span arrives, until
 *       {@code max_hold} has passed since the trace's first span (then the default rule decides),
 *       or until the area's byte budget forces the oldest waiting traces to be decided by the
 *       default rule;
 *   <li>kept spans get the attribute {@code sampling.rule} naming the rule that kept them.
 * </ul>
 *
 * <p><b>Threading.</b> {@code consume} runs on the caller's thread; the decision state is guarded
 * by one lock, and output is passed on outside it. One timer thread (from the settings' thread
 * factory) ends holds. Time comes from the settings' clock.
 */
final class HeadSampler extends AbstractProcessor {

  static final String RULE_ATTRIBUTE = "sampling.rule";

  /** The pseudo-rule name of decisions taken from an upstream sampler. */
  static final String PARENT_RULE = "parent";

  /** Per held span, beyond its encoded size: object headers, list slot, references. */
  static final int HELD_SPAN_OVERHEAD_BYTES = 96;

  private static final String PREFIX = "otelcol_processor_head_sampling_";

  private final RuleSampler sampler;
  private final SamplingRule defaultRule;
  private final boolean defaultOnly;
  private final Clock clock;
  private final long maxHoldMillis;
  private final long maxHoldBytes;
  private final boolean respectParent;
  private final Map<String, Verdict> keep = new HashMap<>();
  private final Map<String, Verdict> drop = new HashMap<>();

  private final LongCounter matched;
  private final LongCounter byReservoir;
  private final LongCounter byRate;
  private final LongCounter byParent;
  private final LongCounter dropped;
  private final LongCounter holdExpired;
  private final LongCounter holdEvicted;
  private final LongCounter refused;
  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  private final Object lock = new Object();
  private final LinkedHashMap<TraceKey, Verdict> decided;
  private final LinkedHashMap<TraceKey, Held> held = new LinkedHashMap<>();
  private final byte[] traceIdScratch = new byte[16];
  private long heldBytes;
  private long heldSpans;
  private ScheduledExecutorService timer;
  private boolean shutDown;

  /** A decision as applied to spans; one instance per rule and outcome. */
  private record Verdict(
      boolean keep, String rule, KeyValue attribute, Attributes metricAttributes) {}

  /** The spans of one undecided trace. */
  private static final class Held {
    final long firstSeenMillis;
    final List<HeldSpan> spans = new ArrayList<>(4);
    long bytes;

    Held(long firstSeenMillis) {
      this.firstSeenMillis = firstSeenMillis;
    }
  }

  /** A held span with its resource and scope (copies without their other spans). */
  private record HeldSpan(ResourceSpans resource, ScopeSpans scope, Span span) {}

  HeadSampler(
      ComponentSettings settings,
      HeadSamplingConfig config,
      SamplingRules rules,
      TracesConsumer next) {
    super(settings, next);
    this.sampler = new RuleSampler(rules);
    this.defaultRule = rules.defaultRule();
    this.defaultOnly = rules.rules().size() == 1;
    this.clock = settings.clock();
    this.maxHoldMillis = config.maxHold().toMillis();
    this.maxHoldBytes = config.maxHoldBytes();
    this.respectParent = config.respectParentDecision();
    int cacheSize = config.decisionCacheSize();
    this.decided =
        new LinkedHashMap<>(Math.min(cacheSize, 1 << 16), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<TraceKey, Verdict> eldest) {
            return size() > cacheSize;
          }
        };
    List<String> names = new ArrayList<>();
    rules.rules().forEach(r -> names.add(r.ruleName()));
    names.add(PARENT_RULE);
    for (String name : names) {
      KeyValue kv =
          KeyValue.newBuilder()
              .setKey(RULE_ATTRIBUTE)
              .setValue(AnyValue.newBuilder().setStringValue(name))
              .build();
      Attributes a = settings.telemetry().attributes("rule", name);
      keep.put(name, new Verdict(true, name, kv, a));
      drop.put(name, new Verdict(false, name, kv, a));
    }
    var t = settings.telemetry();
    matched = t.counter(PREFIX + "rule_matched_traces", "{traces}", "Traces decided by the rule.");
    byReservoir =
        t.counter(
            PREFIX + "rule_sampled_by_reservoir_traces",
            "{traces}",
            "Traces kept from the rule's per-second reservoir.");
    byRate =
        t.counter(
            PREFIX + "rule_sampled_by_rate_traces",
            "{traces}",
            "Traces kept by the rule's fixed rate.");
    byParent =
        t.counter(
            PREFIX + "rule_sampled_by_parent_traces",
            "{traces}",
            "Traces kept because an upstream sampler had kept them.");
    dropped = t.counter(PREFIX + "rule_dropped_traces", "{traces}", "Traces dropped by the rule.");
    holdExpired =
        t.counter(
            PREFIX + "hold_expired_traces",
            "{traces}",
            "Traces whose entry span did not arrive within max_hold, decided by the default rule.");
    holdEvicted =
        t.counter(
            PREFIX + "hold_evicted_traces",
            "{traces}",
            "Waiting traces decided early by the default rule to stay within max_hold_bytes.");
    refused =
        t.counter(
            PREFIX + "released_spans_refused",
            "{spans}",
            "Spans released from the holding area by the timer or at shutdown that the next"
                + " consumer refused (lost).");
    Attributes attrs = t.attributes();
    gauges.add(
        t.meter()
            .gaugeBuilder(PREFIX + "held_bytes")
            .ofLongs()
            .setUnit("By")
            .setDescription("Bytes of spans waiting for their trace's entry span.")
            .buildWithCallback(m -> m.record(heldBytes(), attrs)));
    gauges.add(
        t.meter()
            .gaugeBuilder(PREFIX + "held_spans")
            .ofLongs()
            .setUnit("{spans}")
            .setDescription("Spans waiting for their trace's entry span.")
            .buildWithCallback(m -> m.record(heldSpans(), attrs)));
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (shutDown || timer != null) {
        return;
      }
      timer = Executors.newSingleThreadScheduledExecutor(settings().threadFactory());
      long period = Math.max(10, Math.min(1000, maxHoldMillis / 4));
      timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected void process(Traces traces) {
    Output out = new Output();
    synchronized (lock) {
      long now = clock.millis();
      expireLocked(now, out);
      // Each span's key, read once for both passes.
      TraceKey[] keys = new TraceKey[traces.spanCount()];
      int k = 0;
      // Entry spans first, so that the other spans of their traces in this batch follow them.
      for (ResourceSpans rs : traces.resourceSpans()) {
        SpanRequests.ResourceFields resource = null;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            TraceKey key = TraceKey.of(span.getTraceId(), traceIdScratch);
            keys[k++] = key;
            if (key == null || !isEntry(span) || decided.containsKey(key)) {
              continue;
            }
            if (resource == null && !defaultOnly) {
              resource = EntryRequests.resourceFields(rs.getResource());
            }
            decideLocked(key, decideEntry(resource, span, key, now), out);
          }
        }
      }
      k = 0;
      for (ResourceSpans rs : traces.resourceSpans()) {
        ResourceSpans resourceCopy = null;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          ScopeSpans scopeCopy = null;
          for (Span span : ss.getSpansList()) {
            TraceKey key = keys[k++];
            if (key == null) {
              // Without a trace id there is no trace to keep whole: pass the span on untouched.
              out.add(rs, ss, span);
              continue;
            }
            Verdict v = decided.get(key);
            if (v != null) {
              if (v.keep()) {
                out.add(rs, ss, tag(span, v));
              }
              continue;
            }
            if (resourceCopy == null) {
              resourceCopy = rs.toBuilder().clearScopeSpans().build();
            }
            if (scopeCopy == null) {
              scopeCopy = ss.toBuilder().clearSpans().build();
            }
            holdLocked(key, new HeldSpan(resourceCopy, scopeCopy, span), now);
          }
        }
      }
      enforceBudgetLocked(now, out);
      if (shutDown) {
        // No timer ends holds any more: decide what is waiting now rather than keep it forever.
        releaseAllLocked(now, out);
      }
    }
    forward(out.build());
  }

  /** Ends the holds that have lasted {@code max_hold}; run by the timer, and by tests directly. */
  void tick() {
    Output out = new Output();
    synchronized (lock) {
      expireLocked(clock.millis(), out);
    }
    try {
      forward(out.build());
    } catch (RuntimeException e) {
      refused.add(out.spanCount(), settings().telemetry().attributes());
      settings()
          .logger()
          .warn(
              "Lost {} spans released from the holding area: the next consumer refused them",
              out.spanCount(),
              e);
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    Output out = new Output();
    synchronized (lock) {
      if (shutDown) {
        return;
      }
      shutDown = true;
      if (timer != null) {
        timer.shutdownNow();
      }
      releaseAllLocked(clock.millis(), out);
    }
    try {
      forward(out.build());
    } catch (RuntimeException e) {
      refused.add(out.spanCount(), settings().telemetry().attributes());
      settings()
          .logger()
          .warn(
              "Lost {} spans released from the holding area at shutdown: the next consumer refused"
                  + " them",
              out.spanCount(),
              e);
    }
    for (ObservableLongGauge g : gauges) {
      g.close();
    }
  }

  private long heldBytes() {
    synchronized (lock) {
      return heldBytes;
    }
  }

  private long heldSpans() {
    synchronized (lock) {
      return heldSpans;
    }
  }

  /** Waiting traces, for tests. */
  int heldTraceCount() {
    synchronized (lock) {
      return held.size();
    }
  }

  private static boolean isEntry(Span span) {
    return span.getParentSpanId().isEmpty()
        || span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
        || span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
  }

  private Verdict decideEntry(
      SpanRequests.ResourceFields resource, Span span, TraceKey key, long now) {
    if (respectParent && !span.getParentSpanId().isEmpty()) {
      Boolean upstream = ParentDecisions.of(span, key.randomness());
      if (upstream != null) {
        Verdict v = upstream ? keep.get(PARENT_RULE) : drop.get(PARENT_RULE);
        matched.add(1, v.metricAttributes());
        (upstream ? byParent : dropped).add(1, v.metricAttributes());
        return v;
      }
    }
    if (defaultOnly) {
      // The default rule matches every request: no need to read the span's attributes.
      return decideByDefault(key, now);
    }
    return record(sampler.decide(EntryRequests.from(resource, span), key.randomness(), now));
  }

  private Verdict decideByDefault(TraceKey key, long now) {
    return record(sampler.decide(defaultRule, key.randomness(), now));
  }

  private Verdict record(SamplingDecision d) {
    String name = d.rule().ruleName();
    Verdict v = d.sampled() ? keep.get(name) : drop.get(name);
    matched.add(1, v.metricAttributes());
    switch (d.outcome()) {
      case RESERVOIR -> byReservoir.add(1, v.metricAttributes());
      case RATE -> byRate.add(1, v.metricAttributes());
      case DROPPED -> dropped.add(1, v.metricAttributes());
    }
    return v;
  }

  private void decideLocked(TraceKey key, Verdict v, Output out) {
    decided.put(key, v);
    Held h = held.remove(key);
    if (h == null) {
      return;
    }
    heldBytes -= h.bytes;
    heldSpans -= h.spans.size();
    if (v.keep()) {
      for (HeldSpan hs : h.spans) {
        out.add(hs.resource(), hs.scope(), tag(hs.span(), v));
      }
    }
  }

  private void holdLocked(TraceKey key, HeldSpan span, long now) {
    Held h = held.get(key);
    if (h == null) {
      h = new Held(now);
      held.put(key, h);
    }
    long size = span.span().getSerializedSize() + HELD_SPAN_OVERHEAD_BYTES;
    h.spans.add(span);
    h.bytes += size;
    heldBytes += size;
    heldSpans++;
  }

  private void expireLocked(long now, Output out) {
    for (Iterator<Map.Entry<TraceKey, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<TraceKey, Held> e = it.next();
      if (now - e.getValue().firstSeenMillis < maxHoldMillis) {
        break;
      }
      holdExpired.add(1, settings().telemetry().attributes());
      TraceKey key = e.getKey();
      // decideLocked removes the entry; restart the iteration afterwards.
      decideLocked(key, decideByDefault(key, now), out);
      it = held.entrySet().iterator();
    }
  }

  private void releaseAllLocked(long now, Output out) {
    while (!held.isEmpty()) {
      TraceKey eldest = held.keySet().iterator().next();
      decideLocked(eldest, decideByDefault(eldest, now), out);
    }
  }

  private void enforceBudgetLocked(long now, Output out) {
    while (heldBytes > maxHoldBytes && !held.isEmpty()) {
      TraceKey eldest = held.keySet().iterator().next();
      holdEvicted.add(1, settings().telemetry().attributes());
      decideLocked(eldest, decideByDefault(eldest, now), out);
    }
  }

  private static Span tag(Span span, Verdict v) {
    Span.Builder b = span.toBuilder();
    List<KeyValue> attributes = span.getAttributesList();
    for (int i = 0; i < attributes.size(); i++) {
      if (attributes.get(i).getKey().equals(RULE_ATTRIBUTE)) {
        return b.setAttributes(i, v.attribute()).build();
      }
    }
    return b.addAttributes(v.attribute()).build();
  }

  /** Kept spans grouped by their resource and scope, in order of first appearance. */
  private static final class Output {
    private final Map<ResourceSpans, Map<ScopeSpans, List<Span>>> groups = new IdentityHashMap<>();
    private final List<ResourceSpans> order = new ArrayList<>();
    private final Map<ResourceSpans, List<ScopeSpans>> scopeOrder = new IdentityHashMap<>();
    private int spans;

    void add(ResourceSpans rs, ScopeSpans ss, Span span) {
      Map<ScopeSpans, List<Span>> scopes = groups.get(rs);
      if (scopes == null) {
        scopes = new IdentityHashMap<>();
        groups.put(rs, scopes);
        order.add(rs);
        scopeOrder.put(rs, new ArrayList<>());
      }
      List<Span> list = scopes.get(ss);
      if (list == null) {
        list = new ArrayList<>();
        scopes.put(ss, list);
        scopeOrder.get(rs).add(ss);
      }
      list.add(span);
      spans++;
    }

    int spanCount() {
      return spans;
    }

    Traces build() {
      if (spans == 0) {
        return Traces.empty();
      }
      List<ResourceSpans> out = new ArrayList<>(order.size());
      for (ResourceSpans rs : order) {
        ResourceSpans.Builder b = rs.toBuilder().clearScopeSpans();
        for (ScopeSpans ss : scopeOrder.get(rs)) {
          b.addScopeSpans(ss.toBuilder().clearSpans().addAllSpans(groups.get(rs).get(ss)));
        }
        out.add(b.build());
      }
      return Traces.of(out);
    }
  }
}
