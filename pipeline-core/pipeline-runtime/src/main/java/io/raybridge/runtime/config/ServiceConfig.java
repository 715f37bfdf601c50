package io.raybridge.runtime.config;

import io.raybridge.pipeline.ComponentId;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A complete, valid configuration: every component section bound to its record, the pipelines, and
 * the service settings. Only components that some pipeline uses are listed (as in the OTel
 * Collector, configured but unused components are not started).
 */
public record ServiceConfig(
    Map<ComponentId, ComponentEntry> receivers,
    Map<ComponentId, ComponentEntry> processors,
    Map<ComponentId, ComponentEntry> exporters,
    List<PipelineConfig> pipelines,
    TelemetryConfig telemetry,
    Duration shutdownTimeout) {

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  public ServiceConfig {
    receivers = Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    processors = Collections.unmodifiableMap(new LinkedHashMap<>(processors));
    exporters = Collections.unmodifiableMap(new LinkedHashMap<>(exporters));
    pipelines = List.copyOf(pipelines);
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
  }
}
