package io.raybridge.exporter.file;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.exporter.ExporterHelper;
import java.util.Objects;

/**
 * Creates {@code file} exporters, which write spans to local files as OTLP/JSON lines,
 * length-delimited OTLP protobuf or X-Ray segment documents, with optional compression, rotation
 * and grouping by a resource attribute. Failed writes are retried through the sending queue.
 */
public final class FileExporterFactory implements ExporterFactory<FileExporterConfig> {

  /** The component type. */
  public static final String TYPE = "file";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<FileExporterConfig> configType() {
    return FileExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, FileExporterConfig config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    FileExporter file = new FileExporter(settings, config);
    return ExporterHelper.builder(settings, file::export)
        .retry(config.retryOnFailure())
        .queue(config.sendingQueue())
        .onStart(file::start)
        .onShutdown(file::shutdown)
        .build();
  }
}
