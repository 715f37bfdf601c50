package io.raybridge.runtime.config;

import io.raybridge.pipeline.ComponentId;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code service.pipelines}: {@code traces} or {@code traces/NAME}, with the ids of
 * its receivers, processors (in order) and exporters.
 */
public record PipelineConfig(
    String id,
    List<ComponentId> receivers,
    List<ComponentId> processors,
    List<ComponentId> exporters) {

  public PipelineConfig {
    Objects.requireNonNull(id, "id");
    receivers = List.copyOf(receivers);
    processors = List.copyOf(processors);
    exporters = List.copyOf(exporters);
  }
}
