package io.raybridge.pipeline;

import java.time.Duration;

/**
 * The lifecycle every receiver, processor and exporter shares.
 *
 * <p>The runtime calls {@link #start()} once, and {@link #shutdown(Duration)} once, even when
 * {@code start} failed, so a component must be able to shut down from any state. Calls to {@code
 * shutdown} after the first are harmless no-ops.
 *
 * <p>Start order across a pipeline is exporters, then processors, then receivers; shutdown runs the
 * other way round, so that a component shutting down may still hand its buffered data to the next
 * one.
 */
public interface Component {

  /**
   * Acquires resources (sockets, threads, files). A failure here stops the whole collector with a
   * message naming this component, so the exception should say what went wrong in user terms
   * ("address 127.0.0.1:4317 already in use").
   */
  void start() throws Exception;

  /**
   * Stops accepting data, drains what is buffered into the next consumer, and releases resources,
   * within {@code timeout}. Whatever could not be delivered within the timeout must be counted and
   * logged once with the count; it must never vanish silently. Must not throw.
   */
  void shutdown(Duration timeout);
}
