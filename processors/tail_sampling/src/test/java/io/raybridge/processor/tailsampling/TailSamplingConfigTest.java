package io.raybridge.processor.tailsampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.processor.tailsampling.PolicyConfig.PolicyType;
import io.raybridge.testing.ConfigFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TailSamplingConfigTest {

  private static List<String> violations(String yaml) {
    return ConfigFixtures.violations(TailSamplingConfig.class, yaml);
  }

  private static PolicyConfig policy(String name, PolicyType type) {
    return new PolicyConfig(
        name, type, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  @Test
  void emptyConfigHasTheCollectorsDefaults() {
    TailSamplingConfig c = ConfigFixtures.bind(TailSamplingConfig.class, "{}");
    assertThat(c.decisionWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.decisionWaitAfterRootReceived()).isEqualTo(Duration.ZERO);
    assertThat(c.numTraces()).isEqualTo(50_000);
    assertThat(c.expectedNewTracesPerSec()).isZero();
    assertThat(c.decisionCache()).isEqualTo(new TailSamplingConfig.DecisionCacheConfig(0, 0));
    assertThat(c.sampleOnFirstMatch()).isFalse();
    assertThat(c.policies()).isEmpty();
    assertThat(c.maxBufferedBytes()).isEqualTo(128L << 20);
    assertThat(c.maxTraceBytes()).isEqualTo(4L << 20);
    assertThat(c.onShutdown()).isEqualTo(TailSamplingConfig.OnShutdown.DECIDE);
    assertThat(c.storage()).isNull();
  }

  @Test
  void storageDefaultsItsSizeAndRejectsAMissingDirectoryAndAnOutOfRangeSize() {
    TailSamplingConfig c =
        ConfigFixtures.bind(TailSamplingConfig.class, "storage: {directory: /tmp/tail}");
    assertThat(c.storage()).isEqualTo(new StorageConfig("/tmp/tail", 1024));
    assertThat(c.storage().maxSizeBytes()).isEqualTo(1L << 30);
    assertThat(violations("storage: {max_size_mib: 0}"))
        .containsExactly(
            "storage.directory: must be set to the directory that holds the journal",
            "storage.max_size_mib: must be between 1 and 2048, was 0");
    assertThat(violations("storage: {directory: ' ', max_size_mib: 4096}"))
        .containsExactly(
            "storage.directory: must be set to the directory that holds the journal",
            "storage.max_size_mib: must be between 1 and 2048, was 4096");
  }

  @Test
  void fullConfigBindsToTheSpelledOutRecord() {
    TailSamplingConfig c =
        ConfigFixtures.bind(
            TailSamplingConfig.class,
            """
            decision_wait: 10s
            decision_wait_after_root_received: 2s
            num_traces: 1000
            expected_new_traces_per_sec: 10
            decision_cache: {sampled_cache_size: 5000, non_sampled_cache_size: 6000}
            sample_on_first_match: true
            max_buffered_bytes: 1048576
            max_trace_bytes: 65536
            on_shutdown: drop
            storage: {directory: /var/lib/raybridge/tail, max_size_mib: 64}
            policies:
              - {name: all, type: always_sample}
              - {name: slow, type: latency, latency: {threshold_ms: 500, upper_threshold_ms: 900}}
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
              - name: tier
                type: string_attribute
                string_attribute: {key: tier, values: [gold], enabled_regex_matching: true,
                                   cache_max_size: 10, invert_match: true}
              - {name: big, type: numeric_attribute,
                 numeric_attribute: {key: size, min_value: 1, max_value: 9, invert_match: true}}
              - {name: forced, type: boolean_attribute,
                 boolean_attribute: {key: force, value: true}}
              - {name: ten, type: probabilistic,
                 probabilistic: {hash_salt: salt, sampling_percentage: 10}}
              - {name: rl, type: rate_limiting, rate_limiting: {spans_per_second: 100}}
              - {name: sc, type: span_count, span_count: {min_spans: 2, max_spans: 20}}
              - {name: ts, type: trace_state, trace_state: {key: k, values: [v]}}
              - name: both
                type: and
                and: {and_sub_policy: [{name: a, type: always_sample}]}
              - name: inverse
                type: not
                not: {not_sub_policy: {name: a, type: always_sample}}
              - name: no-debug
                type: drop
                drop: {drop_sub_policy: [{name: a, type: always_sample}]}
              - name: comp
                type: composite
                composite:
                  max_total_spans_per_second: 100
                  policy_order: [a]
                  composite_sub_policy: [{name: a, type: always_sample}]
                  rate_allocation: [{policy: a, percent: 50}]
              - name: pay
                type: xray_rule
                xray_rule: {rule_name: payments, fixed_rate: 0.5, reservoir_size: 2,
                            service_name: payment-service, url_path: /payment/*,
                            attributes: {tier: gold}, sample_errors: false}
            """);
    PolicyConfig always = policy("a", PolicyType.ALWAYS_SAMPLE);
    PolicyConfig none = policy(null, null);
    TailSamplingConfig expected =
        new TailSamplingConfig(
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            1000,
            10,
            new TailSamplingConfig.DecisionCacheConfig(5000, 6000),
            true,
            List.of(
                policy("all", PolicyType.ALWAYS_SAMPLE),
                with(none, "slow", PolicyType.LATENCY, new PolicyConfig.Latency(500L, 900L)),
                with(
                    none,
                    "errors",
                    PolicyType.STATUS_CODE,
                    new PolicyConfig.StatusCode(List.of("ERROR"))),
                with(
                    none,
                    "tier",
                    PolicyType.STRING_ATTRIBUTE,
                    new PolicyConfig.StringAttribute("tier", List.of("gold"), true, 10, true)),
                with(
                    none,
                    "big",
                    PolicyType.NUMERIC_ATTRIBUTE,
                    new PolicyConfig.NumericAttribute("size", 1L, 9L, true)),
                with(
                    none,
                    "forced",
                    PolicyType.BOOLEAN_ATTRIBUTE,
                    new PolicyConfig.BooleanAttribute("force", true, false)),
                with(
                    none,
                    "ten",
                    PolicyType.PROBABILISTIC,
                    new PolicyConfig.Probabilistic("salt", 10.0)),
                with(none, "rl", PolicyType.RATE_LIMITING, new PolicyConfig.RateLimiting(100L)),
                with(none, "sc", PolicyType.SPAN_COUNT, new PolicyConfig.SpanCount(2, 20)),
                with(
                    none,
                    "ts",
                    PolicyType.TRACE_STATE,
                    new PolicyConfig.TraceState("k", List.of("v"))),
                with(none, "both", PolicyType.AND, new PolicyConfig.And(List.of(always))),
                with(none, "inverse", PolicyType.NOT, new PolicyConfig.Not(always)),
                with(none, "no-debug", PolicyType.DROP, new PolicyConfig.Drop(List.of(always))),
                with(
                    none,
                    "comp",
                    PolicyType.COMPOSITE,
                    new PolicyConfig.Composite(
                        100L,
                        List.of("a"),
                        List.of(always),
                        List.of(new PolicyConfig.RateAllocation("a", 50)))),
                with(
                    none,
                    "pay",
                    PolicyType.XRAY_RULE,
                    new PolicyConfig.XRayRule(
                        "payments",
                        0.5,
                        2,
                        "payment-service",
                        "*",
                        "*",
                        "*",
                        "/payment/*",
                        "*",
                        Map.of("tier", "gold"),
                        null,
                        false))),
            1_048_576L,
            65_536L,
            TailSamplingConfig.OnShutdown.DROP,
            new StorageConfig("/var/lib/raybridge/tail", 64));
    assertThat(c).isEqualTo(expected);
  }

  /**
   * {@code base} named {@code name} of {@code type}, with {@code section} as that type's section.
   */
  private static PolicyConfig with(
      PolicyConfig base, String name, PolicyType type, Object section) {
    return new PolicyConfig(
        name,
        type,
        section instanceof PolicyConfig.Latency s ? s : null,
        section instanceof PolicyConfig.StatusCode s ? s : null,
        section instanceof PolicyConfig.StringAttribute s ? s : null,
        section instanceof PolicyConfig.NumericAttribute s ? s : null,
        section instanceof PolicyConfig.BooleanAttribute s ? s : null,
        section instanceof PolicyConfig.Probabilistic s ? s : null,
        section instanceof PolicyConfig.RateLimiting s ? s : null,
        section instanceof PolicyConfig.SpanCount s ? s : null,
        section instanceof PolicyConfig.TraceState s ? s : null,
        section instanceof PolicyConfig.And s ? s : null,
        section instanceof PolicyConfig.Not s ? s : null,
        section instanceof PolicyConfig.Drop s ? s : null,
        section instanceof PolicyConfig.Composite s ? s : null,
        section instanceof PolicyConfig.XRayRule s ? s : base.xrayRule());
  }

  @Test
  void rejectsSamplingPercentageOutOfRange() {
    assertThat(
            violations(
                "policies: [{name: p, type: probabilistic,"
                    + " probabilistic: {sampling_percentage: 150}}]"))
        .containsExactly(
            "policies[0].probabilistic.sampling_percentage: must be between 0 and 100, was 150.0");
  }

  @Test
  void rejectsAPolicyWithoutItsSection() {
    assertThat(violations("policies: [{name: slow, type: latency}]"))
        .containsExactly("policies[0].latency: is required when type is latency");
  }

  @Test
  void rejectsASectionOfAnotherType() {
    assertThat(
            violations(
                "policies: [{name: b, type: boolean_attribute,"
                    + " string_attribute: {key: k, values: [v]}}]"))
        .containsExactly(
            "policies[0].string_attribute: is set but type is boolean_attribute",
            "policies[0].boolean_attribute: is required when type is boolean_attribute");
  }

  @Test
  void rejectsAndAndDropWithoutSubPolicies() {
    assertThat(
            violations(
                """
                policies:
                  - {name: both, type: and, and: {and_sub_policy: []}}
                  - {name: d, type: drop, drop: {}}
                """))
        .containsExactly(
            "policies[0].and.and_sub_policy: must list at least one sub-policy",
            "policies[1].drop.drop_sub_policy: must list at least one sub-policy");
  }

  @Test
  void reportsProblemsOfNestedSubPoliciesOnceWithTheirFullPath() {
    assertThat(
            violations(
                """
                policies:
                  - name: both
                    type: and
                    and:
                      and_sub_policy:
                        - {name: slow, type: latency, latency: {threshold_ms: -5}}
                        - {type: always_sample}
                        - {name: d, type: drop, drop: {drop_sub_policy: [{name: x, type: always_sample}]}}
                """))
        .containsExactly(
            "policies[0].and.and_sub_policy[0].latency.threshold_ms: must be >= 0, was -5",
            "policies[0].and.and_sub_policy[1].name: is required",
            "policies[0].and.and_sub_policy[2].type: drop is only allowed as a top-level policy");
  }

  @Test
  void rejectsAnUnknownPolicyTypeWithASuggestion() {
    assertThat(violations("policies: [{name: s, type: latncy}]"))
        .singleElement()
        .asString()
        .startsWith("policies[0].type: 'latncy' is not one of always_sample, latency,")
        .contains("did you mean 'latency'");
  }

  @Test
  void rejectsInconsistentLimitsAndRanges() {
    assertThat(
            violations(
                """
                max_buffered_bytes: 1000
                max_trace_bytes: 2000
                decision_wait: 0s
                num_traces: 0
                policies:
                  - {name: l, type: latency, latency: {threshold_ms: 500, upper_threshold_ms: 100}}
                  - {name: n, type: numeric_attribute, numeric_attribute: {key: k}}
                  - {name: r, type: string_attribute,
                     string_attribute: {key: k, values: ['('], enabled_regex_matching: true}}
                  - {name: s, type: status_code, status_code: {status_codes: [FAILED]}}
                  - {name: l, type: always_sample}
                """))
        .containsExactly(
            "decision_wait: must be > 0, was PT0S",
            "num_traces: must be > 0, was 0",
            "max_buffered_bytes: max_buffered_bytes (1000) must be >= max_trace_bytes (2000)",
            "policies[0].latency.upper_threshold_ms: upper_threshold_ms (100) must be >"
                + " threshold_ms (500) or 0 for no upper bound",
            "policies[1].numeric_attribute: needs min_value, max_value or both",
            "policies[2].string_attribute.values[0]: invalid regular expression \"(\": Unclosed"
                + " group",
            "policies[3].status_code.status_codes[0]: unknown status code \"FAILED\"; expected OK,"
                + " ERROR or UNSET",
            "policies[4].name: duplicate policy name \"l\"");
  }

  @Test
  void rejectsCompositeAllocationsThatDoNotAddUp() {
    assertThat(
            violations(
                """
                policies:
                  - name: comp
                    type: composite
                    composite:
                      max_total_spans_per_second: 100
                      policy_order: [a, c]
                      composite_sub_policy:
                        - {name: a, type: always_sample}
                        - {name: b, type: always_sample}
                      rate_allocation:
                        - {policy: a, percent: 80}
                        - {policy: b, percent: 30}
                """))
        .containsExactly(
            "policies[0].composite.policy_order[1]: \"c\" is not the name of a composite_sub_policy",
            "policies[0].composite.policy_order: does not list composite_sub_policy \"b\"",
            "policies[0].composite.rate_allocation: the percentages add up to 110, more than 100");
  }

  @Test
  void rejectsAnInvalidXRayRule() {
    assertThat(
            violations(
                """
                policies:
                  - {name: x, type: xray_rule, xray_rule: {fixed_rate: 2, url_path: '%s'}}
                  - {name: y, type: xray_rule, xray_rule: {reservoir_size: 1}}
                  - {name: z, type: xray_rule, xray_rule: {rules_file: r.json, fixed_rate: 0.1}}
                """
                    .formatted("/x".repeat(70))))
        .containsExactly(
            "policies[0].xray_rule.fixed_rate: must be between 0 and 1, was 2.0",
            "policies[0].xray_rule.url_path: must be at most 128 characters long, was \""
                + "/x".repeat(70)
                + "\"",
            "policies[1].xray_rule.fixed_rate: is required unless rules_file is set",
            "policies[2].xray_rule.rules_file: cannot be combined with an inline rule (rule_name,"
                + " fixed_rate)");
  }

  @Test
  void configExampleBindsToAValidConfig() throws IOException {
    Path example =
        Path.of(System.getProperty("user.dir"), "../../config-examples/tail-sampling.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());
    JsonNode section = root.path("processors").path("tail_sampling");
    assertThat(section.isObject()).as("processors.tail_sampling in %s", example).isTrue();
    TailSamplingConfig c = ConfigFixtures.bind(TailSamplingConfig.class, section.toString());
    assertThat(c.policies())
        .extracting(PolicyConfig::type)
        .contains(PolicyType.STATUS_CODE, PolicyType.PROBABILISTIC, PolicyType.LATENCY);
    assertThat(root.at("/service/pipelines/traces/processors").toString())
        .contains("tail_sampling");
    assertThat(root.at("/service/pipelines/traces/exporters").toString()).contains("debug");
  }
}
