package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplingRuleFilesTest {

  private static final String LOCAL_V2 =
      """
      {
        "version": 2,
        "rules": [
          {"description": "Player moves.", "host": "*", "http_method": "*",
           "url_path": "/api/move/*", "fixed_target": 0, "rate": 0.05},
          {"description": "health checks", "host": "*", "http_method": "GET",
           "url_path": "/health", "fixed_target": 0, "rate": 0.01}
        ],
        "default": {"fixed_target": 1, "rate": 0.1}
      }
      """;

  @Test
  void readsTheSdkLocalFormatInFileOrder() {
    SamplingRules rules = SamplingRuleFiles.parse(LOCAL_V2);
    assertThat(rules.rules())
        .containsExactly(
            new SamplingRule(
                "Player moves.", 1, 0.05, 0, "*", "*", "*", "*", "/api/move/*", "*", Map.of(), 1),
            new SamplingRule(
                "health checks", 2, 0.01, 0, "*", "*", "*", "GET", "/health", "*", Map.of(), 1),
            SamplingRule.defaultRule(1, 0.1));
  }

  @Test
  void readsVersion1WithServiceNameAndTheSchemaExtensions() {
    SamplingRules rules =
        SamplingRuleFiles.parse(
            """
            {"version": 1,
             "rules": [{"description": "a description much longer than thirty-two characters",
                        "service_name": "payment-service", "http_method": "POST",
                        "url_path": "/payment/*", "fixed_target": 2, "rate": 0.5,
                        "attributes": {"tier": "gold"}},
                       {"rule_name": "errors", "priority": 1, "service_type": "AWS::EC2::Instance",
                        "reservoir_size": 3, "fixed_rate": 1.0}],
             "default": {"fixed_target": 0, "rate": 0.0}}
            """);
    assertThat(rules.rules())
        .containsExactly(
            new SamplingRule(
                "errors", 1, 1.0, 3, "*", "AWS::EC2::Instance", "*", "*", "*", "*", Map.of(), 1),
            new SamplingRule(
                "rule-1",
                1,
                0.5,
                2,
                "payment-service",
                "*",
                "*",
                "POST",
                "/payment/*",
                "*",
                Map.of("tier", "gold"),
                1),
            SamplingRule.defaultRule(0, 0.0));
  }

  @Test
  void reportsEveryProblemOfALocalFileWithItsPath() {
    assertThatThrownBy(
            () ->
                SamplingRuleFiles.parse(
                    """
                    {"version": 3, "colour": "red",
                     "rules": [{"description": "x", "url_path": "/a", "rate": 2},
                               {"description": "y", "fixed_target": "many", "rate": 0.1, "hots": "h"},
                               {"description": "z", "fixed_target": 1, "reservoir_size": 1, "rate": 0.1}],
                     "default": {"fixed_target": 1}}
                    """))
        .isInstanceOfSatisfying(
            InvalidSamplingRulesException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "colour: unknown key (expected version, rules, default)",
                        "version: must be 1 or 2, was 3",
                        "rules[0]: fixed_target is required",
                        "rules[1].hots: unknown key",
                        "rules[1].fixed_target: must be an integer, was \"many\"",
                        "rules[2].reservoir_size: cannot be combined with fixed_target (they are"
                            + " synonyms)",
                        "default: rate is required"));
  }

  @Test
  void reportsRuleValidationInTheFilesOwnKeyNames() {
    assertThatThrownBy(
            () ->
                SamplingRuleFiles.parse(
                    """
                    {"version": 2,
                     "rules": [{"description": "x", "fixed_target": -1, "rate": 1.5}],
                     "default": {"fixed_target": 1, "rate": 0.05}}
                    """))
        .isInstanceOfSatisfying(
            InvalidSamplingRulesException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "rules[0].rate: must be between 0 and 1, was 1.5",
                        "rules[0].fixed_target: must be >= 0, was -1"));
  }

  private static final String API_RULES =
      """
      {
        "SamplingRuleRecords": [
          {"SamplingRule": {"RuleName": "Default",
             "RuleARN": "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default",
             "ResourceARN": "*", "Priority": 10000, "FixedRate": 0.05, "ReservoirSize": 1,
             "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*",
             "URLPath": "*", "Version": 1, "Attributes": {}},
           "CreatedAt": 0.0, "ModifiedAt": 1700000000.0},
          {"SamplingRule": {"RuleName": "payments", "ResourceARN": "*", "Priority": 10,
             "FixedRate": 0.5, "ReservoirSize": 2, "ServiceName": "payment-service",
             "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "/payment/*",
             "Version": 1, "Attributes": {"tier": "gold"},
             "SamplingRateBoost": {"MaxRate": 0.5, "CooldownWindowMinutes": 1}},
           "CreatedAt": 1.0, "ModifiedAt": 2.0}
        ],
        "NextToken": null
      }
      """;

  @Test
  void readsTheApiShapeAndIgnoresUnknownFields() {
    SamplingRules rules = SamplingRuleFiles.parse(API_RULES);
    assertThat(rules.rules())
        .containsExactly(
            new SamplingRule(
                "payments",
                10,
                0.5,
                2,
                "payment-service",
                "*",
                "*",
                "*",
                "/payment/*",
                "*",
                Map.of("tier", "gold"),
                1),
            SamplingRule.defaultRule(1, 0.05));
  }

  @Test
  void readsABareArrayOfApiRules() {
    SamplingRules rules =
        SamplingRuleFiles.parse(
            """
            [{"RuleARN": "arn:aws:xray:eu-west-1:1:sampling-rule/Default", "ResourceARN": "*",
              "Priority": 10000, "FixedRate": 0.1, "ReservoirSize": 0, "ServiceName": "*",
              "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1}]
            """);
    assertThat(rules.rules()).containsExactly(SamplingRule.defaultRule(0, 0.1));
  }

  @Test
  void apiShapeRequiresEveryField() {
    assertThatThrownBy(
            () ->
                SamplingRuleFiles.parse(
                    """
                    {"SamplingRuleRecords": [{"SamplingRule": {"RuleName": "r", "Priority": 1,
                      "FixedRate": "half", "ServiceName": "*", "ServiceType": "*", "Host": "*",
                      "HTTPMethod": "*", "URLPath": "*", "Version": 1}}]}
                    """))
        .isInstanceOfSatisfying(
            InvalidSamplingRulesException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "SamplingRuleRecords[0].SamplingRule.FixedRate: must be a number, was"
                            + " \"half\"",
                        "SamplingRuleRecords[0].SamplingRule.ReservoirSize: is required",
                        "SamplingRuleRecords[0].SamplingRule.ResourceARN: is required"));
  }

  @Test
  void apiShapeWithoutDefaultRuleIsRejected() {
    assertThatThrownBy(() -> SamplingRuleFiles.parse("{\"SamplingRuleRecords\": []}"))
        .hasMessage("there is no rule named \"Default\"");
  }

  @Test
  void rejectsDocumentsThatAreNotRuleFiles() {
    assertThatThrownBy(() -> SamplingRuleFiles.parse("{\"foo\": 1}"))
        .hasMessageStartingWith("not a sampling rule document");
    assertThatThrownBy(() -> SamplingRuleFiles.parse("{")).hasMessageStartingWith("not valid JSON");
  }

  @Test
  void writesTheGetSamplingRulesResponseItCanReadBack(@TempDir Path dir) throws IOException {
    SamplingRules rules = SamplingRuleFiles.parse(API_RULES);
    String json =
        SamplingRuleFiles.toGetSamplingRulesResponse(rules, Instant.ofEpochSecond(1700000000));
    assertThat(json).contains("\"ModifiedAt\":1.7E9").contains("\"RuleName\":\"payments\"");
    Path file = dir.resolve("rules.json");
    Files.writeString(file, json);
    assertThat(SamplingRuleFiles.read(file)).isEqualTo(rules);
  }
}
