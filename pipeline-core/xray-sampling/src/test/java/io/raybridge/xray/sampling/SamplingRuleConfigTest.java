package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplingRuleConfigTest {

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static SamplingRuleConfig parse(String json) throws Exception {
    return MAPPER.readValue(json, SamplingRuleConfig.class);
  }

  private static SamplingRuleConfig rule(String name, Integer priority, Double rate, Integer res) {
    return new SamplingRuleConfig(
        name, priority, rate, res, null, null, null, null, null, null, null, null);
  }

  @Test
  void bindsEverySnakeCaseKey() throws Exception {
    SamplingRuleConfig c =
        parse(
            """
            {"rule_name": "orders", "priority": 10, "fixed_rate": 0.5, "reservoir_size": 5,
             "service_name": "orders-*", "service_type": "AWS::EC2::Instance",
             "host": "shop.example.com", "http_method": "POST", "url_path": "/orders/*",
             "resource_arn": "*", "attributes": {"tier": "gold"}, "version": 1}
            """);
    assertThat(c.toRule(null, null))
        .isEqualTo(
            new SamplingRule(
                "orders",
                10,
                0.5,
                5,
                "orders-*",
                "AWS::EC2::Instance",
                "shop.example.com",
                "POST",
                "/orders/*",
                "*",
                Map.of("tier", "gold"),
                1));
  }

  @Test
  void matchersDefaultToWildcardsAndVersionToOne() throws Exception {
    SamplingRuleConfig c = parse("{\"rule_name\": \"all\", \"fixed_rate\": 0.1}");
    assertThat(c.serviceName()).isEqualTo("*");
    assertThat(c.serviceType()).isEqualTo("*");
    assertThat(c.host()).isEqualTo("*");
    assertThat(c.httpMethod()).isEqualTo("*");
    assertThat(c.urlPath()).isEqualTo("*");
    assertThat(c.resourceArn()).isEqualTo("*");
    assertThat(c.attributes()).isEmpty();
    assertThat(c.version()).isEqualTo(1);
    assertThat(c.priority()).isNull();
    assertThat(c.reservoirSize()).isNull();
  }

  @Test
  void theCallerSuppliesDefaultsForPriorityAndReservoirSize() {
    SamplingRule r = rule("all", null, 0.1, null).toRule(3, 0);
    assertThat(r.priority()).isEqualTo(3);
    assertThat(r.reservoirSize()).isZero();
    SamplingRule given = rule("all", 7, 0.1, 2).toRule(3, 0);
    assertThat(given.priority()).isEqualTo(7);
    assertThat(given.reservoirSize()).isEqualTo(2);
  }

  @Test
  void withoutCallerDefaultsPriorityAndReservoirSizeAreRequired() {
    assertThat(rule(null, null, null, null).violations(null, null))
        .containsExactly(
            new ConfigViolation("rule_name", "is required"),
            new ConfigViolation("priority", "is required"),
            new ConfigViolation("fixed_rate", "is required"),
            new ConfigViolation("reservoir_size", "is required"));
    assertThat(rule(null, null, null, null).violations(1, 0))
        .containsExactly(
            new ConfigViolation("rule_name", "is required"),
            new ConfigViolation("fixed_rate", "is required"));
  }

  @Test
  void theDefaultRuleNeedsNoPriority() {
    SamplingRuleConfig d = rule(SamplingRule.DEFAULT_RULE_NAME, null, 0.2, 3);
    assertThat(d.isDefault()).isTrue();
    assertThat(d.violations(null, null)).isEmpty();
    assertThat(d.toRule(null, null)).isEqualTo(SamplingRule.defaultRule(3, 0.2));
  }

  @Test
  void reportsInvalidValuesUnderTheirYamlKeys() {
    SamplingRuleConfig c =
        new SamplingRuleConfig(
            "too-fast", 0, 1.5, -1, null, null, null, "PROPFINDXXX", null, null, null, 2);
    assertThat(c.violations(null, null))
        .extracting(ConfigViolation::path)
        .containsExactlyInAnyOrder(
            "priority", "fixed_rate", "reservoir_size", "http_method", "version");
    assertThat(c.violations(null, null))
        .contains(new ConfigViolation("fixed_rate", "must be between 0 and 1, was 1.5"));
    assertThatThrownBy(() -> c.toRule(null, null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("fixed_rate: must be between 0 and 1, was 1.5");
  }
}
