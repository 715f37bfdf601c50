package io.raybridge.exporter.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Creates {@code awsxray} exporters: spans are converted to X-Ray segment documents and uploaded
 * with PutTraceSegments, with retries, a sending queue, adaptive throttling and per-document
 * handling of {@code UnprocessedTraceSegments}. Uploads go through the AWS SDK's {@code
 * XRayClient}; credentials come from the SDK's default chain (and STS when {@code role_arn} is
 * set).
 */
public final class AwsXRayExporterFactory implements ExporterFactory<AwsXRayExporterConfig> {

  /** The component type. */
  public static final String TYPE = "awsxray";

  /** Base credentials; null for the SDK's default chain. */
  private final AwsCredentialsProvider credentials;

  /** The factory {@link java.util.ServiceLoader} creates: the SDK's default credentials chain. */
  public AwsXRayExporterFactory() {
    this(null);
  }

  /** A factory whose exporters sign with {@code credentials} (tests against a fake API). */
  AwsXRayExporterFactory(AwsCredentialsProvider credentials) {
    this.credentials = credentials;
  }

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
    return new AwsXRayExporter(settings, config, credentials);
  }
}
