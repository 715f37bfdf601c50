package io.raybridge.pipeline.exporter;

import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import java.time.Duration;

/**
 * What an exporter does once: send one batch to its destination. {@link ExporterHelper} adds the
 * sending queue, retries and the timeout around it.
 *
 * <p><b>Threading.</b> Called concurrently from the queue's consumer threads (or from callers'
 * threads when the queue is disabled); must be thread-safe.
 *
 * <p><b>Blocking.</b> May block for I/O, but must give up after {@code timeout} (typically by using
 * it as the RPC or HTTP deadline); the helper does not interrupt it. A zero timeout means "no limit
 * beyond the destination's own".
 *
 * <p><b>Errors.</b> Returns normally when the destination accepted the batch. Throws {@link
 * ConsumerException#retryable} for failures that may go away (connection refused, 429, 503,
 * deadline exceeded; with {@code retryAfter} when the destination says when), and {@link
 * ConsumerException#permanent} when the destination rejected the data itself. Any other runtime
 * exception is treated as permanent.
 */
@FunctionalInterface
public interface ExportFunction {

  /** Sends {@code traces}, giving up after {@code timeout}. */
  void export(Traces traces, Duration timeout);
}
