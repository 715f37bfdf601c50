package io.raybridge.exporter.debug;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import java.util.Objects;

/**
 * Creates {@code debug} exporters, which write what they receive to the collector's log: counts per
 * batch, one line per span, or a full dump, depending on {@code verbosity}.
 */
public final class DebugExporterFactory implements ExporterFactory<DebugExporterConfig> {

  /** The component type. */
  public static final String TYPE = "debug";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<DebugExporterConfig> configType() {
    return DebugExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, DebugExporterConfig config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    return new DebugExporter(settings, config, settings.logger()::info);
  }
}
