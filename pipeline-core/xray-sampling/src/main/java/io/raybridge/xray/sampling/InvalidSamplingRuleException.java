package io.raybridge.xray.sampling;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Thrown by {@link SamplingRule}'s constructor with every problem the rule has. */
public final class InvalidSamplingRuleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<RuleProblem> problems;

  public InvalidSamplingRuleException(String ruleName, List<RuleProblem> problems) {
    super(
        "invalid sampling rule "
            + (ruleName == null ? "(unnamed)" : "\"" + ruleName + "\"")
            + ": "
            + Objects.requireNonNull(problems, "problems").stream()
                .map(RuleProblem::toString)
                .collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in field order. */
  public List<RuleProblem> problems() {
    return problems;
  }
}
