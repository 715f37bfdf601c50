package io.raybridge.xray.sampling;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when a rule file or rule set cannot be used, with every problem found. Each problem is
 * rendered {@code path: message}, the path in the file's own key names ({@code rules[1].rate: must
 * be between 0 and 1, was 2.0}, {@code SamplingRuleRecords[0].SamplingRule.Priority: ...}).
 */
public final class InvalidSamplingRulesException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public InvalidSamplingRulesException(List<String> problems) {
    super(String.join("; ", Objects.requireNonNull(problems, "problems")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in document order. */
  public List<String> problems() {
    return problems;
  }
}
