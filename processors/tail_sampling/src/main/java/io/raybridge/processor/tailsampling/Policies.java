package io.raybridge.processor.tailsampling;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Builds {@link Policy} evaluators from validated {@link PolicyConfig}s. */
final class Policies {

  private Policies() {}

  /** The evaluator of {@code config}, which {@link TailSamplingConfig} has validated. */
  static Policy create(PolicyConfig config) {
    return switch (config.type()) {
      case ALWAYS_SAMPLE -> (t, now) -> Decision.SAMPLED;
      case LATENCY -> latency(config.latency());
      case STATUS_CODE -> statusCode(config.statusCode());
      case STRING_ATTRIBUTE -> stringAttribute(config.stringAttribute());
      case NUMERIC_ATTRIBUTE -> numericAttribute(config.numericAttribute());
      case BOOLEAN_ATTRIBUTE -> booleanAttribute(config.booleanAttribute());
      case PROBABILISTIC -> probabilistic(config.probabilistic());
      case RATE_LIMITING -> new RateLimit(config.rateLimiting().spansPerSecond());
      case SPAN_COUNT -> spanCount(config.spanCount());
      case TRACE_STATE -> traceState(config.traceState());
      case AND -> and(config.and().andSubPolicy());
      case NOT -> not(create(config.not().notSubPolicy()));
      case DROP -> drop(config.drop().dropSubPolicy());
      case COMPOSITE -> new CompositePolicy(config.composite());
      case XRAY_RULE -> XRayRulePolicy.create(config.name(), config.xrayRule());
    };
  }

  static Policy latency(PolicyConfig.Latency c) {
    long lower = c.thresholdMs() * 1_000_000L;
    long upper = c.upperThresholdMs() * 1_000_000L;
    return (t, now) -> {
      long d = t.durationNanos();
      boolean hit = upper == 0 ? d >= lower : d > lower && d <= upper;
      return hit ? Decision.SAMPLED : Decision.NOT_SAMPLED;
    };
  }

  static Policy statusCode(PolicyConfig.StatusCode c) {
    // The wanted code numbers as bits; a number outside the enum (unrecognized) matches none.
    int wanted = 0;
    for (String s : c.statusCodes()) {
      wanted |= 1 << Status.StatusCode.valueOf("STATUS_CODE_" + s).getNumber();
    }
    int codes = wanted;
    return (t, now) ->
        t.anyStatusCode(code -> code >= 0 && code < 32 && (codes >>> code & 1) != 0)
            ? Decision.SAMPLED
            : Decision.NOT_SAMPLED;
  }

  static Policy stringAttribute(PolicyConfig.StringAttribute c) {
    Predicate<String> matches;
    if (c.enabledRegexMatching()) {
      List<Pattern> patterns = new ArrayList<>();
      for (String v : c.values()) {
        patterns.add(Pattern.compile(v));
      }
      // Like the Collector, a regex matches anywhere in the value (anchor it with ^...$).
      Predicate<String> any =
          value -> {
            for (Pattern p : patterns) {
              if (p.matcher(value).find()) {
                return true;
              }
            }
            return false;
          };
      matches = c.cacheMaxSize() > 0 ? new LruPredicate(any, c.cacheMaxSize()) : any;
    } else {
      Set<String> values = Set.copyOf(c.values());
      matches = values::contains;
    }
    String key = c.key();
    return attributePolicy(
        c.invertMatch(),
        attributes -> {
          AnyValue v = TraceData.attribute(attributes, key);
          return v != null
              && v.getValueCase() == AnyValue.ValueCase.STRING_VALUE
              && matches.test(v.getStringValue());
        });
  }

