package io.raybridge.xray.sampling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides requests with a rule set: the matching rule's per-second reservoir is spent first, then
 * its fixed rate is applied as a {@link TraceIdThreshold threshold on the trace id}, so that
 * rate-sampled decisions agree across instances (reservoir decisions are per instance by nature).
 * Counts {@link RuleStatistics} per rule.
 *
 * <p>Thread-safe. Time comes from the caller ({@code epochMillis}), so tests drive it with a fake
 * clock.
 */
public final class RuleSampler {

  private final SamplingRules rules;
  private final SamplingRule[] ordered;
  private final CompiledRule[] matchers;
  private final RuleState[] states;
  private final Map<String, Integer> index = new HashMap<>();

  /** Per rule: its reservoir, its rate as a threshold, its counts, and its three decisions. */
  private record RuleState(
      Reservoir reservoir,
      long threshold,
      RuleStatistics statistics,
      SamplingDecision byReservoir,
      SamplingDecision byRate,
      SamplingDecision dropped) {}

  public RuleSampler(SamplingRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.ordered = rules.rules().toArray(new SamplingRule[0]);
    this.matchers = RuleMatcher.compile(rules.rules());
    this.states = new RuleState[ordered.length];
    for (int i = 0; i < ordered.length; i++) {
      SamplingRule r = ordered[i];
      states[i] =
          new RuleState(
              new Reservoir(r.reservoirSize()),
              TraceIdThreshold.threshold(r.fixedRate()),
              new RuleStatistics(),
              new SamplingDecision(r, SamplingDecision.Outcome.RESERVOIR),
              new SamplingDecision(r, SamplingDecision.Outcome.RATE),
              new SamplingDecision(r, SamplingDecision.Outcome.DROPPED));
      index.put(r.ruleName(), i);
    }
  }

  /** The rules, in evaluation order. */
  public List<SamplingRule> rules() {
    return rules.rules();
  }

  /** The rule set. */
  public SamplingRules ruleSet() {
    return rules;
  }

  /** Matches {@code request} and decides it for the trace with 56-bit {@code randomness}. */
  public SamplingDecision decide(SamplingRequest request, long randomness, long epochMillis) {
    Objects.requireNonNull(request, "request");
    CompiledRule[] m = matchers;
    int last = m.length - 1;
    for (int i = 0; i < last; i++) {
      if (m[i].matches(request)) {
        return decide(states[i], randomness, epochMillis);
      }
    }
    return decide(states[last], randomness, epochMillis);
  }

  /** Decides with {@code rule}, which must be one of this sampler's rules. */
  public SamplingDecision decide(SamplingRule rule, long randomness, long epochMillis) {
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == rule) {
        return decide(states[i], randomness, epochMillis);
      }
    }
    Integer i = index.get(rule.ruleName());
    if (i == null) {
      throw new IllegalArgumentException("not a rule of this sampler: " + rule.ruleName());
    }
    return decide(states[i], randomness, epochMillis);
  }

  private static SamplingDecision decide(RuleState state, long randomness, long epochMillis) {
    SamplingDecision d;
    if (state.reservoir().tryTake(epochMillis)) {
      d = state.byReservoir();
    } else if (TraceIdThreshold.passes(randomness, state.threshold())) {
      d = state.byRate();
    } else {
      d = state.dropped();
    }
    state.statistics().record(d != state.dropped(), false);
    return d;
  }

  /** The statistics of the rule named {@code ruleName}, or null if there is no such rule. */
  public RuleStatistics statistics(String ruleName) {
    Integer i = index.get(ruleName);
    return i == null ? null : states[i].statistics();
  }
}
