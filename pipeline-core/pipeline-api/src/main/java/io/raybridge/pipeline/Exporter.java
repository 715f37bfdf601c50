package io.raybridge.pipeline;

/**
 * A component that sends data out of the collector. Exporters are shared by every pipeline that
 * lists them, so {@link #consume(Traces)} is called concurrently. Timeouts, retries and a sending
 * queue are added around the export function by {@code io.raybridge.pipeline.exporter
 * .ExporterHelper}.
 */
public interface Exporter extends Component, TracesConsumer {}
