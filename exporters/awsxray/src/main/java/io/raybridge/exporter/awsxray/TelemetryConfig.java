package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;

/**
 * {@code telemetry}: X-Ray self-telemetry, sent with PutTelemetryRecords as the X-Ray daemon does,
 * so that the X-Ray console shows the collector's received, sent, spillover, rejected and
 * backend-error counts.
 *
 * @param enabled whether to send records (default false)
 * @param interval how often (default 60s, as the daemon); a period with nothing received sends
 *     nothing
 * @param includeMetadata whether to send {@code hostname}, {@code instance_id} and {@code
 *     resource_arn} with the records (default true)
 * @param hostname host name reported; default: the local host name
 * @param instanceId EC2 instance id reported
 * @param resourceArn resource ARN reported; default: the exporter's {@code resource_arn}
 */
public record TelemetryConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("interval") Duration interval,
    @JsonProperty("include_metadata") Boolean includeMetadata,
    @JsonProperty("hostname") String hostname,
    @JsonProperty("instance_id") String instanceId,
    @JsonProperty("resource_arn") String resourceArn) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  public TelemetryConfig {
    enabled = enabled != null && enabled;
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    includeMetadata = includeMetadata == null || includeMetadata;
    new Violations()
        .check(
            interval.toMillis() >= 100,
            "interval",
            "must be >= 100ms, was " + Durations.format(interval))
        .throwIfAny();
  }

  /** Every key at its default. */
  public static TelemetryConfig defaults() {
    return new TelemetryConfig(null, null, null, null, null, null);
  }
}
