package io.raybridge.pipeline.exporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.Traces;

/** {@code sending_queue.sizer}: the unit in which {@code queue_size} is counted. */
public enum QueueSizer {
  /** One unit per batch, whatever its size: the Collector's default and the cheapest. */
  @JsonProperty("requests")
  REQUESTS,
  /** One unit per span. */
  @JsonProperty("items")
  ITEMS;

  /** The size of {@code traces} in this unit. */
  public long sizeOf(Traces traces) {
    return this == REQUESTS ? 1 : traces.spanCount();
  }
}
