package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.util.HttpServers;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.Mode;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.ProxyServerConfig;
import io.raybridge.testing.TracesSink;
import io.raybridge.testing.xray.FakeXRayApi;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Proxy mode against a loopback stand-in for the X-Ray API that checks each request's SigV4
 * signature by signing the same request again with the AWS SDK's signer and the test credentials.
 */
class ProxySamplingEndpointTest {

  private static final AwsBasicCredentials CREDENTIALS =
      AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final String REGION = "eu-west-1";
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\\d{8})/eu-west-1/xray/aws4_request,"
              + " SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

  /** What the stand-in saw. */
  record Seen(String method, String path, String body, String authorization, boolean valid) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final TracesSink sink = new TracesSink();
  private HttpServer backend;
  private volatile int status = 200;
  private volatile String answer = "{\"SamplingRuleRecords\":[],\"NextToken\":null}";

  @BeforeEach
  void startBackend() throws Exception {
    backend = HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
          boolean valid =
              signatureIsValid(
                  exchange.getRequestMethod(), exchange.getRequestURI(), headers, body);
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  new String(body, StandardCharsets.UTF_8),
                  authorization,
                  valid));
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          if (status == 429) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ThrottledException");
          }
          exchange.sendResponseHeaders(status, out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    backend.start();
  }

  @AfterEach
  void stopBackend() {
    backend.stop(0);
  }

  /** Signs the received request again, at the time it says it was signed, and compares. */
  private boolean signatureIsValid(
      String method, URI uri, Map<String, String> headers, byte[] body) {
    String authorization = headers.get("Authorization");
    if (authorization == null) {
      return false;
    }
    Matcher m = AUTHORIZATION.matcher(authorization);
    if (!m.matches()) {
      return false;
    }
    Instant signedAt =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .parse(headers.get("X-Amz-Date"), Instant::from);
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://" + headers.get("Host") + uri.getRawPath()));
    for (String name : m.group(2).split(";")) {
      if (!name.equals("host") && !name.equals("x-amz-date")) {
        request.putHeader(name, headers.get(name));
      }
    }
    String expected =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(CREDENTIALS)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "xray")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                        .putProperty(
                            AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
            .request()
            .firstMatchingHeader("Authorization")
            .orElse("");
    return expected.equals(authorization);
  }

  private AwsXrayReceiverConfig proxyConfig(String region) {
    return new AwsXrayReceiverConfig(
        "127.0.0.1:0",
        null,
        null,
        new ProxyServerConfig(
            "127.0.0.1:0",
            Mode.PROXY,
            region,
            null,
            "http://127.0.0.1:" + backend.getAddress().getPort(),
            null,
            true,
            null,
            null,
            null));
  }

  private Harness start(String region) throws Exception {
    return Harness.start(
        proxyConfig(region),
        sink,
        StaticCredentialsProvider.create(CREDENTIALS),
        DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES);
  }

  @Test
  void forwardsSamplingCallsSignedWithSigV4AndRelaysTheAnswer() throws Exception {
    try (Harness h = start(REGION)) {
      Http.Reply rules = Http.post(h.tcp(), "/GetSamplingRules", "{\"NextToken\":null}");
      String targetsBody =
          "{\"SamplingStatisticsDocuments\":[{\"RuleName\":\"Default\","
              + "\"ClientID\":\"aaaaaaaaaaaaaaaaaaaaaaaa\",\"Timestamp\":1.7e9,"
              + "\"RequestCount\":3,\"SampledCount\":1,\"BorrowCount\":1}]}";
      Http.Reply targets = Http.post(h.tcp(), "/SamplingTargets", targetsBody);

      assertThat(rules.status()).isEqualTo(200);
      assertThat(rules.body().get("SamplingRuleRecords")).isEmpty();
      assertThat(targets.status()).isEqualTo(200);
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0).path()).isEqualTo("/GetSamplingRules");
      assertThat(seen.get(0).body()).isEqualTo("{\"NextToken\":null}");
      assertThat(seen.get(1).path()).isEqualTo("/SamplingTargets");
      assertThat(seen.get(1).body()).isEqualTo(targetsBody);
      assertThat(seen).allSatisfy(s -> assertThat(s.method()).isEqualTo("POST"));
      assertThat(seen)
          .allSatisfy(
              s -> {
                assertThat(s.authorization()).matches(AUTHORIZATION);
                assertThat(s.valid()).as("signature of %s", s.path()).isTrue();
              });
    }
  }

  @Test
  void forwardsSignedCallsThatTheSharedFakeXRayApiAccepts() throws Exception {
    try (FakeXRayApi api = FakeXRayApi.start()) {
      AwsXrayReceiverConfig config =
          new AwsXrayReceiverConfig(
              "127.0.0.1:0",
              null,
              null,
              new ProxyServerConfig(
                  "127.0.0.1:0",
                  Mode.PROXY,
                  api.region(),
                  null,
                  api.endpoint().toString(),
                  null,
                  true,
                  null,
                  null,
                  null));
      try (Harness h =
          Harness.start(
              config,
              sink,
              StaticCredentialsProvider.create(
                  AwsBasicCredentials.create(api.accessKeyId(), api.secretAccessKey())),
              DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES)) {
        Http.Reply rules = Http.post(h.tcp(), "/GetSamplingRules", "{}");
        Http.Reply targets =
            Http.post(
                h.tcp(),
                "/SamplingTargets",
                "{\"SamplingStatisticsDocuments\":[{\"RuleName\":\"Default\","
                    + "\"ClientID\":\"aaaaaaaaaaaaaaaaaaaaaaaa\",\"Timestamp\":1.7e9,"
                    + "\"RequestCount\":1,\"SampledCount\":1,\"BorrowCount\":0}]}");

        assertThat(rules.status()).isEqualTo(200);
        assertThat(rules.body().get("SamplingRuleRecords")).isNotEmpty();
        assertThat(targets.status()).isEqualTo(200);
        assertThat(api.samplingCalls())
            .extracting(FakeXRayApi.SamplingCall::path, FakeXRayApi.SamplingCall::signatureValid)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("/GetSamplingRules", true),
                org.assertj.core.groups.Tuple.tuple("/SamplingTargets", true));
      }
    }
  }

  @Test
  void aTamperedRequestFailsTheSignatureCheck() {
    // Guards the check itself: the same request with another body must not verify.
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/xray/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature="
            + "0".repeat(64));
    headers.put("X-Amz-Date", "20260101T000000Z");
    headers.put("Host", "127.0.0.1:1");
    assertThat(signatureIsValid("POST", URI.create("/GetSamplingRules"), headers, new byte[0]))
        .isFalse();
  }

  @Test
  void relaysErrorStatusesFromXRay() throws Exception {
    status = 429;
    answer = "{\"message\":\"Rate exceeded\"}";
    try (Harness h = start(REGION)) {
      Http.Reply r = Http.post(h.tcp(), "/GetSamplingRules", "{}");
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.body().get("message").asText()).isEqualTo("Rate exceeded");
      assertThat(r.raw().headers().firstValue("x-amzn-ErrorType")).hasValue("ThrottledException");
    }
  }

  @Test
  void refusesMalformedBodiesWithoutCallingXRay() throws Exception {
    try (Harness h = start(REGION)) {
      assertThat(Http.post(h.tcp(), "/SamplingTargets", "[1,2").status()).isEqualTo(400);
      assertThat(Http.post(h.tcp(), "/PutTraceSegments", "{}").status()).isEqualTo(404);
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void answersBadGatewayWhenXRayCannotBeReached() throws Exception {
    try (Harness h = start(REGION)) {
      backend.stop(0);
      Http.Reply r = Http.post(h.tcp(), "/GetSamplingRules", "{}");
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.body().get("message").asText()).startsWith("cannot reach X-Ray at");
    }
  }
}
