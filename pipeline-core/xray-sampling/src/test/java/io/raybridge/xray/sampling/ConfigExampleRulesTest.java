package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.strategy.sampling.LocalizedSamplingStrategy;
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

  @Test
  void xraySdkReadsTheSameFileWithTheSameMeaning() throws IOException {
    LocalizedSamplingStrategy sdk = new LocalizedSamplingStrategy(RULES.toUri().toURL());
    int n = 2000;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      boolean sampled =
          sdk.shouldTrace(
                  new com.amazonaws.xray.strategy.sampling.SamplingRequest(
                      "payment-service", "api.example.com", "/payment/" + i, "POST", ""))
              .isSampled();
      kept += sampled ? 1 : 0;
    }
    // The payments rule: two per second from the reservoir, then 50 %.
    double sigma = Math.sqrt(n * 0.25);
    assertThat((double) kept).isBetween(n * 0.5 - 4 * sigma, n * 0.5 + 2 + 4 * sigma);
  }
}
