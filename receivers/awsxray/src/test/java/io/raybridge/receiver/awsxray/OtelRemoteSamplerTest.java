package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.contrib.awsxray.AwsXrayRemoteSampler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** OpenTelemetry Java's X-Ray remote sampler as the client of the local sampling endpoint. */
class OtelRemoteSamplerTest {

  @Test
  void theOpenTelemetryRemoteSamplerFollowsLocallyServedRules() throws Exception {
    AwsXrayReceiverConfig config =
        Harness.loopback(
            Harness.rule("health", 1, 0.0, 0, "GET", "/health"),
            Harness.rule("api", 2, 1.0, 0, "*", "/api/*"));
    try (Harness h = Harness.start(config, new TracesSink());
        AwsXrayRemoteSampler sampler =
            AwsXrayRemoteSampler.newBuilder(
                    Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "shop")))
                .setEndpoint("http://127.0.0.1:" + h.tcp().getPort())
                .build()) {
      Poll.await(
          () -> sampled(sampler, "/health", 50) == 0 && sampled(sampler, "/api/orders", 50) == 50,
          Duration.ofSeconds(20),
          () -> "the sampler did not apply the served rules");
      assertThat(sampled(sampler, "/health", 200)).isZero();
      assertThat(sampled(sampler, "/api/orders", 200)).isEqualTo(200);
    }
  }

  private static int sampled(AwsXrayRemoteSampler sampler, String path, int requests) {
    Attributes attributes =
        Attributes.builder()
            .put("url.path", path)
            .put("http.target", path)
            .put("http.request.method", "GET")
            .put("http.method", "GET")
            .put("server.address", "shop.example.com")
            .build();
    int n = 0;
    for (int i = 0; i < requests; i++) {
      String traceId =
          String.format(
              "%016x%016x",
              ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
      if (sampler
              .shouldSample(
                  Context.root(), traceId, "GET " + path, SpanKind.SERVER, attributes, List.of())
              .getDecision()
          == SamplingDecision.RECORD_AND_SAMPLE) {
        n++;
      }
    }
    return n;
  }
}
