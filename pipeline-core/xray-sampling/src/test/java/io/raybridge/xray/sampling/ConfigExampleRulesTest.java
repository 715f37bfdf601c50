package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rule file shipped in config-examples is valid and means what its descriptions say. */
class ConfigExampleRulesTest {

  private static final Path RULES =
      Path.of(System.getProperty("raybridge.configExamples", "../../config-examples"))
          .resolve("sampling-rules.json");

  @Test
  void exampleRuleFileParsesAndMatchesPaymentsAndHealthChecks() throws IOException {
    SamplingRules rules = SamplingRuleFiles.read(RULES);
    assertThat(rules.rules())
        .extracting(SamplingRule::ruleName)
        .containsExactly("payments", "health-checks", "Default");
    RuleMatcher m = new RuleMatcher(rules);
    assertThat(m.match(SamplingRequest.of("payment-service", "POST", "/payment/42")).ruleName())
        .isEqualTo("payments");
    assertThat(m.match(SamplingRequest.of("cart", "GET", "/healthz")).ruleName())
        .isEqualTo("health-checks");
    assertThat(m.match(SamplingRequest.of("cart", "POST", "/payment/42")).ruleName())
        .isEqualTo("Default");
  }
}
