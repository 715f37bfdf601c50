package io.raybridge.processor.tailsampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentTelemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * Combines the policies' decisions as the Collector documents it: a {@code drop} decision (or a
 * deprecated "inverted not sampled") drops the trace; otherwise a "sampled" decision keeps it;
 * otherwise an "inverted sampled" decision keeps it when no policy said "not sampled"; otherwise it
 * is dropped.
 *
 * <p>{@code drop} policies run first, and when one drops the trace the others are not asked, so
 * that a rate limit does not spend its budget on a trace that is dropped anyway. With {@code
 * sample_on_first_match} evaluation stops at the first policy that samples. Without policies every
 * trace is kept.
 *
 * <p>Counts every evaluation in {@code otelcol_processor_tail_sampling_count_traces_sampled}
 * ({@code policy}, {@code decision}). Called under the processor's lock.
 */
final class PolicyEngine {

  /** The outcome for a trace: keep or not, and the index of the policy that kept it. */
  record Outcome(boolean keep, int policy) {
    static final Outcome DROP = new Outcome(false, DecisionCache.NOT_SAMPLED);
    static final Outcome KEEP = new Outcome(true, DecisionCache.KEPT);
  }

  private final List<String> names;
  private final List<Policy> policies;
  private final int[] order;
  private final int drops;
  private final boolean firstMatch;
  private final LongCounter counter;
  private final Attributes[][] attributes;

  PolicyEngine(List<PolicyConfig> configs, boolean firstMatch, ComponentTelemetry telemetry) {
    this.names = configs.stream().map(PolicyConfig::name).toList();
    List<Policy> built = new ArrayList<>();
    for (PolicyConfig c : configs) {
      built.add(Policies.create(c));
    }
    this.policies = List.copyOf(built);
    this.firstMatch = firstMatch;
    this.order = new int[configs.size()];
    int n = 0;
    for (int i = 0; i < configs.size(); i++) {
      if (configs.get(i).type() == PolicyConfig.PolicyType.DROP) {
        order[n++] = i;
      }
    }
    this.drops = n;
    for (int i = 0; i < configs.size(); i++) {
      if (configs.get(i).type() != PolicyConfig.PolicyType.DROP) {
        order[n++] = i;
      }
    }
    this.counter =
        telemetry.counter(
            "otelcol_processor_tail_sampling_count_traces_sampled",
            "{traces}",
            "Decisions of each policy, by policy and decision.");
    Decision[] decisions = Decision.values();
    this.attributes = new Attributes[names.size()][decisions.length];
    for (int i = 0; i < names.size(); i++) {
      for (Decision d : decisions) {
        attributes[i][d.ordinal()] =
            telemetry.attributes().toBuilder()
                .put("policy", names.get(i))
                .put("decision", d.label())
                .build();
      }
    }
  }

  /** The policy names, by index. */
  List<String> names() {
    return names;
  }

  Outcome decide(TraceData trace, long nowMillis) {
    if (policies.isEmpty()) {
      return Outcome.KEEP;
    }
    boolean notSampled = false;
    int sampled = -1;
    int invertedSampled = -1;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      Decision d = policies.get(i).evaluate(trace, nowMillis);
      counter.add(1, attributes[i][d.ordinal()]);
      switch (d) {
        case DROPPED, INVERTED_NOT_SAMPLED -> {
          return Outcome.DROP;
        }
        case SAMPLED -> {
          if (sampled < 0) {
            sampled = i;
          }
        }
        case INVERTED_SAMPLED -> {
          if (invertedSampled < 0) {
            invertedSampled = i;
          }
        }
        case NOT_SAMPLED -> notSampled = true;
      }
      if (firstMatch && sampled >= 0 && k >= drops) {
        break;
      }
    }
    if (sampled >= 0) {
      return new Outcome(true, sampled);
    }
    if (invertedSampled >= 0 && !notSampled) {
      return new Outcome(true, invertedSampled);
    }
    return Outcome.DROP;
  }
}
