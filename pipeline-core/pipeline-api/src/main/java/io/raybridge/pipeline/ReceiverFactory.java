package io.raybridge.pipeline;

/**
 * Creates receivers of one type. Listed in {@code
 * META-INF/services/io.raybridge.pipeline.ReceiverFactory}.
 *
 * @param <C> the configuration record
 */
public interface ReceiverFactory<C> extends ComponentFactory<C> {

  /**
   * Creates a receiver that hands what it receives to {@code next}. Must not acquire resources;
   * that happens in {@link Component#start()}.
   */
  Receiver create(ComponentSettings settings, C config, TracesConsumer next);
}
