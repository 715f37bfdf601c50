package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

class OtlpHttpExporterTest {

  private static final AwsCredentialsProvider TEST_CREDENTIALS =
      StaticCredentialsProvider.create(
          AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

  private final TestTelemetry telemetry = new TestTelemetry();
  private final CapturingLogger log = new CapturingLogger();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Exporter> exporters = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    exporters.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private HttpBackend backend(Certificates tls) throws Exception {
    HttpBackend b = new HttpBackend(tls);
    closeables.add(b);
    return b;
  }

  /** A synchronous exporter (no queue, no retries) so that the outcome reaches the test. */
  private Exporter exporter(String yaml, AwsCredentialsProvider credentials) throws Exception {
    OtlpHttpExporterConfig config =
        ConfigFixtures.bind(
            OtlpHttpExporterConfig.class,
            yaml + "\nsending_queue: {enabled: false}\nretry_on_failure: {enabled: false}\n");
    Exporter e =
        OtlpHttpExporterFactory.create(
            TestSettings.builder(ComponentKind.EXPORTER, "otlphttp")
                .telemetry(telemetry)
                .logger(log.logger)
                .build(),
            config,
            credentials);
    exporters.add(e);
    e.start();
    return e;
  }

  private Exporter exporter(String yaml) throws Exception {
    return exporter(yaml, null);
  }

  private static Traces batch(int seed) {
    return TraceGenerator.seeded(seed).traces(2).spansPerTrace(3).generate();
  }

  @Test
  void postsEachEncodingAndCompressionToTheTracesPath() throws Exception {
    HttpBackend backend = backend(null);
    for (String encoding : List.of("proto", "json")) {
      for (String compression : List.of("gzip", "zstd", "none")) {
        backend.received.clear();
        Exporter e =
            exporter(
                "endpoint: http://127.0.0.1:%d/\nencoding: %s\ncompression: %s\nheaders: {X-Tenant: acme}"
                    .formatted(backend.port(), encoding, compression));
        Traces t = batch(compression.length() + encoding.length());
        e.consume(t);
        HttpBackend.Received r = backend.received.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1/traces");
        assertThat(r.header("Content-Type"))
            .isEqualTo(encoding.equals("proto") ? "application/x-protobuf" : "application/json");
        assertThat(r.header("Content-Encoding"))
            .isEqualTo(compression.equals("none") ? null : compression);
        assertThat(r.header("X-Tenant")).isEqualTo("acme");
        assertThat(Traces.fromRequest(r.request())).as("%s/%s", encoding, compression).isEqualTo(t);
      }
    }
  }

  @Test
  void tracesEndpointIsUsedExactlyAsWritten() throws Exception {
    HttpBackend backend = backend(null);
    exporter("traces_endpoint: http://127.0.0.1:%d/custom/ingest".formatted(backend.port()))
        .consume(batch(1));
    assertThat(backend.received.get(0).path()).isEqualTo("/custom/ingest");
  }

  @Test
  void retryableStatusesCarryTheServersRetryAfter() throws Exception {
    HttpBackend backend = backend(null);
    Exporter e = exporter("endpoint: http://127.0.0.1:" + backend.port());

    backend.answer = r -> new HttpBackend.Answer(503, Map.of("Retry-After", "7"), new byte[0]);
    assertThatThrownBy(() -> e.consume(batch(1)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            ce -> {
              assertThat(ce.isRetryable()).isTrue();
              assertThat(ce.retryAfter()).contains(Duration.ofSeconds(7));
            });

    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));
    backend.answer = r -> new HttpBackend.Answer(502, Map.of("Retry-After", date), new byte[0]);
    assertThatThrownBy(() -> e.consume(batch(2)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            ce ->
                assertThat(ce.retryAfter().orElseThrow())
                    .isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120)));

