package io.raybridge.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The shape of the {@code service} section. The checker walks {@code service} against it for
 * unknown keys and wrong types; telemetry is then bound on its own so that its violations and the
 * pipelines' are all reported together.
 */
record ServiceSection(
    @JsonProperty("pipelines") Map<String, Pipeline> pipelines,
    @JsonProperty("telemetry") Telemetry telemetry,
    @JsonProperty("shutdown_timeout") Duration shutdownTimeout) {

  /** {@code service.pipelines.<id>}; the ids are read from the tree, not bound. */
  record Pipeline(
      @JsonProperty("receivers") List<JsonNode> receivers,
      @JsonProperty("processors") List<JsonNode> processors,
      @JsonProperty("exporters") List<JsonNode> exporters) {}

  /** {@code service.telemetry}. */
  record Telemetry(
      @JsonProperty("metrics") Metrics metrics,
      @JsonProperty("health") Health health,
      @JsonProperty("logs") Logs logs) {

    Telemetry {
      metrics = metrics == null ? new Metrics(null, null) : metrics;
      health = health == null ? new Health(null, null) : health;
      logs = logs == null ? new Logs(null, null) : logs;
    }

    TelemetryConfig toConfig() {
      return new TelemetryConfig(
          metrics.level(),
          metrics.address(),
          health.enabled(),
          health.address(),
          logs.level(),
          logs.encoding());
    }
  }

  /** {@code service.telemetry.metrics}. */
  record Metrics(@JsonProperty("level") String level, @JsonProperty("address") String address) {

    static final List<String> LEVELS = List.of("none", "basic", "normal", "detailed");

    Metrics {
      level = level == null ? "normal" : level;
      address = address == null ? TelemetryConfig.DEFAULT_METRICS_ADDRESS : address;
      Violations v = new Violations();
      oneOf(v, "level", level, LEVELS);
      HostPort.problem(address).ifPresent(m -> v.add("address", m));
      v.throwIfAny();
    }
  }

  /** {@code service.telemetry.health}. */
  record Health(@JsonProperty("enabled") Boolean enabled, @JsonProperty("address") String address) {

    Health {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      address = address == null ? TelemetryConfig.DEFAULT_HEALTH_ADDRESS : address;
      Violations v = new Violations();
      HostPort.problem(address).ifPresent(m -> v.add("address", m));
      v.throwIfAny();
    }
  }

  /** {@code service.telemetry.logs}. */
  record Logs(@JsonProperty("level") String level, @JsonProperty("encoding") String encoding) {

    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");
    static final List<String> ENCODINGS = List.of("console", "json");

    Logs {
      level = level == null ? "info" : level;
      encoding = encoding == null ? "console" : encoding;
      Violations v = new Violations();
      oneOf(v, "level", level, LEVELS);
      oneOf(v, "encoding", encoding, ENCODINGS);
      v.throwIfAny();
    }
  }

  private static void oneOf(Violations v, String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      v.add(
          key,
          "'"
              + value
              + "' is not one of "
              + String.join(", ", allowed)
              + Suggestions.didYouMean(value, allowed));
    }
  }
}
