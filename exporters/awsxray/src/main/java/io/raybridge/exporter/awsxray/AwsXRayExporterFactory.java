package io.raybridge.exporter.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;

/**
 * Creates {@code awsxray} exporters: spans are converted to X-Ray segment documents and uploaded
 * with PutTraceSegments, with retries, a sending queue, adaptive throttling and per-document
 * handling of {@code UnprocessedTraceSegments}. Credentials come from the AWS SDK's default chain.
 */
public final class AwsXRayExporterFactory implements ExporterFactory<AwsXRayExporterConfig> {

  /** The component type. */
  public static final String TYPE = "awsxray";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<AwsXRayExporterConfig> configType() {
    return AwsXRayExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, AwsXRayExporterConfig config) {
    return new AwsXRayExporter(settings, config, null);
  }
}
