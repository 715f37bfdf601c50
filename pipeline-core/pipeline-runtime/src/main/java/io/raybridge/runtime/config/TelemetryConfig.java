package io.raybridge.runtime.config;

import java.util.Objects;

/**
 * {@code service.telemetry}: where the collector's own metrics and health are served, and how it
 * logs.
 *
 * @param metricsLevel {@code none} disables the metrics endpoint; {@code basic}, {@code normal}
 *     (default) and {@code detailed} enable it
 * @param metricsAddress {@code host:port} of the Prometheus endpoint (default {@code
 *     127.0.0.1:8888}); port 0 picks a free port
 * @param healthEnabled whether the health endpoint is served (default true)
 * @param healthAddress {@code host:port} of the health endpoint (default {@code 127.0.0.1:13133})
 * @param logLevel {@code trace|debug|info|warn|error} (default {@code info})
 * @param logEncoding {@code console} (default) or {@code json}
 */
public record TelemetryConfig(
    String metricsLevel,
    String metricsAddress,
    boolean healthEnabled,
    String healthAddress,
    String logLevel,
    String logEncoding) {

  public static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1:8888";
  public static final String DEFAULT_HEALTH_ADDRESS = "127.0.0.1:13133";

  public TelemetryConfig {
    Objects.requireNonNull(metricsLevel, "metricsLevel");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
    Objects.requireNonNull(healthAddress, "healthAddress");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logEncoding, "logEncoding");
  }

  public static TelemetryConfig defaults() {
    return new TelemetryConfig(
        "normal", DEFAULT_METRICS_ADDRESS, true, DEFAULT_HEALTH_ADDRESS, "info", "console");
  }

  public boolean metricsEnabled() {
    return !"none".equals(metricsLevel);
  }
}
