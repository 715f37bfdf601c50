package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * One {@code PutTraceSegments} call, written, signed and read here instead of through the SDK's
 * generated {@code XRayClient}: the documents are already JSON bytes, so the request body is {@code
 * {"TraceSegmentDocuments":[...]}} with each document escaped once into a JSON string.
 *
 * <p>What stays the SDK's: SigV4 ({@link AwsV4HttpSigner}, with the payload hash computed once and
 * sent as {@code x-amz-content-sha256}), credentials (the provider the exporter resolved, asked per
 * call so that refreshed STS credentials are used), and HTTP (the exporter's {@link SdkHttpClient}
 * with its proxy, TLS and socket timeouts). The call as a whole is bounded by {@code
 * request_timeout}: a timer aborts the connection when it runs out.
 *
 * <p>Thread-safe; each call blocks its thread until the answer is read.
 */
final class TraceSegmentsClient {

  /** The SDK's throttling error codes (besides HTTP 429), as its retry logic knows them. */
  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottledException",
          "TooManyRequestsException",
          "ProvisionedThroughputExceededException",
          "TransactionInProgressException",
          "RequestLimitExceeded",
          "BandwidthLimitExceeded",
          "LimitExceededException",
          "RequestThrottled",
          "SlowDown",
          "PriorRequestNotComplete",
          "EC2ThrottledException");

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] BODY_START =
      "{\"TraceSegmentDocuments\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<Body> BODY = ThreadLocal.withInitial(Body::new);
  private static final String USER_AGENT = "raybridge-awsxray-exporter";

  /** A document returned in {@code UnprocessedTraceSegments}; any field may be missing. */
  record Unprocessed(String id, String errorCode, String message) {}

  /** How X-Ray answered a call. */
  sealed interface Answer permits Processed, Refused {}

  /** HTTP 2xx: the call was processed, except for the documents listed. */
  record Processed(List<Unprocessed> unprocessed) implements Answer {}

  /**
   * A non-2xx answer.
   *
   * @param errorCode the service's error code, or {@code HTTP<status>} when it sent none
   */
  record Refused(int status, String errorCode, String message) implements Answer {
    /** Throttling as the SDK recognises it: 429, or one of its throttling error codes. */
    boolean throttling() {
      return status == 429 || THROTTLING_CODES.contains(errorCode);
    }
  }

  /** The call did not complete within {@code request_timeout}. */
  static final class CallTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    CallTimeoutException(Duration timeout, Throwable cause) {
      super("PutTraceSegments did not complete within request_timeout (" + timeout + ")", cause);
    }
  }

  private final SdkHttpClient http;
  private final URI uri;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final Duration callTimeout;
  private final ScheduledExecutorService timer;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param endpoint the X-Ray endpoint (scheme, host, optional port and path)
   * @param timer runs the abort when a call outlives {@code callTimeout}
   */
  TraceSegmentsClient(
      SdkHttpClient http,
      URI endpoint,
      String region,
      AwsCredentialsProvider credentials,
      Duration callTimeout,
      ScheduledExecutorService timer) {
    this.http = Objects.requireNonNull(http, "http");
    this.uri = resolve(Objects.requireNonNull(endpoint, "endpoint"), "TraceSegments");
    this.region = Objects.requireNonNull(region, "region");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /** The URI calls go to. */
  URI uri() {
    return uri;
  }

  static URI resolve(URI endpoint, String operation) {
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return URI.create(
        endpoint.getScheme() + "://" + endpoint.getRawAuthority() + base + "/" + operation);
  }

  /**
   * Sends one call.
   *
   * @param documents UTF-8 JSON documents, at most 50
   * @throws IOException when no answer was read (connection, timeout, unreadable answer)
   */
  Answer put(List<byte[]> documents) throws IOException {
    Body body = BODY.get();
    body.fill(documents);
    String contentHash = body.sha256Hex();
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(uri)
            .putHeader("Content-Type", "application/json")
            .putHeader("Content-Length", Integer.toString(body.length))
            .putHeader("x-amz-content-sha256", contentHash)
            .putHeader("amz-sdk-invocation-id", invocationId())
            .putHeader("amz-sdk-request", "attempt=1; max=1")
            .putHeader("User-Agent", USER_AGENT)
            .build();
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(body::stream)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "xray")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    ExecutableHttpRequest call =
        http.prepareRequest(
            HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(body::stream)
                .build());
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> abort =
        timer.schedule(
            () -> {
              timedOut.set(true);
              call.abort();
            },
            callTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    try {
      HttpExecuteResponse response = call.call();
      int status = response.httpResponse().statusCode();
      byte[] answer = readFully(response.responseBody().orElse(null));
      if (status / 100 == 2) {
        return new Processed(parseUnprocessed(answer));
      }
      return refused(
          status,
          response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null),
          answer);
    } catch (IOException | RuntimeException e) {
      if (timedOut.get()) {
        throw new CallTimeoutException(callTimeout, e);
      }
      throw e;
    } finally {
      abort.cancel(false);
    }
  }

  private static String invocationId() {
    // Only correlates a call in logs on either side, so a fast non-cryptographic source will do.
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(
            (r.nextLong() & ~0xf000L) | 0x4000L, (r.nextLong() & 0x3fffffffffffffffL) | (1L << 63))
        .toString();
  }

  private static byte[] readFully(AbortableInputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (InputStream s = in) {
      return s.readAllBytes();
    }
  }

  /** The entries of {@code UnprocessedTraceSegments} in a 2xx answer. */
  static List<Unprocessed> parseUnprocessed(byte[] answer) throws IOException {
    List<Unprocessed> out = new ArrayList<>(0);
    if (answer.length == 0) {
      return out;
    }
    try (JsonParser p = JSON.createParser(answer)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("PutTraceSegments answer is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!"UnprocessedTraceSegments".equals(field) || t != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          String id = null;
          String code = null;
          String message = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            String text = v == JsonToken.VALUE_STRING ? p.getText() : null;
            if (text == null) {
              p.skipChildren();
            }
            switch (name) {
              case "Id" -> id = text;
              case "ErrorCode" -> code = text;
              case "Message" -> message = text;
              default -> {}
            }
          }
          out.add(new Unprocessed(id, code, message));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(
          "PutTraceSegments answer is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return out;
  }

  /**
   * The error of a non-2xx answer, found as the SDK finds it: the {@code x-amzn-ErrorType} header,
   * else the body's {@code __type} (without a namespace) or {@code code}.
   */
  static Refused refused(int status, String errorTypeHeader, byte[] answer) {
    String code = null;
    if (errorTypeHeader != null && !errorTypeHeader.isBlank()) {
      int colon = errorTypeHeader.indexOf(':');
      code = (colon >= 0 ? errorTypeHeader.substring(0, colon) : errorTypeHeader).trim();
    }
    String message = null;
    String bodyCode = null;
    if (answer.length > 0) {
      try (JsonParser p = JSON.createParser(answer)) {
        if (p.nextToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName().toLowerCase(Locale.ROOT);
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
              p.skipChildren();
              continue;
            }
            switch (name) {
              case "__type", "code" -> {
                if (bodyCode == null) {
                  String s = p.getText();
                  bodyCode = s.substring(s.lastIndexOf('#') + 1);
                }
              }
              case "message", "errormessage" -> message = p.getText();
              default -> {}
            }
          }
        }
      } catch (IOException e) {
        // Not JSON (a proxy's error page, say): the status is all there is.
      }
    }
    if (code == null || code.isEmpty()) {
      code = bodyCode;
    }
    if (code == null || code.isEmpty()) {
      code = "HTTP" + status;
    }
    if (message == null) {
      message =
          answer.length == 0
              ? "(no message)"
              : new String(answer, 0, Math.min(answer.length, 256), StandardCharsets.UTF_8);
    }
    return new Refused(status, code, message);
  }

  /**
   * The request body of one call, reused per thread: a call's body is only read while the call runs
   * on that thread.
   */
  private static final class Body {
    byte[] bytes = new byte[64 * 1024];
    int length;
    private final MessageDigest sha256;

    Body() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    void fill(List<byte[]> documents) {
      int worst = BODY_START.length + 2;
      for (byte[] d : documents) {
        worst += 6 * d.length + 3;
      }
      if (bytes.length < worst || bytes.length > 4 * Math.max(worst, 64 * 1024)) {
        // Grown for the worst case (every byte a \\u00XX escape); never pins a huge buffer.
        bytes = new byte[Math.max(worst, 64 * 1024)];
      }
      byte[] b = bytes;
      System.arraycopy(BODY_START, 0, b, 0, BODY_START.length);
      int n = BODY_START.length;
      for (int i = 0; i < documents.size(); i++) {
        if (i > 0) {
          b[n++] = ',';
        }
        n = escape(documents.get(i), b, n);
      }
      b[n++] = ']';
      b[n++] = '}';
      length = n;
    }

    /**
     * Writes {@code doc} as a JSON string: quote, backslash and control characters escaped, every
     * other byte (UTF-8 sequences included) copied as it is.
     */
    private static int escape(byte[] doc, byte[] b, int n) {
      b[n++] = '"';
      for (byte x : doc) {
        int c = x & 0xff;
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[n++] = x;
          continue;
        }
        b[n++] = '\\';
        switch (c) {
          case '"' -> b[n++] = '"';
          case '\\' -> b[n++] = '\\';
          case '\n' -> b[n++] = 'n';
          case '\r' -> b[n++] = 'r';
          case '\t' -> b[n++] = 't';
          case '\b' -> b[n++] = 'b';
          case '\f' -> b[n++] = 'f';
          default -> {
            b[n++] = 'u';
            b[n++] = '0';
            b[n++] = '0';
            b[n++] = HEX[c >> 4];
            b[n++] = HEX[c & 0xf];
          }
        }
      }
      b[n++] = '"';
      return n;
    }

    String sha256Hex() {
      sha256.reset();
      sha256.update(bytes, 0, length);
      byte[] digest = sha256.digest();
      char[] out = new char[digest.length * 2];
      for (int i = 0; i < digest.length; i++) {
        out[2 * i] = (char) HEX[(digest[i] >> 4) & 0xf];
        out[2 * i + 1] = (char) HEX[digest[i] & 0xf];
      }
      return new String(out);
    }

    InputStream stream() {
      return new ByteArrayInputStream(bytes, 0, length);
    }
  }
}
