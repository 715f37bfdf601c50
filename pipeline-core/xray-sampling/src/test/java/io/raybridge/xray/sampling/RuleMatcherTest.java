package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

  private static SamplingRule rule(
      String name, int priority, String service, String method, String path) {
    return new SamplingRule(
        name, priority, 0.1, 0, service, "*", "*", method, path, "*", Map.of(), 1);
  }

  @Test
  void starMatchesAnythingIncludingMissingValues() {
    assertThat(RuleMatcher.wildcardMatch("*", "anything")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("*", "")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("*", null)).isTrue();
  }

  @Test
  void otherPatternsNeverMatchMissingValues() {
    assertThat(RuleMatcher.wildcardMatch("?", null)).isFalse();
    assertThat(RuleMatcher.wildcardMatch("**", null)).isFalse();
    assertThat(RuleMatcher.wildcardMatch("", null)).isFalse();
    assertThat(RuleMatcher.wildcardMatch("/health", null)).isFalse();
  }

  @Test
  void emptyPatternMatchesOnlyEmptyText() {
    assertThat(RuleMatcher.wildcardMatch("", "")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("", "x")).isFalse();
  }

  @Test
  void matchingIsCaseInsensitive() {
    assertThat(RuleMatcher.wildcardMatch("GET", "get")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("/Payment/*", "/PAYMENT/42")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("payment-SERVICE", "Payment-Service")).isTrue();
  }

  @Test
  void patternMustMatchTheWholeValue() {
    assertThat(RuleMatcher.wildcardMatch("/health", "/health")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("/health", "/healthz")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("/health", "/api/health")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("health", "/health")).isFalse();
  }

  @Test
  void starMatchesAnyRunOfCharactersIncludingNone() {
    assertThat(RuleMatcher.wildcardMatch("/payment/*", "/payment/")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("/payment/*", "/payment/a/b/c")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("/payment/*", "/payments")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("*/health", "/v1/health")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("a*b*c", "aXXbYYc")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("a*b*c", "aXXcYYb")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("*a*", "bab")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("**", "")).isTrue();
  }

  @Test
  void questionMarkMatchesExactlyOneCharacter() {
    assertThat(RuleMatcher.wildcardMatch("/v?/users", "/v1/users")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("/v?/users", "/v/users")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("/v?/users", "/v12/users")).isFalse();
    assertThat(RuleMatcher.wildcardMatch("???", "abc")).isTrue();
    assertThat(RuleMatcher.wildcardMatch("?*", "")).isFalse();
  }

  @Test
  void everyMatcherOfARuleMustMatch() {
    SamplingRule r =
        new SamplingRule(
            "r",
            1,
            0.5,
            0,
            "payment-service",
            "AWS::ECS::*",
            "api.example.com",
            "POST",
            "/payment/*",
            "arn:aws:ecs:*",
            Map.of(),
            1);
    SamplingRequest all =
        new SamplingRequest(
            "payment-service",
            "AWS::ECS::Fargate",
            "api.example.com",
            "POST",
            "/payment/1",
            "arn:aws:ecs:us-east-1:1:container/x",
            Map.of());
    assertThat(RuleMatcher.matches(r, all)).isTrue();
    assertThat(RuleMatcher.matches(r, withService(all, "cart"))).isFalse();
    assertThat(
            RuleMatcher.matches(
                r,
                new SamplingRequest(
                    "payment-service",
                    "AWS::EC2::Instance",
                    "api.example.com",
                    "POST",
                    "/payment/1",
                    "arn:aws:ecs:x",
                    Map.of())))
        .isFalse();
    assertThat(
            RuleMatcher.matches(
                r,
                new SamplingRequest(
                    "payment-service",
                    "AWS::ECS::Fargate",
                    null,
                    "POST",
                    "/payment/1",
                    "arn:aws:ecs:x",
                    Map.of())))
        .as("missing host against a non-star pattern")
        .isFalse();
    assertThat(
            RuleMatcher.matches(
                r,
                new SamplingRequest(
                    "payment-service",
                    "AWS::ECS::Fargate",
                    "api.example.com",
                    "GET",
                    "/payment/1",
                    "arn:aws:ecs:x",
                    Map.of())))
        .isFalse();
  }

  @Test
  void ruleAttributesMustBePresentAndMatch() {
    SamplingRule r =
        new SamplingRule(
            "attrs",
            1,
            0.5,
            0,
            "*",
            "*",
            "*",
            "*",
            "*",
            "*",
            Map.of("customer.tier", "gold*", "region", "*"),
            1);
    assertThat(
            RuleMatcher.matches(r, request(Map.of("customer.tier", "GOLD-plus", "region", "eu"))))
        .isTrue();
    assertThat(RuleMatcher.matches(r, request(Map.of("customer.tier", "silver", "region", "eu"))))
        .isFalse();
    assertThat(RuleMatcher.matches(r, request(Map.of("customer.tier", "gold"))))
        .as("an attribute whose pattern is * must still be present")
        .isFalse();
  }

  @Test
  void rulesAreEvaluatedByPriorityThenNameWithDefaultLast() {
    SamplingRules rules =
        SamplingRules.of(
            List.of(
                rule("zeta", 5, "*", "*", "*"),
                rule("alpha", 5, "*", "*", "*"),
                rule("first", 1, "*", "GET", "*"),
                rule("late", 9999, "*", "*", "*")),
            SamplingRule.defaultRule(1, 0.05));
    assertThat(rules.rules())
        .extracting(SamplingRule::ruleName)
        .containsExactly("first", "alpha", "zeta", "late", "Default");
    RuleMatcher m = new RuleMatcher(rules);
    assertThat(m.match(SamplingRequest.of("svc", "GET", "/")).ruleName()).isEqualTo("first");
    assertThat(m.match(SamplingRequest.of("svc", "POST", "/")).ruleName())
        .as("equal priorities: the name decides")
        .isEqualTo("alpha");
  }

  @Test
  void firstMatchingRuleWinsAndDefaultCatchesTheRest() {
    RuleMatcher m =
        new RuleMatcher(
            SamplingRules.of(
                List.of(
                    rule("health", 1, "*", "GET", "/health"),
                    rule("payments", 2, "payment-service", "*", "/payment/*")),
                SamplingRule.defaultRule(1, 0.05)));
    assertThat(m.match(SamplingRequest.of("payment-service", "GET", "/health")).ruleName())
        .isEqualTo("health");
    assertThat(m.match(SamplingRequest.of("payment-service", "POST", "/payment/9")).ruleName())
        .isEqualTo("payments");
    assertThat(m.match(SamplingRequest.of("cart", "POST", "/payment/9")).ruleName())
        .isEqualTo("Default");
    assertThat(m.match(new SamplingRequest(null, null, null, null, null, null, null)).ruleName())
        .isEqualTo("Default");
  }

  private static SamplingRequest withService(SamplingRequest r, String service) {
    return new SamplingRequest(
        service,
        r.serviceType(),
        r.host(),
        r.httpMethod(),
        r.urlPath(),
        r.resourceArn(),
        r.attributes());
  }

  private static SamplingRequest request(Map<String, String> attributes) {
    return new SamplingRequest("svc", null, null, "GET", "/", null, attributes);
  }
}
