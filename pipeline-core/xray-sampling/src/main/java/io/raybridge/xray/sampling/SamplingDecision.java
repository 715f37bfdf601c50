package io.raybridge.xray.sampling;

import java.util.Objects;

/**
 * What a rule decided for a request.
 *
 * @param rule the rule that matched
 * @param outcome whether and how the request was sampled
 */
public record SamplingDecision(SamplingRule rule, Outcome outcome) {

  /** How a matched request was decided. */
  public enum Outcome {
    /** Sampled from the rule's per-second reservoir. */
    RESERVOIR,
    /** Sampled by the rule's fixed rate. */
    RATE,
    /** Not sampled. */
    DROPPED
  }

  public SamplingDecision {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether the request is sampled. */
  public boolean sampled() {
    return outcome != Outcome.DROPPED;
  }
}
