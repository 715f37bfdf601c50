package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplingRuleTest {

  @Test
  void reportsEveryProblemOfARuleAtOnce() {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      attributes.put("k" + i, "v");
    }
    assertThatThrownBy(
            () ->
                new SamplingRule(
                    "a-name-that-is-longer-than-32-characters",
                    0,
                    1.5,
                    -1,
                    null,
                    "*",
                    "*",
                    "PROPFINDXXX",
                    "*",
                    "*",
                    attributes,
                    2))
        .isInstanceOfSatisfying(
            InvalidSamplingRuleException.class,
            e ->
                assertThat(e.problems())
                    .extracting(RuleProblem::toString)
                    .containsExactly(
                        "RuleName must be 1 to 32 characters long, was"
                            + " \"a-name-that-is-longer-than-32-characters\"",
                        "Priority must be between 1 and 9999, was 0",
                        "FixedRate must be between 0 and 1, was 1.5",
                        "ReservoirSize must be >= 0, was -1",
                        "ServiceName is required",
                        "HTTPMethod must be at most 10 characters long, was \"PROPFINDXXX\"",
                        "Attributes must have at most 5 entries, had 6",
                        "Version must be 1, was 2"));
  }

  @Test
  void defaultRuleMustHavePriority10000() {
    assertThatThrownBy(() -> SamplingRule.matchAll("Default", 5, 0.1, 1))
        .hasMessage(
            "invalid sampling rule \"Default\": Priority of the default rule must be 10000, was 5");
    assertThat(SamplingRule.defaultRule(1, 0.05).priority()).isEqualTo(10000);
  }

  @Test
  void attributeKeysAndValuesAreLimitedTo32Characters() {
    assertThatThrownBy(
            () ->
                new SamplingRule("r", 1, 0.1, 0, "*", "*", "*", "*", "*", "*", Map.of("k", ""), 1))
        .hasMessageContaining(
            "Attributes value of \"k\" must be 1 to 32 characters long, was \"\"");
  }

  @Test
  void ruleSetRejectsDuplicateNamesAndAMissingDefault() {
    SamplingRule a = SamplingRule.matchAll("a", 1, 0.1, 0);
    assertThatThrownBy(() -> new SamplingRules(List.of(a)))
        .hasMessage("there is no default rule (named \"Default\")");
    assertThatThrownBy(() -> new SamplingRules(List.of(a, a, SamplingRule.defaultRule(1, 0.05))))
        .hasMessage("rule name \"a\" is used by more than one rule (0, 1)");
  }
}
