package io.raybridge.processor.headsampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.testing.ConfigFixtures;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadSamplingConfigTest {

  @Test
  void bindsEveryKey() throws IOException {
    HeadSamplingConfig c =
        ConfigFixtures.bind(
            HeadSamplingConfig.class,
            """
            rules:
              - rule_name: payments
                priority: 10
                fixed_rate: 0.5
                reservoir_size: 2
                service_name: payment-service
                service_type: "AWS::ECS::*"
                host: "*.example.com"
                http_method: POST
                url_path: /payment/*
                resource_arn: "*"
                attributes: { customer.tier: gold }
              - rule_name: health
                fixed_rate: 0.01
                url_path: /health
            default: { fixed_rate: 0.1, reservoir_size: 0 }
            max_hold: 2s
            max_hold_bytes: 1048576
            decision_cache_size: 5000
            respect_parent_decision: true
            """);
    assertThat(c)
        .isEqualTo(
            new HeadSamplingConfig(
                List.of(
                    new SamplingRuleConfig(
                        "payments",
                        10,
                        0.5,
                        2,
                        "payment-service",
                        "AWS::ECS::*",
                        "*.example.com",
                        "POST",
                        "/payment/*",
                        "*",
                        Map.of("customer.tier", "gold"),
                        null),
                    new SamplingRuleConfig(
                        "health", null, 0.01, null, null, null, null, null, "/health", null, null,
                        1)),
                new DefaultRuleConfig(0.1, 0),
                null,
                Duration.ofSeconds(2),
                1048576L,
                5000,
                true));
    assertThat(c.samplingRules().rules())
        .extracting(SamplingRule::ruleName, SamplingRule::priority)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("health", 2),
            org.assertj.core.groups.Tuple.tuple("payments", 10),
            org.assertj.core.groups.Tuple.tuple("Default", 10000));
  }

  @Test
  void emptyConfigBindsToTheDefaults() throws IOException {
    HeadSamplingConfig c = ConfigFixtures.bind(HeadSamplingConfig.class, "{}");
    assertThat(c)
        .isEqualTo(
            new HeadSamplingConfig(
                List.of(), null, null, Duration.ofSeconds(5), 16L * 1024 * 1024, 100_000, false));
    assertThat(c.samplingRules().rules()).containsExactly(SamplingRule.defaultRule(1, 0.05));
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    assertThat(
            ConfigFixtures.violations(
                HeadSamplingConfig.class,
                """
                rules:
                  - rule_name: a
                    fixed_rate: 1.5
                    http_method: PROPFINDXXX
                  - fixed_rate: 0.1
                    priority: 0
                  - rule_name: Default
                    fixed_rate: 0.1
                default: { fixed_rate: -0.1, reservoir_size: -1 }
                max_hold: 0s
                max_hold_bytes: 0
                decision_cache_size: 0
                """))
        .containsExactlyInAnyOrder(
            "rules[0].fixed_rate: must be between 0 and 1, was 1.5",
            "rules[0].http_method: must be at most 10 characters long, was \"PROPFINDXXX\"",
            "rules[1].rule_name: is required",
            "rules[2].rule_name: \"Default\" is reserved for the default rule; set its rate under"
                + " default",
            "default.fixed_rate: must be between 0 and 1, was -0.1",
            "default.reservoir_size: must be >= 0, was -1",
            "max_hold: must be positive, was PT0S",
            "max_hold_bytes: must be > 0, was 0",
            "decision_cache_size: must be >= 1, was 0");
  }

  @Test
  void rejectsDuplicateRuleNames() {
    assertThat(
            ConfigFixtures.violations(
                HeadSamplingConfig.class,
                """
                rules:
                  - { rule_name: a, fixed_rate: 0.1 }
                  - { rule_name: a, fixed_rate: 0.2 }
                """))
        .containsExactly("rules[1].rule_name: duplicate rule name \"a\" (also rules[0])");
  }

  @Test
  void rulesWithoutANameAreReportedOnceEach() {
    assertThat(
            ConfigFixtures.violations(
                HeadSamplingConfig.class,
                """
                rules:
                  - { fixed_rate: 0.1 }
                  - { fixed_rate: 0.2, version: 2 }
                """))
        .containsExactly("rules[0].rule_name: is required", "rules[1].rule_name: is required");
  }

  @Test
  void acceptsTheRuleFormatVersionAndDefaultsPriorityToThePosition() throws IOException {
    HeadSamplingConfig c =
        ConfigFixtures.bind(
            HeadSamplingConfig.class,
            """
            rules:
              - { rule_name: a, fixed_rate: 0.1, version: 1 }
              - { rule_name: b, fixed_rate: 0.2 }
            """);
    assertThat(c.samplingRules().rules())
        .extracting(SamplingRule::ruleName, SamplingRule::priority, SamplingRule::reservoirSize)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 1, 0),
            org.assertj.core.groups.Tuple.tuple("b", 2, 0),
            org.assertj.core.groups.Tuple.tuple("Default", 10000, 1));
  }

  @Test
  void readsRulesFromAnSdkLocalRuleFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.json");
    Files.writeString(
        file,
        """
        {"version": 2,
         "rules": [{"description": "health", "host": "*", "http_method": "GET",
                    "url_path": "/health", "fixed_target": 0, "rate": 0.01}],
         "default": {"fixed_target": 1, "rate": 0.1}}
        """);
    HeadSamplingConfig c = ConfigFixtures.bind(HeadSamplingConfig.class, "rules_file: " + file);
    assertThat(c.samplingRules().rules())
        .extracting(SamplingRule::ruleName)
        .containsExactly("health", "Default");
  }

  @Test
  void reportsProblemsOfTheRuleFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file, "{\"version\": 2, \"rules\": [{\"fixed_target\": 0, \"rate\": 2}], \"default\": {}}");
    assertThat(ConfigFixtures.violations(HeadSamplingConfig.class, "rules_file: " + file))
        .containsExactly(
            "rules_file: \"" + file + "\": rules[0].rate: must be between 0 and 1, was 2.0",
            "rules_file: \"" + file + "\": default: fixed_target is required",
            "rules_file: \"" + file + "\": default: rate is required");
    Path missing = dir.resolve("missing.json");
    assertThat(ConfigFixtures.violations(HeadSamplingConfig.class, "rules_file: " + missing))
        .containsExactly("rules_file: cannot read \"" + missing + "\": no such file");
  }

  @Test
  void rulesFileCannotBeCombinedWithInlineRules(@TempDir Path dir) {
    assertThat(
            ConfigFixtures.violations(
                HeadSamplingConfig.class,
                "rules_file: " + dir.resolve("x.json") + "\ndefault: { fixed_rate: 0.1 }"))
        .containsExactly(
            "rules_file: cannot be combined with rules or default; put every rule in the file");
  }
}
