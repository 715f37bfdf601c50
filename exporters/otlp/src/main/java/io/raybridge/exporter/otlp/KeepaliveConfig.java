package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;

/**
 * {@code keepalive} of the gRPC exporter: HTTP/2 pings that detect a dead connection (a load
 * balancer that dropped it silently) before a request times out on it. Keys as in the Collector.
 *
 * @param time how long the connection may be idle before a ping (default 30s, at least 10s)
 * @param timeout how long to wait for the ping's answer before closing the connection (default 10s)
 * @param permitWithoutStream whether to ping when no call is active (default false)
 */
public record KeepaliveConfig(
    @JsonProperty("time") Duration time,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("permit_without_stream") Boolean permitWithoutStream) {

  public static final Duration DEFAULT_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** gRPC servers answer more frequent pings with GOAWAY ("too_many_pings"). */
  static final Duration MIN_TIME = Duration.ofSeconds(10);

  public KeepaliveConfig {
    time = time == null ? DEFAULT_TIME : time;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    permitWithoutStream = permitWithoutStream != null && permitWithoutStream;
    new Violations()
        .check(
            time.compareTo(MIN_TIME) >= 0,
            "time",
            "must be >= 10s (servers refuse more frequent pings), was " + Durations.format(time))
        .check(
            !timeout.isNegative() && !timeout.isZero(),
            "timeout",
            "must be > 0, was " + Durations.format(timeout))
        .throwIfAny();
  }
}
