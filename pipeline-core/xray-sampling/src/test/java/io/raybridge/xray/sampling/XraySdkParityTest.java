package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.strategy.sampling.LocalizedSamplingStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The X-Ray SDK for Java's local sampling and this module read the same rule file alike: with rates
 * of 0 and 1 and no reservoir, the SDK's decision reveals which rule it matched.
 */
class XraySdkParityTest {

  private static final String RULES =
      """
      {"version": 2,
       "rules": [
         {"description": "health", "host": "*", "http_method": "GET", "url_path": "/health*",
          "fixed_target": 0, "rate": 0.0},
         {"description": "payments", "host": "api.*.com", "http_method": "*",
          "url_path": "/payment/?/*", "fixed_target": 0, "rate": 1.0},
         {"description": "admin", "host": "*", "http_method": "P*", "url_path": "/admin",
          "fixed_target": 0, "rate": 1.0}
       ],
       "default": {"fixed_target": 0, "rate": 0.0}}
      """;

  @Test
  void sdkAndRuleMatcherMakeTheSameDecisions(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.json");
    Files.writeString(file, RULES);
    LocalizedSamplingStrategy sdk = new LocalizedSamplingStrategy(file.toUri().toURL());
    RuleSampler ours = new RuleSampler(SamplingRuleFiles.read(file));

    List<String> hosts =
        List.of("api.example.com", "API.EXAMPLE.COM", "api.com", "web.example.com");
    List<String> methods = List.of("GET", "get", "POST", "PUT", "DELETE");
    List<String> paths =
        List.of(
            "/health",
            "/HEALTHZ",
            "/api/health",
            "/payment/1/x",
            "/payment/12/x",
            "/payment/1/",
            "/Payment/a/b",
            "/admin",
            "/admin/x",
            "");
    List<String> disagreements = new ArrayList<>();
    int checked = 0;
    int sampled = 0;
    for (String host : hosts) {
      for (String method : methods) {
        for (String path : paths) {
          boolean sdkSampled =
              sdk.shouldTrace(
                      new com.amazonaws.xray.strategy.sampling.SamplingRequest(
                          "svc", host, path, method, ""))
                  .isSampled();
          boolean ourSampled =
              ours.decide(
                      new SamplingRequest("svc", null, host, method, path, null, null),
                      TraceIdThreshold.MAX_THRESHOLD - 1,
                      0)
                  .sampled();
          checked++;
          sampled += sdkSampled ? 1 : 0;
          if (sdkSampled != ourSampled) {
            disagreements.add(method + " " + host + path + ": sdk=" + sdkSampled);
          }
        }
      }
    }
    assertThat(checked).isEqualTo(200);
    assertThat(sampled).as("requests the SDK sampled").isBetween(20, 180);
    assertThat(disagreements).isEmpty();
  }
}