  static Policy numericAttribute(PolicyConfig.NumericAttribute c) {
    long min = c.minValue() == null ? Long.MIN_VALUE : c.minValue();
    long max = c.maxValue() == null ? Long.MAX_VALUE : c.maxValue();
    String key = c.key();
    return attributePolicy(
        c.invertMatch(),
        attributes -> {
          AnyValue v = TraceData.attribute(attributes, key);
          return v != null
              && v.getValueCase() == AnyValue.ValueCase.INT_VALUE
              && v.getIntValue() >= min
              && v.getIntValue() <= max;
        });
  }

  static Policy booleanAttribute(PolicyConfig.BooleanAttribute c) {
    String key = c.key();
    boolean wanted = c.value();
    return attributePolicy(
        c.invertMatch(),
        attributes -> {
          AnyValue v = TraceData.attribute(attributes, key);
          return v != null
              && v.getValueCase() == AnyValue.ValueCase.BOOL_VALUE
              && v.getBoolValue() == wanted;
        });
  }

  /**
   * Matches the resource's and every span's attributes. Without inversion a match samples; with
   * {@code invert_match} a match gives "inverted not sampled" and no match "inverted sampled", as
   * the Collector does.
   */
  private static Policy attributePolicy(boolean invert, Predicate<List<KeyValue>> test) {
    return (t, now) -> {
      boolean hit =
          t.anySpan((r, s) -> test.test(r.getAttributesList()) || test.test(s.getAttributesList()));
      if (invert) {
        return hit ? Decision.INVERTED_NOT_SAMPLED : Decision.INVERTED_SAMPLED;
      }
      return hit ? Decision.SAMPLED : Decision.NOT_SAMPLED;
    };
  }

  static Policy probabilistic(PolicyConfig.Probabilistic c) {
    double pct = c.samplingPercentage();
    byte[] salt = c.hashSalt().getBytes(StandardCharsets.UTF_8);
    long threshold = threshold(pct / 100);
    return (t, now) -> {
      if (pct >= 100) {
        return Decision.SAMPLED;
      }
      long h = fnv1a64(salt, t.traceId().toByteArray());
      return Long.compareUnsigned(h, threshold) < 0 ? Decision.SAMPLED : Decision.NOT_SAMPLED;
    };
  }

  /** {@code ratio * 2^64} as an unsigned 64-bit value. */
  static long threshold(double ratio) {
    double x = ratio * 0x1p64;
    if (x >= 0x1p63) {
      return (long) (x - 0x1p63) + Long.MIN_VALUE;
    }
    return (long) x;
  }

  /** FNV-1a, 64 bits, over {@code a} then {@code b}. */
  static long fnv1a64(byte[] a, byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : a) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    for (byte x : b) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  static Policy spanCount(PolicyConfig.SpanCount c) {
    int min = c.minSpans();
    int max = c.maxSpans();
    return (t, now) ->
        t.spanCount() >= min && (max == 0 || t.spanCount() <= max)
            ? Decision.SAMPLED
            : Decision.NOT_SAMPLED;
  }

  static Policy traceState(PolicyConfig.TraceState c) {
    String key = c.key();
    Set<String> values = Set.copyOf(c.values());
    return (t, now) ->
        t.anyTraceState(state -> traceStateHas(state, key, values))
            ? Decision.SAMPLED
            : Decision.NOT_SAMPLED;
  }

  /** Whether the W3C tracestate {@code state} has {@code key} with one of {@code values}. */
  static boolean traceStateHas(String state, String key, Set<String> values) {
    if (state.isEmpty()) {
      return false;
    }
    for (String member : state.split(",")) {
      int eq = member.indexOf('=');
      if (eq > 0 && member.substring(0, eq).strip().equals(key)) {
        return values.contains(member.substring(eq + 1).strip());
      }
    }
    return false;
  }

  static Policy and(List<PolicyConfig> subs) {
    List<Policy> policies = subs.stream().map(Policies::create).toList();
    return (t, now) -> {
      for (Policy p : policies) {
        if (!p.evaluate(t, now).samples()) {
          return Decision.NOT_SAMPLED;
        }
      }
      return Decision.SAMPLED;
    };
  }

