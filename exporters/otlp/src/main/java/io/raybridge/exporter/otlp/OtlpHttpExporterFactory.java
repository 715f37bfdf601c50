package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.exporter.ExporterHelper;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Creates {@code otlphttp} exporters, which post spans to an OTLP/HTTP endpoint, optionally signed
 * with AWS SigV4 for the X-Ray OTLP endpoint, with the sending queue and retries of {@link
 * ExporterHelper}.
 */
public final class OtlpHttpExporterFactory implements ExporterFactory<OtlpHttpExporterConfig> {

  /** The component type. */
  public static final String TYPE = "otlphttp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<OtlpHttpExporterConfig> configType() {
    return OtlpHttpExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, OtlpHttpExporterConfig config) {
    return create(settings, config, null);
  }

  /** As {@link #create(ComponentSettings, OtlpHttpExporterConfig)}, with fixed AWS credentials. */
  static Exporter create(
      ComponentSettings settings,
      OtlpHttpExporterConfig config,
      AwsCredentialsProvider credentials) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    HttpSender sender = new HttpSender(settings, config, credentials);
    return ExporterHelper.builder(settings, sender::export)
        .timeout(config.timeout())
        .retry(config.retryOnFailure())
        .queue(config.sendingQueue())
        .onStart(sender::start)
        .onShutdown(sender::shutdown)
        .build();
  }
}
