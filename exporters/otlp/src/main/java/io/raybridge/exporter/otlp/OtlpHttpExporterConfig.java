package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code otlphttp} (OTLP/HTTP) exporter, with the OpenTelemetry Collector's
 * keys and defaults.
 *
 * @param endpoint base URL (default {@code http://localhost:4318}); traces go to {@code
 *     <endpoint>/v1/traces}
 * @param tracesEndpoint the full URL for traces, used exactly as written instead of {@code
 *     <endpoint>/v1/traces}
 * @param encoding the body: {@code proto} (default) or {@code json} (OTLP/JSON)
 * @param compression {@code gzip} (default), {@code zstd} or {@code none}
 * @param compressionParams the compression level; see {@link CompressionParams}
 * @param headers HTTP headers sent with every request; values may use {@code ${env:NAME}}
 * @param timeout the time one request may take (default 30s, as the Collector's otlphttp); 0 means
 *     none
 * @param tls TLS settings for {@code https://} URLs ({@code insecure} does not apply: the scheme
 *     decides)
 * @param auth request authentication ({@code sigv4})
 * @param sendingQueue the sending queue
 * @param retryOnFailure the retry policy
 */
public record OtlpHttpExporterConfig(
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("traces_endpoint") String tracesEndpoint,
    @JsonProperty("encoding") Encoding encoding,
    @JsonProperty("compression") Compression compression,
    @JsonProperty("compression_params") CompressionParams compressionParams,
    @JsonProperty("headers") Map<String, String> headers,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("tls") TlsClientConfig tls,
    @JsonProperty("auth") AuthConfig auth,
    @JsonProperty("sending_queue") QueueConfig sendingQueue,
    @JsonProperty("retry_on_failure") RetryConfig retryOnFailure) {

  public static final String DEFAULT_ENDPOINT = "http://localhost:4318";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final String TRACES_PATH = "/v1/traces";

  /** The request body encoding. */
  public enum Encoding {
    /** Binary protobuf, {@code application/x-protobuf}. */
    @JsonProperty("proto")
    PROTO,
    /** OTLP/JSON, {@code application/json}. */
    @JsonProperty("json")
    JSON
  }

  public OtlpHttpExporterConfig {
    endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.trim();
    tracesEndpoint =
        tracesEndpoint == null || tracesEndpoint.isBlank() ? null : tracesEndpoint.trim();
    encoding = encoding == null ? Encoding.PROTO : encoding;
    compression = compression == null ? Compression.GZIP : compression;
    compressionParams =
        compressionParams == null ? CompressionParams.defaults() : compressionParams;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    tls = tls == null ? TlsClientConfig.defaults() : tls;
    sendingQueue = sendingQueue == null ? QueueConfig.defaults() : sendingQueue;
    retryOnFailure = retryOnFailure == null ? RetryConfig.defaults() : retryOnFailure;
    Violations v = new Violations();
    checkUrl(v, "endpoint", endpoint);
    compressionParams.validate(v, compression);
    if (tracesEndpoint != null) {
      checkUrl(v, "traces_endpoint", tracesEndpoint);
    }
    Headers.validate(v, headers, false);
    ExporterHelper.validateTimeout(v, timeout);
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static OtlpHttpExporterConfig defaults() {
    return new OtlpHttpExporterConfig(
        null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The URL traces are posted to. */
  URI tracesUri() {
    if (tracesEndpoint != null) {
      return URI.create(tracesEndpoint);
    }
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return URI.create(base + TRACES_PATH);
  }

  private static void checkUrl(Violations v, String key, String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      v.check(
          (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null,
          key,
          "must be an http:// or https:// URL with a host, was '" + value + "'");
    } catch (URISyntaxException e) {
      v.add(key, "is not a valid URL: '" + value + "' (" + e.getReason() + ")");
    }
  }

  /**
   * {@code auth}: how requests are authenticated.
   *
   * @param sigv4 AWS Signature Version 4, for the X-Ray OTLP endpoint
   */
  public record AuthConfig(@JsonProperty("sigv4") SigV4Config sigv4) {}

  /**
   * {@code auth.sigv4}: signs every request with AWS Signature Version 4, with credentials from the
   * AWS SDK's default chain (environment, profile, web identity, container or instance role).
   *
   * @param region the signing region; when absent, taken from an endpoint of the form {@code
   *     xray.<region>.amazonaws.com}, then from the SDK's default region chain
   * @param service the signing name (default {@code xray})
   * @param roleArn a role to assume through STS with the default credentials, if set
   */
  public record SigV4Config(
      @JsonProperty("region") String region,
      @JsonProperty("service") String service,
      @JsonProperty("role_arn") String roleArn) {

    public static final String DEFAULT_SERVICE = "xray";
    private static final Pattern AWS_HOST =
        Pattern.compile("^[a-z0-9-]+\\.([a-z]{2}(-[a-z]+)+-\\d+)\\.amazonaws\\.com(\\.cn)?$");

    public SigV4Config {
      region = region == null || region.isBlank() ? null : region.trim();
      service = service == null || service.isBlank() ? DEFAULT_SERVICE : service.trim();
      roleArn = roleArn == null || roleArn.isBlank() ? null : roleArn.trim();
      new Violations()
          .check(
              roleArn == null || roleArn.startsWith("arn:"),
              "role_arn",
              "must be a role ARN (arn:aws:iam::<account>:role/<name>), was '" + roleArn + "'")
          .throwIfAny();
    }

    /** The region in an AWS service host name ({@code xray.us-west-2.amazonaws.com}), if any. */
    static String regionOfHost(String host) {
      if (host == null) {
        return null;
      }
      Matcher m = AWS_HOST.matcher(host.toLowerCase(Locale.ROOT));
      return m.matches() ? m.group(1) : null;
    }
  }
}
