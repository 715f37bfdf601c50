package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.InvalidConfigException;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the {@code otlp} (OTLP/gRPC) exporter, with the OpenTelemetry Collector's keys
 * and defaults.
 *
 * @param endpoint {@code host:port} of the OTLP/gRPC server (default {@code localhost:4317}); an
 *     {@code https://} prefix forces TLS and {@code http://} plaintext, overriding {@code
 *     tls.insecure}
 * @param compression {@code gzip} (default), {@code zstd} or {@code none}
 * @param compressionParams the compression level; see {@link CompressionParams}
 * @param headers gRPC metadata sent with every request; values may use {@code ${env:NAME}}
 * @param timeout the deadline of one export call (default 5s); 0 means none
 * @param tls TLS settings; TLS is on unless {@code insecure: true}
 * @param keepalive keepalive pings; none when absent
 * @param sendingQueue the sending queue
 * @param retryOnFailure the retry policy
 */
public record OtlpExporterConfig(
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("compression") Compression compression,
    @JsonProperty("compression_params") CompressionParams compressionParams,
    @JsonProperty("headers") Map<String, String> headers,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("tls") TlsClientConfig tls,
    @JsonProperty("keepalive") KeepaliveConfig keepalive,
    @JsonProperty("sending_queue") QueueConfig sendingQueue,
    @JsonProperty("retry_on_failure") RetryConfig retryOnFailure) {

  public static final String DEFAULT_ENDPOINT = "localhost:4317";

  public OtlpExporterConfig {
    endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.trim();
    compression = compression == null ? Compression.GZIP : compression;
    compressionParams =
        compressionParams == null ? CompressionParams.defaults() : compressionParams;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    timeout = ExporterHelper.timeoutOrDefault(timeout);
    tls = tls == null ? TlsClientConfig.defaults() : tls;
    sendingQueue = sendingQueue == null ? QueueConfig.defaults() : sendingQueue;
    retryOnFailure = retryOnFailure == null ? RetryConfig.defaults() : retryOnFailure;
    Violations v = new Violations();
    try {
      GrpcTarget.parse(endpoint, tls.insecure());
    } catch (InvalidConfigException e) {
      v.addAll("", e.violations());
    }
    compressionParams.validate(v, compression);
    Headers.validate(v, headers, true);
    ExporterHelper.validateTimeout(v, timeout);
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static OtlpExporterConfig defaults() {
    return new OtlpExporterConfig(null, null, null, null, null, null, null, null, null);
  }
}