    byte[] status =
        com.google.rpc.Status.newBuilder()
            .setCode(8)
            .setMessage("throttled")
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(4))
                        .build()))
            .build()
            .toByteArray();
    backend.answer =
        r -> new HttpBackend.Answer(429, Map.of("Content-Type", "application/x-protobuf"), status);
    assertThatThrownBy(() -> e.consume(batch(3)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            ce -> {
              assertThat(ce.isRetryable()).isTrue();
              assertThat(ce.retryAfter()).contains(Duration.ofSeconds(4));
            })
        .hasMessageContaining("throttled");

    backend.answer = r -> new HttpBackend.Answer(504, Map.of(), new byte[0]);
    assertThatThrownBy(() -> e.consume(batch(4)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue());
  }

  @Test
  void otherStatusesArePermanentCountedAndLoggedOncePerMinute() throws Exception {
    HttpBackend backend = backend(null);
    Exporter e = exporter("endpoint: http://127.0.0.1:" + backend.port());
    byte[] status =
        com.google.rpc.Status.newBuilder()
            .setCode(3)
            .setMessage("span name empty")
            .build()
            .toByteArray();
    backend.answer =
        r -> new HttpBackend.Answer(400, Map.of("Content-Type", "application/x-protobuf"), status);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> e.consume(batch(5)))
          .isInstanceOfSatisfying(
              ConsumerException.class, ce -> assertThat(ce.isPermanent()).isTrue())
          .hasMessageContaining("HTTP 400: span name empty");
    }
    assertThat(telemetry.counterValue(ExportOutcomes.PERMANENT_ERRORS_METRIC)).isEqualTo(3);
    assertThat(log.count("error", "rejected an export permanently")).isEqualTo(1);
  }

  @Test
  void countsSpansRejectedInAPartialSuccessInBothEncodings() throws Exception {
    HttpBackend backend = backend(null);
    ExportTraceServiceResponse partial =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder().setRejectedSpans(3).setErrorMessage("late"))
            .build();
    backend.answer =
        r ->
            new HttpBackend.Answer(
                200, Map.of("Content-Type", "application/x-protobuf"), partial.toByteArray());
    exporter("endpoint: http://127.0.0.1:" + backend.port()).consume(batch(6));
    backend.answer =
        r ->
            new HttpBackend.Answer(
                200,
                Map.of("Content-Type", "application/json"),
                "{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"late\"}}"
                    .getBytes(StandardCharsets.UTF_8));
    exporter("endpoint: http://127.0.0.1:" + backend.port() + "\nencoding: json").consume(batch(7));
    assertThat(telemetry.counterValue(ExportOutcomes.PARTIAL_SUCCESS_METRIC)).isEqualTo(5);
  }

  @Test
  void sendsOverTlsWithTheConfiguredCaAndServerNameOverride() throws Exception {
    Certificates certs = new Certificates();
    HttpBackend backend = backend(certs);
    Traces t = batch(8);
    exporter(
            "endpoint: https://localhost:%d\ntls: {ca_file: %s}"
                .formatted(backend.port(), certs.certFile))
        .consume(t);
    assertThat(Traces.fromRequest(backend.received.get(0).request())).isEqualTo(t);

    Certificates other = new Certificates("collector.internal", false);
    HttpBackend named = backend(other);
    exporter(
            "endpoint: https://127.0.0.1:%d\ntls: {ca_file: %s, server_name_override: collector.internal}"
                .formatted(named.port(), other.certFile))
        .consume(t);
    assertThat(named.received).hasSize(1);

    Exporter untrusted = exporter("endpoint: https://127.0.0.1:" + named.port());
    assertThatThrownBy(() -> untrusted.consume(t))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue());
    Exporter wrongName =
        exporter(
            "endpoint: https://127.0.0.1:%d\ntls: {ca_file: %s, server_name_override: elsewhere}"
                .formatted(named.port(), other.certFile));
    assertThatThrownBy(() -> wrongName.consume(t)).isInstanceOf(ConsumerException.class);
    assertThat(named.received).hasSize(1);
  }

  @Test
  void signsRequestsWithSigV4ThatTheServerCanVerify() throws Exception {
    HttpBackend backend = backend(null);
    Exporter e =
        exporter(
            "endpoint: http://127.0.0.1:%d\nauth: {sigv4: {region: us-west-2}}"
                .formatted(backend.port()),
            TEST_CREDENTIALS);
    e.consume(batch(9));
    HttpBackend.Received r = backend.received.get(0);
    String authorization = r.header("Authorization");
    assertThat(authorization)
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        .contains("/us-west-2/xray/aws4_request");
    assertThat(recomputeAuthorization(r, "us-west-2", "xray")).isEqualTo(authorization);

    // A tampered body no longer matches the signature.
    byte[] tampered = r.rawBody().clone();
    tampered[tampered.length - 1] ^= 1;
    HttpBackend.Received forged =
        new HttpBackend.Received(r.method(), r.path(), r.headers(), tampered, r.request());
    assertThat(recomputeAuthorization(forged, "us-west-2", "xray")).isNotEqualTo(authorization);
  }

  /** What the server computes: the SDK signer over the received request at its X-Amz-Date. */
  private String recomputeAuthorization(HttpBackend.Received r, String region, String service) {
    String authorization = r.header("Authorization");
    String signed = authorization.replaceAll(".*SignedHeaders=([^,]+).*", "$1");
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.valueOf(r.method()))
            .uri(URI.create("http://" + r.header("Host") + r.path()));
    for (String name : signed.split(";")) {
      request.putHeader(name, r.headers().get(name));
    }
    Instant at =
        java.time.LocalDateTime.parse(
                r.header("X-Amz-Date"), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
            .toInstant(ZoneOffset.UTC);
    return AwsV4HttpSigner.create()
        .sign(
            s ->
                s.identity(TEST_CREDENTIALS.resolveCredentials())
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(r.rawBody()))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request()
        .firstMatchingHeader("Authorization")
        .orElseThrow();
  }

  @Test
  void explainsOnceThatXRayTransactionSearchMustBeEnabled() throws Exception {
    HttpBackend backend = backend(null);
    byte[] body =
        com.google.rpc.Status.newBuilder()
            .setCode(3)
            .setMessage(
                "The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination."
                    + " Please enable the CloudWatch Logs destination for your traces using the"
                    + " UpdateTraceSegmentDestination API")
            .build()
            .toByteArray();
    backend.answer =
        r -> new HttpBackend.Answer(400, Map.of("Content-Type", "application/x-protobuf"), body);
    Exporter e =
        exporter(
            "endpoint: http://127.0.0.1:%d\nauth: {sigv4: {region: eu-west-1}}"
                .formatted(backend.port()),
            TEST_CREDENTIALS);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> e.consume(batch(10)))
          .isInstanceOfSatisfying(
              ConsumerException.class, ce -> assertThat(ce.isPermanent()).isTrue());
    }
    assertThat(log.count("error", "Transaction Search is not enabled")).isEqualTo(1);
    assertThat(log.count("error", "update-trace-segment-destination")).isEqualTo(1);
  }

  @Test
  void aRoleArnBuildsAnStsBackedSignerWithoutCallingStsYet() {
    SigV4Signer signer =
        SigV4Signer.create(
            new OtlpHttpExporterConfig.SigV4Config(
                null, null, "arn:aws:iam::123456789012:role/raybridge"),
            URI.create("https://xray.eu-central-1.amazonaws.com/v1/traces"),
            TEST_CREDENTIALS,
            Clock.systemUTC());
    assertThat(signer.region()).isEqualTo("eu-central-1");
    signer.close();
  }

  @Test
  void theRegionIsTakenFromAnXRayEndpointHost() {
    assertThat(OtlpHttpExporterConfig.SigV4Config.regionOfHost("xray.ap-southeast-2.amazonaws.com"))
        .isEqualTo("ap-southeast-2");
    assertThat(OtlpHttpExporterConfig.SigV4Config.regionOfHost("localhost")).isNull();
  }
}
