package io.raybridge.runtime.plugin;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentKind;
import java.util.Objects;

/**
 * One factory found by the {@link ComponentRegistry}, with where it came from.
 *
 * @param kind receiver, processor or exporter
 * @param type the component type as written in YAML
 * @param factory the factory instance
 * @param origin the module name, or the file name of the jar or directory the factory class was
 *     loaded from ({@code raybridge-receiver-otlp-0.1.0.jar}), or {@code unknown}
 */
public record InstalledComponent(
    ComponentKind kind, String type, ComponentFactory<?> factory, String origin) {

  public InstalledComponent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(origin, "origin");
  }

  /** The fully qualified name of the factory class. */
  public String factoryClassName() {
    return factory.getClass().getName();
  }
}
