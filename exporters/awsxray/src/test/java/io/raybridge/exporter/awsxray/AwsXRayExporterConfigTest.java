package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.xray.XRaySettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwsXRayExporterConfigTest {

  @Test
  void emptyConfigBindsToTheDefaults() {
    AwsXRayExporterConfig c = ConfigFixtures.bind(AwsXRayExporterConfig.class, "{}");

    assertThat(c).isEqualTo(AwsXRayExporterConfig.defaults());
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.annotationKeys()).isEqualTo(XRaySettings.KeyMode.KEEP_DOTS);
    assertThat(c.traceIdPolicy()).isEqualTo(XRaySettings.TraceIdPolicy.KEEP);
    assertThat(c.rateLimit().maxCallsPerSecond()).isZero();
    assertThat(c.telemetry().enabled()).isFalse();
    assertThat(c.telemetry().interval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void bindsEveryKey() {
    AwsXRayExporterConfig c =
        ConfigFixtures.bind(
            AwsXRayExporterConfig.class,
            """
            region: eu-west-1
            endpoint: https://xray.eu-west-1.amazonaws.com
            role_arn: arn:aws:iam::123456789012:role/xray
            external_id: ext-1
            proxy_address: http://proxy:3128
            request_timeout: 10s
            no_verify_ssl: true
            local_mode: true
            resource_arn: arn:aws:ec2:eu-west-1:1:instance/i-1
            indexed_attributes: [customer.tier, http.route]
            index_all_attributes: true
            annotation_keys: underscore
            aws_log_groups: [app-logs]
            trace_id_policy: drop
            timeout: 3s
            retry_on_failure: {initial_interval: 1s}
            sending_queue: {num_consumers: 2}
            rate_limit: {min_calls_per_second: 2, max_calls_per_second: 100, additive_increase: 5}
            telemetry: {enabled: true, interval: 30s, hostname: h, instance_id: i-1}
            """);

    assertThat(c)
        .isEqualTo(
            new AwsXRayExporterConfig(
                "eu-west-1",
                "https://xray.eu-west-1.amazonaws.com",
                "arn:aws:iam::123456789012:role/xray",
                "ext-1",
                "http://proxy:3128",
                Duration.ofSeconds(10),
                true,
                true,
                "arn:aws:ec2:eu-west-1:1:instance/i-1",
                List.of("customer.tier", "http.route"),
                true,
                XRaySettings.KeyMode.UNDERSCORE,
                List.of("app-logs"),
                XRaySettings.TraceIdPolicy.DROP,
                Duration.ofSeconds(3),
                new RetryConfig(null, Duration.ofSeconds(1), null, null, null, null),
                new QueueConfig(null, 2, null, null, null, null),
                new RateLimitConfig(null, 2.0, 100.0, 5.0),
                new TelemetryConfig(true, Duration.ofSeconds(30), null, "h", "i-1", null)));
    assertThat(c.xraySettings().indexedAttributes()).containsExactly("customer.tier", "http.route");
  }

  @Test
  void reportsEveryViolationAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                AwsXRayExporterConfig.class,
                """
                endpoint: xray.local
                request_timeout: 0s
                external_id: e
                rate_limit: {min_calls_per_second: 10, max_calls_per_second: 5}
                """))
        .contains(
            "endpoint: must be an http or https URL with a host, was 'xray.local'",
            "request_timeout: must be > 0, was 0s",
            "external_id: external_id is set but role_arn is not",
            "rate_limit.max_calls_per_second: max_calls_per_second (5.0) must be >="
                + " min_calls_per_second (10.0)");
  }
}
