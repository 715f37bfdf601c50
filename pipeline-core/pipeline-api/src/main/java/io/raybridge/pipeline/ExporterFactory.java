package io.raybridge.pipeline;

/**
 * Creates exporters of one type; one instance is shared by every pipeline that lists it. Listed in
 * {@code META-INF/services/io.raybridge.pipeline.ExporterFactory}.
 *
 * @param <C> the configuration record
 */
public interface ExporterFactory<C> extends ComponentFactory<C> {

  /** Creates an exporter. Must not acquire resources; that happens in {@link Component#start()}. */
  Exporter create(ComponentSettings settings, C config);
}
