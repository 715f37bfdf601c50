package io.raybridge.pipeline.exporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;

/**
 * {@code sending_queue}: the bounded buffer between an exporter's callers and the threads that
 * export, with the keys and defaults of the OpenTelemetry Collector's exporterhelper plus a byte
 * bound.
 *
 * <p>The queue is full when either bound would be exceeded: {@code queue_size} counted in {@code
 * sizer} units (by default 1000 batches, as in the Collector), or {@code max_size_mib} mebibytes of
 * batches measured by their OTLP encoded size ({@link
 * io.raybridge.pipeline.Traces#estimatedSize()}: spans still held as their source documents count
 * by the documents' size, so that queueing them does not build the spans). Decoded spans take about
 * five times their encoded size on the heap, so the default of 16 MiB keeps a full queue near 80
 * MiB of heap, which fits the distribution's default 256 MiB heap with room for the rest of the
 * pipeline. A single batch larger than a bound is still accepted into an empty queue, so that it
 * cannot be stuck forever. When the queue is full a caller is refused with a retryable error, or,
 * with {@code block_on_overflow}, waits for room for at most the exporter's {@code timeout} first.
 *
 * <p>Absent keys take their defaults; validation is skipped when {@code enabled} is false.
 *
 * @param enabled whether to queue at all (default true); without a queue the caller's thread
 *     exports and retries, and receives the final error
 * @param numConsumers threads exporting from the queue (default 10); must be >= 1
 * @param queueSize capacity in {@code sizer} units (default 1000); must be >= 1
 * @param sizer {@code requests} (default) counts batches, {@code items} counts spans
 * @param maxSizeMib capacity in MiB of encoded batches (default 16); must be >= 1
 * @param blockOnOverflow whether a caller waits for room instead of being refused at once (default
 *     false)
 * @param storage where to keep the queue on disk (default: absent, the queue lives in memory and is
 *     lost on a crash); see {@link StorageConfig}
 */
public record QueueConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("num_consumers") Integer numConsumers,
    @JsonProperty("queue_size") Integer queueSize,
    @JsonProperty("sizer") QueueSizer sizer,
    @JsonProperty("max_size_mib") Integer maxSizeMib,
    @JsonProperty("block_on_overflow") Boolean blockOnOverflow,
    @JsonProperty("storage") StorageConfig storage) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_NUM_CONSUMERS = 10;
  public static final int DEFAULT_QUEUE_SIZE = 1000;
  public static final QueueSizer DEFAULT_SIZER = QueueSizer.REQUESTS;
  public static final int DEFAULT_MAX_SIZE_MIB = 16;
  public static final boolean DEFAULT_BLOCK_ON_OVERFLOW = false;

  /** Fills in defaults for absent ({@code null}) values and validates the result. */
  public QueueConfig {
    enabled = enabled == null ? DEFAULT_ENABLED : enabled;
    numConsumers = numConsumers == null ? DEFAULT_NUM_CONSUMERS : numConsumers;
    queueSize = queueSize == null ? DEFAULT_QUEUE_SIZE : queueSize;
    sizer = sizer == null ? DEFAULT_SIZER : sizer;
    maxSizeMib = maxSizeMib == null ? DEFAULT_MAX_SIZE_MIB : maxSizeMib;
    blockOnOverflow = blockOnOverflow == null ? DEFAULT_BLOCK_ON_OVERFLOW : blockOnOverflow;
    if (enabled) {
      Violations v = new Violations();
      v.check(numConsumers >= 1, "num_consumers", "must be >= 1, was " + numConsumers);
      v.check(queueSize >= 1, "queue_size", "must be >= 1, was " + queueSize);
      v.check(maxSizeMib >= 1, "max_size_mib", "must be >= 1, was " + maxSizeMib);
      v.throwIfAny();
    }
  }

  /** The queue in memory ({@code storage} absent). */
  public QueueConfig(
      Boolean enabled,
      Integer numConsumers,
      Integer queueSize,
      QueueSizer sizer,
      Integer maxSizeMib,
      Boolean blockOnOverflow) {
    this(enabled, numConsumers, queueSize, sizer, maxSizeMib, blockOnOverflow, null);
  }

  /** Every key at its default. */
  public static QueueConfig defaults() {
    return new QueueConfig(null, null, null, null, null, null);
  }

  /** No queue: callers export on their own thread. */
  public static QueueConfig disabled() {
    return new QueueConfig(false, null, null, null, null, null);
  }

  /** This queue kept on disk as {@code storage} says. */
  public QueueConfig withStorage(StorageConfig storage) {
    return new QueueConfig(
        enabled, numConsumers, queueSize, sizer, maxSizeMib, blockOnOverflow, storage);
  }

  /** The byte bound. */
  public long maxSizeBytes() {
    return (long) maxSizeMib * 1024 * 1024;
  }
}
