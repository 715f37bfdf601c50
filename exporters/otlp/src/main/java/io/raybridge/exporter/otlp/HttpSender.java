package io.raybridge.exporter.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.raybridge.exporter.otlp.OtlpHttpExporterConfig.Encoding;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Posts batches to an OTLP/HTTP endpoint with the JDK's HTTP client. */
final class HttpSender {

  /** Statuses the OTLP specification lists as retryable. */
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

  /** Headers the HTTP client sets itself and refuses from callers. */
  private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length");

  private static final TypeRegistry STATUS_TYPES =
      TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build();

  private final ComponentSettings settings;
  private final OtlpHttpExporterConfig config;
  private final AwsCredentialsProvider credentials;
  private final URI uri;
  private final ExportOutcomes outcomes;
  private final RateLimitedLogger rateLimited;
  private final AtomicBoolean transactionSearchExplained = new AtomicBoolean();
  private volatile HttpClient client;
  private volatile ExecutorService executor;
  private volatile SigV4Signer signer;

  /**
   * @param credentials replaces the AWS default credentials chain for {@code auth.sigv4} (tests);
   *     null in production
   */
  HttpSender(
      ComponentSettings settings,
      OtlpHttpExporterConfig config,
      AwsCredentialsProvider credentials) {
    this.settings = settings;
    this.config = config;
    this.credentials = credentials;
    this.uri = config.tracesUri();
    this.outcomes = new ExportOutcomes(settings, uri.toString());
    this.rateLimited = RateLimitedLogger.of(settings.logger());
  }

  void start() throws Exception {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    ExecutorService ex = Executors.newCachedThreadPool(settings.threadFactory());
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .executor(ex)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    if (!config.timeout().isZero()) {
      b.connectTimeout(config.timeout());
    }
    try {
      if (https) {
        b.sslContext(Tls.httpContext(config.tls()));
      }
      if (config.auth() != null && config.auth().sigv4() != null) {
        signer = SigV4Signer.create(config.auth().sigv4(), uri, credentials, settings.clock());
      }
    } catch (Exception e) {
      ex.shutdownNow();
      throw e;
    }
    executor = ex;
    client = b.build();
    settings
        .logger()
        .info(
            "Exporter {} sends OTLP/HTTP {} to {} (compression {}{})",
            settings.id(),
            config.encoding().name().toLowerCase(Locale.ROOT),
            uri,
            config.compression().encoding(),
            signer == null ? "" : ", SigV4 region " + signer.region());
  }