  static Policy not(Policy sub) {
    return (t, now) -> sub.evaluate(t, now).samples() ? Decision.NOT_SAMPLED : Decision.SAMPLED;
  }

  /** Drops the trace when every sub-policy samples it; otherwise abstains (not sampled). */
  static Policy drop(List<PolicyConfig> subs) {
    Policy all = and(subs);
    return (t, now) ->
        all.evaluate(t, now) == Decision.SAMPLED ? Decision.DROPPED : Decision.NOT_SAMPLED;
  }

  /** A per-second span budget: a trace is sampled while its spans fit in the current second. */
  static final class RateLimit implements Policy {
    private final long spansPerSecond;
    private long second = Long.MIN_VALUE;
    private long spent;

    RateLimit(long spansPerSecond) {
      this.spansPerSecond = spansPerSecond;
    }

    @Override
    public synchronized Decision evaluate(TraceData t, long nowMillis) {
      return tryTake(t.spanCount(), nowMillis) ? Decision.SAMPLED : Decision.NOT_SAMPLED;
    }

    synchronized boolean tryTake(long spans, long nowMillis) {
      if (!fits(spans, nowMillis)) {
        return false;
      }
      spent += spans;
      return true;
    }

    /** Whether {@code spans} fit in what is left of the current second, spending nothing. */
    synchronized boolean fits(long spans, long nowMillis) {
      long s = Math.floorDiv(nowMillis, 1000L);
      if (s != second) {
        second = s;
        spent = 0;
      }
      return spent + spans <= spansPerSecond;
    }
  }

  /**
   * The Collector's composite policy: sub-policies in {@code policy_order}; the first that samples
   * owns the trace and keeps it if the trace's spans fit both its share of {@code
   * max_total_spans_per_second} (its {@code rate_allocation}, or whatever is left of the total when
   * it has none) and the total for the current second.
   */
  static final class CompositePolicy implements Policy {
    private final List<Policy> order = new ArrayList<>();
    private final List<RateLimit> budgets = new ArrayList<>();
    private final RateLimit total;

    CompositePolicy(PolicyConfig.Composite c) {
      long max = c.maxTotalSpansPerSecond();
      Map<String, Integer> percent = new HashMap<>();
      for (PolicyConfig.RateAllocation a : c.rateAllocation()) {
        percent.put(a.policy(), a.percent());
      }
      for (PolicyConfig sub : c.ordered()) {
        order.add(create(sub));
        Integer p = percent.get(sub.name());
        budgets.add(p == null ? null : new RateLimit(max * p / 100));
      }
      total = new RateLimit(max);
    }

    @Override
    public synchronized Decision evaluate(TraceData t, long nowMillis) {
      for (int i = 0; i < order.size(); i++) {
        if (!order.get(i).evaluate(t, nowMillis).samples()) {
          continue;
        }
        RateLimit own = budgets.get(i);
        // Check the sub-policy's own share before spending from the total.
        if (own != null && !own.fits(t.spanCount(), nowMillis)) {
          return Decision.NOT_SAMPLED;
        }
        if (!total.tryTake(t.spanCount(), nowMillis)) {
          return Decision.NOT_SAMPLED;
        }
        if (own != null) {
          own.tryTake(t.spanCount(), nowMillis);
        }
        return Decision.SAMPLED;
      }
      return Decision.NOT_SAMPLED;
    }
  }

  /** Remembers the last results of an expensive predicate (regex matching). */
  private static final class LruPredicate implements Predicate<String> {
    private final Predicate<String> delegate;
    private final Map<String, Boolean> cache;

    LruPredicate(Predicate<String> delegate, int size) {
      this.delegate = delegate;
      this.cache =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > size;
            }
          };
    }

    @Override
    public synchronized boolean test(String value) {
      Boolean cached = cache.get(value);
      if (cached == null) {
        cached = delegate.test(value);
        cache.put(value, cached);
      }
      return cached;
    }
  }
}
