package io.raybridge.testing.sample;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import java.time.Duration;

/** How an exporter config embeds the helper's keys. */
public record SampleExporterConfig(
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("retry_on_failure") RetryConfig retryOnFailure,
    @JsonProperty("sending_queue") QueueConfig sendingQueue) {

  public SampleExporterConfig {
    timeout = ExporterHelper.timeoutOrDefault(timeout);
    retryOnFailure = retryOnFailure == null ? RetryConfig.defaults() : retryOnFailure;
    sendingQueue = sendingQueue == null ? QueueConfig.defaults() : sendingQueue;
    Violations v = new Violations();
    ExporterHelper.validateTimeout(v, timeout);
    v.throwIfAny();
  }
}
