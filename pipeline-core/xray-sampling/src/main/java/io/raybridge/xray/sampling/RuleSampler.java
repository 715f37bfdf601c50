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
  private final RuleMatcher matcher;
  private final Map<String, RuleState> states = new HashMap<>();

  private record RuleState(Reservoir reservoir, long threshold, RuleStatistics statistics) {}

  public RuleSampler(SamplingRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.matcher = new RuleMatcher(rules);
    for (SamplingRule r : rules.rules()) {
      states.put(
          r.ruleName(),
          new RuleState(
              new Reservoir(r.reservoirSize()),
              TraceIdThreshold.threshold(r.fixedRate()),
              new RuleStatistics()));
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
    return decide(matcher.match(request), randomness, epochMillis);
  }

  /** Decides with {@code rule}, which must be one of this sampler's rules. */
  public SamplingDecision decide(SamplingRule rule, long randomness, long epochMillis) {
    RuleState state = states.get(rule.ruleName());
    if (state == null) {
      throw new IllegalArgumentException("not a rule of this sampler: " + rule.ruleName());
    }
    SamplingDecision.Outcome outcome;
    if (state.reservoir().tryTake(epochMillis)) {
      outcome = SamplingDecision.Outcome.RESERVOIR;
    } else if (TraceIdThreshold.passes(randomness, state.threshold())) {
      outcome = SamplingDecision.Outcome.RATE;
    } else {
      outcome = SamplingDecision.Outcome.DROPPED;
    }
    state.statistics().record(outcome != SamplingDecision.Outcome.DROPPED, false);
    return new SamplingDecision(rule, outcome);
  }

  /** The statistics of the rule named {@code ruleName}, or null if there is no such rule. */
  public RuleStatistics statistics(String ruleName) {
    RuleState state = states.get(ruleName);
    return state == null ? null : state.statistics();
  }
}
