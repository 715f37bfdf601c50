package io.raybridge.xray.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated set of sampling rules in evaluation order: ascending priority, ties broken by rule
 * name, the default rule last. Rule names are unique and there is exactly one default rule.
 *
 * @param rules every rule, default last
 */
public record SamplingRules(List<SamplingRule> rules) {

  /** Orders rules as X-Ray evaluates them: by priority, then by name. */
  public static final Comparator<SamplingRule> EVALUATION_ORDER =
      Comparator.comparingInt(SamplingRule::priority).thenComparing(SamplingRule::ruleName);

  public SamplingRules {
    Objects.requireNonNull(rules, "rules");
    List<String> problems = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    SamplingRule defaultRule = null;
    List<SamplingRule> others = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      SamplingRule rule = Objects.requireNonNull(rules.get(i), "rule");
      Integer first = seen.putIfAbsent(rule.ruleName(), i);
      if (first != null) {
        problems.add(
            "rule name \""
                + rule.ruleName()
                + "\" is used by more than one rule ("
                + first
                + ", "
                + i
                + ")");
      } else if (rule.isDefault()) {
        defaultRule = rule;
      } else {
        others.add(rule);
      }
    }
    if (defaultRule == null && problems.isEmpty()) {
      problems.add("there is no default rule (named \"" + SamplingRule.DEFAULT_RULE_NAME + "\")");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSamplingRulesException(problems);
    }
    others.sort(EVALUATION_ORDER);
    others.add(defaultRule);
    rules = List.copyOf(others);
  }

  /** The given rules plus {@code defaultRule}. */
  public static SamplingRules of(List<SamplingRule> rules, SamplingRule defaultRule) {
    List<SamplingRule> all = new ArrayList<>(rules);
    all.add(defaultRule);
    return new SamplingRules(all);
  }

  /** The default rule. */
  public SamplingRule defaultRule() {
    return rules.get(rules.size() - 1);
  }

  /** The rule named {@code ruleName}, if any. */
  public Optional<SamplingRule> rule(String ruleName) {
    for (SamplingRule r : rules) {
      if (r.ruleName().equals(ruleName)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
