package io.raybridge.runtime.config;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import java.util.Objects;

/**
 * One component section of a valid config: its id, the factory that makes it and the bound,
 * validated config record.
 */
public record ComponentEntry(
    ComponentId id, ComponentKind kind, ComponentFactory<?> factory, Object config) {

  public ComponentEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(config, "config");
  }
}
