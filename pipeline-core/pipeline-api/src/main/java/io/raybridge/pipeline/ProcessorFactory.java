package io.raybridge.pipeline;

/**
 * Creates processors of one type; the runtime creates one instance per pipeline. Listed in {@code
 * META-INF/services/io.raybridge.pipeline.ProcessorFactory}.
 *
 * @param <C> the configuration record
 */
public interface ProcessorFactory<C> extends ComponentFactory<C> {

  /** Creates a processor that passes its output to {@code next}. */
  Processor create(ComponentSettings settings, C config, TracesConsumer next);
}
