package io.raybridge.pipeline;

/**
 * What every factory shares: the component type it creates and the record its configuration binds
 * to. Factories are discovered with {@link java.util.ServiceLoader}, must have a public no-argument
 * constructor and be stateless.
 *
 * @param <C> the configuration record; binding {@code {}} must produce the defaults
 */
public interface ComponentFactory<C> {

  /** The component type as written in YAML ({@code otlp}, {@code tail_sampling}). */
  String type();

  /** The immutable record the component's YAML section binds to. */
  Class<C> configType();
}
