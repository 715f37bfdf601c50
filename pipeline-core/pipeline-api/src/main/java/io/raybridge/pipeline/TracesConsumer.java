package io.raybridge.pipeline;

/**
 * Something that accepts a batch of spans: a processor, an exporter, or the fan-out the runtime
 * puts in front of several pipelines.
 *
 * <p><b>Threading.</b> {@link #consume} may be called concurrently from many threads (every
 * receiver I/O thread calls it directly); implementations must be thread-safe.
 *
 * <p><b>Blocking.</b> {@code consume} may block, for instance while a bounded queue is full; that
 * is how backpressure reaches a sender. It must not block forever: every wait is bounded by a
 * configured timeout.
 *
 * <p><b>Errors.</b> When {@code consume} returns normally the consumer owns the data: it has been
 * delivered, or it sits in a bounded buffer whose losses are counted. When it throws {@link
 * ConsumerException}, the caller still owns the data and decides, from {@link
 * ConsumerException#isRetryable()}, whether to try again. Any other runtime exception is a bug and
 * is treated as a permanent failure.
 */
@FunctionalInterface
public interface TracesConsumer {

  /**
   * Hands a batch to this consumer.
   *
   * @throws ConsumerException when the batch was not accepted
   */
  void consume(Traces traces);
}
