package io.raybridge.processor.probabilisticsampler;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.otlp.EncodedSpanFilter;
import io.raybridge.pipeline.processor.AbstractProcessor;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps or drops each span on its own, from its trace id (and tracestate), so that every span of a
 * trace and every instance reach the same verdict without coordination. Kept spans carry the
 * threshold in {@code tracestate} ({@code ot=th:...}). Stateless; batches are filtered on the
 * caller's thread, in their encoded form when they still hold the bytes a receiver got ({@link
 * EncodedSpanFilter}), otherwise as messages, with the same result.
 */
final class ProbabilisticSampler extends AbstractProcessor {

  static final String PRIORITY_ATTRIBUTE = "sampling.priority";

  private final SamplingDecider decider;
  private final boolean failClosed;
  private final RateLimitedLogger log;
  private final LongCounter sampledCounter;
  private final LongCounter errorCounter;
  private final Attributes sampledTrue;
  private final Attributes sampledFalse;

  ProbabilisticSampler(
      ComponentSettings settings, ProbabilisticSamplerConfig config, TracesConsumer next) {
    super(settings, next);
    this.decider = new SamplingDecider(config);
    this.failClosed = config.failClosed();
    this.log =
        new RateLimitedLogger(
            settings.logger(), RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    this.sampledCounter =
        settings
            .telemetry()
            .counter(
                "otelcol_processor_probabilistic_sampler_count_traces_sampled",
                "{spans}",
                "Spans the sampler kept (sampled=true) or dropped (sampled=false).");
    this.errorCounter =
        settings
            .telemetry()
            .counter(
                "otelcol_processor_probabilistic_sampler_sampling_errors",
                "{spans}",
                "Spans whose sampling information was missing or malformed.");
    this.sampledTrue = settings.telemetry().attributes("sampled", "true");
    this.sampledFalse = settings.telemetry().attributes("sampled", "false");
  }

  @Override
  protected void process(Traces traces) {
    Tally tally = new Tally();
    Traces out;
    if (traces.isEncoded()) {
      // The receiver's bytes: read each span's trace id, trace state and priority in place and
      // copy the kept spans, so the pipeline stays a pass-through.
      out =
          EncodedSpanFilter.filter(
              traces,
              span -> {
                String state =
                    decide(
                        span.traceId(),
                        span.traceState(),
                        priority(span.scalarAttribute(PRIORITY_ATTRIBUTE)),
                        tally);
                if (state == null) {
                  return false;
                }
                span.replaceTraceState(state);
                return true;
              });
    } else {
      out = filterMessages(traces, tally);
    }
    if (tally.kept > 0) {
      sampledCounter.add(tally.kept, sampledTrue);
    }
    if (tally.dropped > 0) {
      sampledCounter.add(tally.dropped, sampledFalse);
    }
    if (tally.errors > 0) {
      errorCounter.add(tally.errors, settings().telemetry().attributes());
      log.warn(
          "sampling-error",
          "{} span(s) had no usable sampling information and were {} (fail_closed={}): {}",
          tally.errors,
          failClosed ? "dropped" : "passed on",
          failClosed,
          tally.firstError);
    }
    forward(out);
  }

  /** What one batch's decisions came to. */
  private static final class Tally {
    long kept;
    long dropped;
    long errors;
    String firstError;
  }

  /**
   * Decides one span: null to drop it, else the trace state it is kept with ({@code traceState}
   * itself when unchanged).
   */
  private String decide(ByteString traceId, String traceState, Double priority, Tally tally) {
    SamplingDecider.Decision d = decider.decide(traceId, traceState, priority);
    SamplingDecider.Verdict verdict = d.verdict();
    if (verdict == SamplingDecider.Verdict.ERROR) {
      tally.errors++;
      if (tally.firstError == null) {
        tally.firstError = d.error();
      }
      verdict = failClosed ? SamplingDecider.Verdict.DROP : SamplingDecider.Verdict.KEEP;
    }
    if (verdict == SamplingDecider.Verdict.DROP) {
      tally.dropped++;
      return null;
    }
    tally.kept++;
    return d.traceState() != null ? d.traceState() : traceState;
  }

  /** The same filtering on decoded messages, for batches that are not held encoded. */
  private Traces filterMessages(Traces traces, Tally tally) {
    boolean changed = false;
    List<ResourceSpans> out = new ArrayList<>(traces.resourceSpans().size());
    for (ResourceSpans rs : traces.resourceSpans()) {
      boolean rsChanged = false;
      List<ScopeSpans> scopes = new ArrayList<>(rs.getScopeSpansCount());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        List<Span> spans = new ArrayList<>(ss.getSpansCount());
        boolean ssChanged = false;
        for (Span span : ss.getSpansList()) {
          String state = decide(span.getTraceId(), span.getTraceState(), priority(span), tally);
          if (state == null) {
            ssChanged = true;
          } else if (!state.equals(span.getTraceState())) {
            spans.add(span.toBuilder().setTraceState(state).build());
            ssChanged = true;
          } else {
            spans.add(span);
          }
        }
        if (!ssChanged) {
          scopes.add(ss);
        } else {
          rsChanged = true;
          if (!spans.isEmpty()) {
            scopes.add(ss.toBuilder().clearSpans().addAllSpans(spans).build());
          }
        }
      }
      if (!rsChanged) {
        out.add(rs);
      } else {
        changed = true;
        if (!scopes.isEmpty()) {
          out.add(rs.toBuilder().clearScopeSpans().addAllScopeSpans(scopes).build());
        }
      }
    }
    return changed ? Traces.of(out) : traces;
  }

  /** A {@code sampling.priority} value as a number, or null when it is not one. */
  private static Double priority(Object value) {
    if (value instanceof Long l) {
      return (double) l;
    }
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof String s) {
      return parse(s);
    }
    return null;
  }

  /** The span's {@code sampling.priority} as a number, or null when absent or not numeric. */
  private static Double priority(Span span) {
    for (KeyValue kv : span.getAttributesList()) {
      if (!kv.getKey().equals(PRIORITY_ATTRIBUTE)) {
        continue;
      }
      AnyValue v = kv.getValue();
      return switch (v.getValueCase()) {
        case INT_VALUE -> (double) v.getIntValue();
        case DOUBLE_VALUE -> v.getDoubleValue();
        case STRING_VALUE -> parse(v.getStringValue());
        default -> null;
      };
    }
    return null;
  }

  private static Double parse(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