  void export(Traces traces, Duration timeout) {
    HttpClient c = client;
    if (c == null) {
      throw ConsumerException.retryable("exporter " + settings.id() + " is not started");
    }
    byte[] raw =
        config.encoding() == Encoding.PROTO
            ? traces.toRequestBytes()
            : OtlpJson.encode(traces.toRequest());
    byte[] body =
        Bodies.compress(
            raw, config.compression(), config.compressionParams().levelFor(config.compression()));
    Map<String, String> headers = new LinkedHashMap<>(config.headers());
    headers.put(
        "Content-Type",
        config.encoding() == Encoding.PROTO ? "application/x-protobuf" : "application/json");
    if (config.compression() != Compression.NONE) {
      headers.put("Content-Encoding", config.compression().encoding());
    }
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("User-Agent", "raybridge");
    if (!timeout.isZero()) {
      rb.timeout(timeout);
    }
    for (Map.Entry<String, List<String>> h : signedHeaders(headers, body).entrySet()) {
      if (CLIENT_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : h.getValue()) {
        rb.header(h.getKey(), value);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = c.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw ConsumerException.retryable("OTLP/HTTP export to " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConsumerException.retryable("interrupted while exporting to " + uri, e);
    }
    handle(response);
  }

  private Map<String, List<String>> signedHeaders(Map<String, String> headers, byte[] body) {
    SigV4Signer s = signer;
    if (s == null) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      headers.forEach((k, v) -> out.put(k, List.of(v)));
      return out;
    }
    try {
      return s.sign(uri, headers, body);
    } catch (RuntimeException e) {
      // Credentials may appear later (a role being attached, a profile being written): retry.
      rateLimited.warn(
          "credentials",
          "Exporter {} cannot sign requests: AWS credentials are not available: {}",
          settings.id(),
          e.getMessage());
      throw ConsumerException.retryable("cannot resolve AWS credentials: " + e.getMessage(), e);
    }
  }

  private void handle(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    byte[] body = response.body();
    if (status >= 200 && status < 300) {
      partialSuccess(contentType, body);
      return;
    }
    ErrorBody error = ErrorBody.parse(contentType, body);
    String what =
        "OTLP/HTTP export to "
            + uri
            + " failed: HTTP "
            + status
            + (error.message().isEmpty() ? "" : " (" + error.message() + ")");
    if (RETRYABLE.contains(status)) {
      Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
      throw ExportOutcomes.retryable(what, retryAfter != null ? retryAfter : error.retryDelay());
    }
    if (status == 400 && isTransactionSearchDisabled(error.message())) {
      if (transactionSearchExplained.compareAndSet(false, true)) {
        settings
            .logger()
            .error(
                "Exporter {}: the X-Ray OTLP endpoint {} refuses spans because CloudWatch"
                    + " Transaction Search is not enabled for this account and region ({})."
                    + " Enable it once, in the CloudWatch console (Application Signals >"
                    + " Transaction Search) or with `aws xray update-trace-segment-destination"
                    + " --destination CloudWatchLogs`; until then every batch is rejected and"
                    + " dropped. The endpoint said: {}",
                settings.id(),
                uri,
                signer == null ? "unknown region" : signer.region(),
                error.message());
      }
    }
    throw outcomes.permanent(
        "HTTP " + status + (error.message().isEmpty() ? "" : ": " + error.message()));
  }

  /** X-Ray answers 400 with this text while spans cannot go to CloudWatch Logs. */
  static boolean isTransactionSearchDisabled(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("trace segment destination") || m.contains("transaction search");
  }

  private void partialSuccess(String contentType, byte[] body) {
    if (body.length == 0) {
      return;
    }
    ExportTraceServiceResponse response;
    try {
      if (contentType.toLowerCase(Locale.ROOT).contains("json")) {
        ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
        JsonFormat.parser()
            .ignoringUnknownFields()
            .merge(new String(body, StandardCharsets.UTF_8), b);
        response = b.build();
      } else {
        response = ExportTraceServiceResponse.parseFrom(body);
      }
    } catch (InvalidProtocolBufferException e) {
      settings.logger().debug("Exporter {}: unreadable success response: {}", settings.id(), e);
      return;
    }
    if (response.hasPartialSuccess()) {
      ExportTracePartialSuccess ps = response.getPartialSuccess();
      outcomes.partialSuccess(ps.getRejectedSpans(), ps.getErrorMessage());
    }
  }

  /** {@code Retry-After}: delay-seconds or an HTTP date. */
  private Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(settings.clock().instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  void shutdown(Duration timeout) {
    SigV4Signer s = signer;
    if (s != null) {
      s.close();
    }
    ExecutorService ex = executor;
    if (ex != null) {
      ex.shutdownNow();
    }
  }

  /** The message and retry delay of an error response ({@code google.rpc.Status} or text). */
  record ErrorBody(String message, Duration retryDelay) {

    static ErrorBody parse(String contentType, byte[] body) {
      if (body == null || body.length == 0) {
        return new ErrorBody("", null);
      }
      String ct = contentType.toLowerCase(Locale.ROOT);
      try {
        com.google.rpc.Status status;
        if (ct.contains("protobuf")) {
          status = com.google.rpc.Status.parseFrom(body);
        } else if (ct.contains("json")) {
          com.google.rpc.Status.Builder b = com.google.rpc.Status.newBuilder();
          JsonFormat.parser()
              .usingTypeRegistry(STATUS_TYPES)
              .ignoringUnknownFields()
              .merge(new String(body, StandardCharsets.UTF_8), b);
          status = b.build();
        } else {
          return new ErrorBody(text(body), null);
        }
        Duration delay = null;
        for (Any any : status.getDetailsList()) {
          if (any.is(RetryInfo.class)) {
            com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
            delay = Duration.ofSeconds(d.getSeconds(), d.getNanos());
          }
        }
        return new ErrorBody(status.getMessage().isEmpty() ? "" : status.getMessage(), delay);
      } catch (InvalidProtocolBufferException e) {
        return new ErrorBody(text(body), null);
      }
    }

    private static String text(byte[] body) {
      String s = new String(body, 0, Math.min(body.length, 1024), StandardCharsets.UTF_8).strip();
      return s.chars().allMatch(c -> c >= 32 || c == '\n' || c == '\t') ? s : "";
    }
  }
}
