package io.raybridge.pipeline;

/**
 * A component between receivers and exporters. It receives batches through {@link #consume(Traces)}
 * and passes (possibly changed, filtered or regrouped) batches to the consumer it was created with.
 * Stateless processors are pure functions; see {@code io.raybridge.pipeline.processor.Processors}.
 */
public interface Processor extends Component, TracesConsumer {}
