package io.raybridge.runtime.service;

import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.util.List;

/**
 * Hands every batch to several consumers: a receiver shared by pipelines, or a pipeline with
 * several exporters. Batches are immutable, so nothing is copied. Every consumer is called even
 * when an earlier one fails; the caller then sees one failure, retryable if any was retryable (so
 * the sender backs off and tries again, accepting that consumers which succeeded may see the data
 * twice, as in the OpenTelemetry Collector).
 */
final class FanoutConsumer implements TracesConsumer {

  private final List<TracesConsumer> consumers;

  private FanoutConsumer(List<TracesConsumer> consumers) {
    this.consumers = consumers;
  }

  static TracesConsumer of(List<? extends TracesConsumer> consumers) {
    if (consumers.size() == 1) {
      return consumers.get(0);
    }
    return new FanoutConsumer(List.copyOf(consumers));
  }

  @Override
  public void consume(Traces traces) {
    ConsumerException retryable = null;
    ConsumerException permanent = null;
    for (TracesConsumer consumer : consumers) {
      try {
        consumer.consume(traces);
      } catch (RuntimeException e) {
        ConsumerException ce = ConsumerException.from(e);
        if (ce.isRetryable()) {
          retryable = retryable == null ? ce : retryable;
        } else {
          permanent = permanent == null ? ce : permanent;
        }
      }
    }
    if (retryable != null) {
      if (permanent != null) {
        retryable.addSuppressed(permanent);
      }
      throw retryable;
    }
    if (permanent != null) {
      throw permanent;
    }
  }
}
