package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.exporter.ExporterHelper;
import java.util.Objects;

/**
 * Creates {@code otlp} exporters, which send spans to an OTLP/gRPC server (an OpenTelemetry
 * Collector, another Raybridge, a tracing backend) with the sending queue and retries of {@link
 * ExporterHelper}.
 */
public final class OtlpExporterFactory implements ExporterFactory<OtlpExporterConfig> {

  /** The component type. */
  public static final String TYPE = "otlp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<OtlpExporterConfig> configType() {
    return OtlpExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, OtlpExporterConfig config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    GrpcSender sender = new GrpcSender(settings, config);
    return ExporterHelper.builder(settings, sender::export)
        .timeout(config.timeout())
        .retry(config.retryOnFailure())
        .queue(config.sendingQueue())
        .onStart(sender::start)
        .onShutdown(sender::shutdown)
        .build();
  }
}
