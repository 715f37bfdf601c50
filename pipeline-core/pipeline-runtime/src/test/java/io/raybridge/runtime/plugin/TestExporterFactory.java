package io.raybridge.runtime.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An exporter type for runtime tests: {@code test_exporter}; it drops what it gets. */
public final class TestExporterFactory implements ExporterFactory<TestExporterFactory.Config> {

  /** Config with a nested record, a map, a duration and a string with allowed values. */
  public record Config(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("compression") String compression,
      @JsonProperty("headers") Map<String, String> headers,
      @JsonProperty("retry_on_failure") Retry retryOnFailure) {

    public Config {
      endpoint = endpoint == null ? "localhost:4317" : endpoint;
      timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
      compression = compression == null ? "gzip" : compression;
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      retryOnFailure = retryOnFailure == null ? new Retry(null, null, null) : retryOnFailure;
      new Violations()
          .check(
              List.of("gzip", "none").contains(compression),
              "compression",
              "must be gzip or none, was '" + compression + "'")
          .throwIfAny();
    }
  }

  /** {@code retry_on_failure}. */
  public record Retry(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("initial_interval") Duration initialInterval,
      @JsonProperty("max_interval") Duration maxInterval) {

    public Retry {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      initialInterval = initialInterval == null ? Duration.ofSeconds(5) : initialInterval;
      maxInterval = maxInterval == null ? Duration.ofSeconds(30) : maxInterval;
      new Violations()
          .check(
              maxInterval.compareTo(initialInterval) >= 0,
              "max_interval",
              "must be >= initial_interval")
          .throwIfAny();
    }
  }

  @Override
  public String type() {
    return "test_exporter";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, Config config) {
    return new Exporter() {
      @Override
      public void consume(Traces traces) {}

      @Override
      public void start() {}

      @Override
      public void shutdown(Duration timeout) {}
    };
  }
}
