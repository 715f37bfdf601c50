package io.raybridge.receiver.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.config.TlsServerConfig;
import io.raybridge.pipeline.config.Violations;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the {@code otlp} receiver, with the OpenTelemetry Collector's key names and
 * defaults.
 *
 * <p>A protocol starts only when it is listed under {@code protocols}; a protocol key with no value
 * ({@code grpc:}) starts it with its defaults. When {@code protocols} is missing altogether both
 * protocols start with their defaults, so that {@code otlp: {}} is a working receiver on loopback.
 *
 * @param protocols the protocols to serve
 * @param auth optional bearer-token authentication, applied to both protocols
 */
public record OtlpReceiverConfig(
    @JsonProperty("protocols") Protocols protocols, @JsonProperty("auth") Auth auth) {

  public OtlpReceiverConfig {
    if (protocols == null) {
      protocols = new Protocols(GrpcConfig.defaults(), HttpConfig.defaults());
    }
  }

  /** The defaults: both protocols on their loopback endpoints, no authentication. */
  public static OtlpReceiverConfig defaults() {
    return new OtlpReceiverConfig(null, null);
  }

  /**
   * The protocols to serve; {@code null} means the protocol is not served.
   *
   * @param grpc OTLP/gRPC
   * @param http OTLP/HTTP
   */
  public record Protocols(
      @JsonProperty("grpc") @JsonDeserialize(using = GrpcOrDefaults.class) GrpcConfig grpc,
      @JsonProperty("http") @JsonDeserialize(using = HttpOrDefaults.class) HttpConfig http) {

    public Protocols {
      new Violations()
          .check(
              grpc != null || http != null,
              "",
              "must configure at least one protocol: grpc or http")
          .throwIfAny();
    }
  }

  /**
   * OTLP over gRPC.
   *
   * @param endpoint {@code host:port} to listen on; port 0 picks a free port
   * @param maxRecvMsgSizeMib the largest request accepted, in MiB (after decompression)
   * @param maxConcurrentStreams the most concurrent calls per connection; 0 means no limit
   * @param keepalive keepalive parameters and enforcement
   * @param tls TLS, and mutual TLS when {@code client_ca_file} is set
   */
  public record GrpcConfig(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("max_recv_msg_size_mib") Integer maxRecvMsgSizeMib,
      @JsonProperty("max_concurrent_streams") Integer maxConcurrentStreams,
      @JsonProperty("keepalive") Keepalive keepalive,
      @JsonProperty("tls") TlsServerConfig tls) {

    public static final String DEFAULT_ENDPOINT = "127.0.0.1:4317";
    public static final int DEFAULT_MAX_RECV_MSG_SIZE_MIB = 4;

    public GrpcConfig {
      endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
      maxRecvMsgSizeMib =
          maxRecvMsgSizeMib == null ? DEFAULT_MAX_RECV_MSG_SIZE_MIB : maxRecvMsgSizeMib;
      maxConcurrentStreams = maxConcurrentStreams == null ? 0 : maxConcurrentStreams;
      Violations v = new Violations();
      Endpoints.check(v, "endpoint", endpoint);
      v.check(
          maxRecvMsgSizeMib > 0 && maxRecvMsgSizeMib <= 2047,
          "max_recv_msg_size_mib",
          "must be between 1 and 2047, was " + maxRecvMsgSizeMib);
      v.check(
          maxConcurrentStreams >= 0,
          "max_concurrent_streams",
          "must be >= 0, was " + maxConcurrentStreams);
      v.throwIfAny();
    }

    /** The gRPC defaults. */
    public static GrpcConfig defaults() {
      return new GrpcConfig(null, null, null, null, null);
    }

    int maxRecvMsgSizeBytes() {
      return maxRecvMsgSizeMib * 1024 * 1024;
    }
  }

  /**
   * gRPC keepalive, as in the Collector's {@code configgrpc}.
   *
   * @param serverParameters what the server does to idle and old connections
   * @param enforcementPolicy how often clients may ping
   */
  public record Keepalive(
      @JsonProperty("server_parameters") ServerParameters serverParameters,
      @JsonProperty("enforcement_policy") EnforcementPolicy enforcementPolicy) {}

  /**
   * Server-side keepalive; an unset value leaves gRPC's default (no limit).
   *
   * @param maxConnectionIdle close a connection idle for this long
   * @param maxConnectionAge close a connection after this long
   * @param maxConnectionAgeGrace let calls finish for this long after {@code max_connection_age}
   * @param time ping a client silent for this long
   * @param timeout close the connection when a ping is not answered within this time
   */
  public record ServerParameters(
      @JsonProperty("max_connection_idle") Duration maxConnectionIdle,
      @JsonProperty("max_connection_age") Duration maxConnectionAge,
      @JsonProperty("max_connection_age_grace") Duration maxConnectionAgeGrace,
      @JsonProperty("time") Duration time,
      @JsonProperty("timeout") Duration timeout) {

    public ServerParameters {
      Violations v = new Violations();
      positive(v, "max_connection_idle", maxConnectionIdle);
      positive(v, "max_connection_age", maxConnectionAge);
      positive(v, "max_connection_age_grace", maxConnectionAgeGrace);
      positive(v, "time", time);
      positive(v, "timeout", timeout);
      v.throwIfAny();
    }
  }

  /**
   * Limits on client pings; a client that pings more often is disconnected.
   *
   * @param minTime the shortest interval between pings a client may use (gRPC default 5m)
   * @param permitWithoutStream whether clients may ping with no call in flight (default false)
   */
  public record EnforcementPolicy(
      @JsonProperty("min_time") Duration minTime,
      @JsonProperty("permit_without_stream") Boolean permitWithoutStream) {

    public EnforcementPolicy {
      permitWithoutStream = permitWithoutStream != null && permitWithoutStream;
      Violations v = new Violations();
      v.check(minTime == null || !minTime.isNegative(), "min_time", "must be >= 0, was " + minTime);
      v.throwIfAny();
    }
  }

  /**
   * OTLP over HTTP/1.1.
   *
   * @param endpoint {@code host:port} to listen on; port 0 picks a free port
   * @param tracesUrlPath the path that accepts trace exports
   * @param maxRequestBodySize the largest request body accepted, in bytes, compressed or not
   * @param cors cross-origin requests from browsers; none are allowed when unset
   * @param tls TLS, and mutual TLS when {@code client_ca_file} is set
   */
  public record HttpConfig(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("traces_url_path") String tracesUrlPath,
      @JsonProperty("max_request_body_size") Long maxRequestBodySize,
      @JsonProperty("cors") Cors cors,
      @JsonProperty("tls") TlsServerConfig tls) {

    public static final String DEFAULT_ENDPOINT = "127.0.0.1:4318";
    public static final String DEFAULT_TRACES_URL_PATH = "/v1/traces";
    public static final long DEFAULT_MAX_REQUEST_BODY_SIZE = 20L * 1024 * 1024;

    public HttpConfig {
      endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
      tracesUrlPath = tracesUrlPath == null ? DEFAULT_TRACES_URL_PATH : tracesUrlPath;
      maxRequestBodySize =
          maxRequestBodySize == null ? DEFAULT_MAX_REQUEST_BODY_SIZE : maxRequestBodySize;
      Violations v = new Violations();
      Endpoints.check(v, "endpoint", endpoint);
      v.check(
          tracesUrlPath.startsWith("/") && !tracesUrlPath.contains("?"),
          "traces_url_path",
          "must start with '/' and hold no query, was '" + tracesUrlPath + "'");
      v.check(
          maxRequestBodySize > 0 && maxRequestBodySize <= Integer.MAX_VALUE,
          "max_request_body_size",
          "must be between 1 and " + Integer.MAX_VALUE + ", was " + maxRequestBodySize);
      v.throwIfAny();
    }

    /** The HTTP defaults. */
    public static HttpConfig defaults() {
      return new HttpConfig(null, null, null, null, null);
    }
  }

  /**
   * Cross-origin resource sharing for browser clients.
   *
   * @param allowedOrigins origins allowed to send, exactly or with {@code *} wildcards ({@code
   *     https://*.example.com}); {@code *} alone allows any origin
   * @param allowedHeaders request headers allowed besides the ones OTLP needs; {@code *} allows any
   * @param maxAge how long, in seconds, a browser may cache a preflight answer; 0 leaves it unset
   */
  public record Cors(
      @JsonProperty("allowed_origins") List<String> allowedOrigins,
      @JsonProperty("allowed_headers") List<String> allowedHeaders,
      @JsonProperty("max_age") Integer maxAge) {

    public Cors {
      allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
      allowedHeaders = allowedHeaders == null ? List.of() : List.copyOf(allowedHeaders);
      maxAge = maxAge == null ? 0 : maxAge;
      Violations v = new Violations();
      for (int i = 0; i < allowedOrigins.size(); i++) {
        v.check(
            !allowedOrigins.get(i).isBlank(), "allowed_origins[" + i + "]", "must not be blank");
      }
      v.check(maxAge >= 0, "max_age", "must be >= 0, was " + maxAge);
      v.throwIfAny();
    }
  }

  /**
   * Bearer-token authentication: requests must carry {@code Authorization: Bearer <token>}.
   *
   * @param bearerToken the expected token, usually {@code ${env:NAME}}
   */
  public record Auth(@JsonProperty("bearer_token") String bearerToken) {

    public Auth {
      new Violations()
          .check(bearerToken != null && !bearerToken.isBlank(), "bearer_token", "must not be empty")
          .throwIfAny();
    }

    @Override
    public String toString() {
      return "Auth[bearer_token=<redacted>]";
    }
  }

  private static void positive(Violations v, String key, Duration d) {
    v.check(d == null || (!d.isNegative() && !d.isZero()), key, "must be > 0, was " + d);
  }

  /**
   * Binds an explicit {@code grpc:} with no value to the defaults, and leaves a missing key null.
   */
  static final class GrpcOrDefaults extends StdDeserializer<GrpcConfig> {
    private static final long serialVersionUID = 1L;

    GrpcOrDefaults() {
      super(GrpcConfig.class);
    }

    @Override
    public GrpcConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return ctxt.readValue(p, GrpcConfig.class);
    }

    @Override
    public GrpcConfig getNullValue(DeserializationContext ctxt) {
      return GrpcConfig.defaults();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
      return null;
    }
  }

  /**
   * Binds an explicit {@code http:} with no value to the defaults, and leaves a missing key null.
   */
  static final class HttpOrDefaults extends StdDeserializer<HttpConfig> {
    private static final long serialVersionUID = 1L;

    HttpOrDefaults() {
      super(HttpConfig.class);
    }

    @Override
    public HttpConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return ctxt.readValue(p, HttpConfig.class);
    }

    @Override
    public HttpConfig getNullValue(DeserializationContext ctxt) {
      return HttpConfig.defaults();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
      return null;
    }
  }
}
