package io.raybridge.processor.batch;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Configuration of the {@code batch} processor. Keys and defaults follow the OpenTelemetry
 * Collector's batch processor, plus {@code send_batch_max_size_bytes}.
 *
 * @param sendBatchSize spans after which a batch is sent regardless of the timeout; 0 sends every
 *     batch as it arrives
 * @param sendBatchMaxSize the most spans in one sent batch, 0 for no limit; larger batches are
 *     split
 * @param sendBatchMaxSizeBytes the largest sent batch, in bytes of its OTLP encoding, 0 for no
 *     limit; larger batches are split
 * @param timeout how long a span may wait for its batch to fill; 0 sends every batch as it arrives
 * @param metadataKeys resource attributes whose values partition the data into separate batches
 * @param metadataCardinalityLimit the most distinct value combinations of {@code metadata_keys}
 */
public record BatchProcessorConfig(
    @JsonProperty("send_batch_size") Integer sendBatchSize,
    @JsonProperty("send_batch_max_size") Integer sendBatchMaxSize,
    @JsonProperty("send_batch_max_size_bytes") Integer sendBatchMaxSizeBytes,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("metadata_keys") List<String> metadataKeys,
    @JsonProperty("metadata_cardinality_limit") Integer metadataCardinalityLimit) {

  public static final int DEFAULT_SEND_BATCH_SIZE = 8192;
  public static final int DEFAULT_SEND_BATCH_MAX_SIZE = 0;

  /** 4 MiB: the largest message a gRPC server accepts unless configured otherwise. */
  public static final int DEFAULT_SEND_BATCH_MAX_SIZE_BYTES = 4 * 1024 * 1024;

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
  public static final int DEFAULT_METADATA_CARDINALITY_LIMIT = 1000;

  public BatchProcessorConfig {
    sendBatchSize = sendBatchSize == null ? DEFAULT_SEND_BATCH_SIZE : sendBatchSize;
    sendBatchMaxSize = sendBatchMaxSize == null ? DEFAULT_SEND_BATCH_MAX_SIZE : sendBatchMaxSize;
    sendBatchMaxSizeBytes =
        sendBatchMaxSizeBytes == null ? DEFAULT_SEND_BATCH_MAX_SIZE_BYTES : sendBatchMaxSizeBytes;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    metadataKeys = metadataKeys == null ? List.of() : metadataKeys;
    metadataCardinalityLimit =
        metadataCardinalityLimit == null
            ? DEFAULT_METADATA_CARDINALITY_LIMIT
            : metadataCardinalityLimit;

    Violations v = new Violations();
    v.check(
        sendBatchSize >= 0,
        "send_batch_size",
        "send_batch_size (" + sendBatchSize + ") must be >= 0");
    v.check(
        sendBatchMaxSize >= 0,
        "send_batch_max_size",
        "send_batch_max_size (" + sendBatchMaxSize + ") must be >= 0");
    if (sendBatchMaxSize > 0 && sendBatchSize >= 0) {
      v.check(
          sendBatchMaxSize >= sendBatchSize,
          "send_batch_max_size",
          "send_batch_max_size ("
              + sendBatchMaxSize
              + ") must be >= send_batch_size ("
              + sendBatchSize
              + ")");
    }
    v.check(
        sendBatchMaxSizeBytes >= 0,
        "send_batch_max_size_bytes",
        "send_batch_max_size_bytes (" + sendBatchMaxSizeBytes + ") must be >= 0");
    v.check(
        !timeout.isNegative(),
        "timeout",
        "timeout (" + Durations.format(timeout) + ") must be >= 0s");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < metadataKeys.size(); i++) {
      String key = metadataKeys.get(i);
      String path = "metadata_keys[" + i + "]";
      if (key == null || key.isBlank()) {
        v.add(path, "metadata key must not be empty");
      } else if (!seen.add(key)) {
        v.add(path, "duplicate metadata key '" + key + "'");
      }
    }
    v.check(
        metadataCardinalityLimit >= 1,
        "metadata_cardinality_limit",
        "metadata_cardinality_limit (" + metadataCardinalityLimit + ") must be >= 1");
    v.throwIfAny();
    metadataKeys = List.copyOf(metadataKeys);
  }

  /** The defaults: what {@code {}} binds to. */
  public static BatchProcessorConfig defaults() {
    return new BatchProcessorConfig(null, null, null, null, null, null);
  }
}
