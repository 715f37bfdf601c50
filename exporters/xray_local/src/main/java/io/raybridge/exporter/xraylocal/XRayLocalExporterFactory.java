package io.raybridge.exporter.xraylocal;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;

/**
 * Creates {@code xray_local} exporters: a local X-Ray-compatible service. Spans are converted to
 * X-Ray segment documents and stored in memory (optionally on disk); the X-Ray API (AWS's paths and
 * JSON shapes, usable with the AWS CLI and SDKs through an endpoint override) and a web console are
 * served at {@code endpoint}.
 */
public final class XRayLocalExporterFactory implements ExporterFactory<XRayLocalExporterConfig> {

  /** The component type. */
  public static final String TYPE = "xray_local";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<XRayLocalExporterConfig> configType() {
    return XRayLocalExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, XRayLocalExporterConfig config) {
    return new XRayLocalExporter(settings, config, XRayApi.DEFAULT_PAGE_SIZE);
  }
}
