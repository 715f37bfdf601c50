package io.raybridge.testing.xray;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The fake's signature check, driven with requests signed by the AWS SDK's SigV4 signer. */
class FakeXRayApiTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeXRayApi api;

  @BeforeEach
  void start() throws Exception {
    api = FakeXRayApi.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static String document(String id) {
    String epoch = Long.toHexString(System.currentTimeMillis() / 1000);
    double now = System.currentTimeMillis() / 1000.0;
    return "{\"name\":\"svc\",\"id\":\""
        + id
        + "\",\"trace_id\":\"1-"
        + epoch
        + "-bd862e3fe1be46a994272793\",\"start_time\":"
        + now
        + ",\"end_time\":"
        + (now + 0.5)
        + "}";
  }

  private static String body(String id) {
    return "{\"TraceSegmentDocuments\":[" + "\"" + document(id).replace("\"", "\\\"") + "\"]}";
  }

  /** Signs {@code signedBody} and sends {@code sentBody}; returns the HTTP status. */
  private int send(
      String secret, String signedBody, String sentBody, Map<String, String> extraHeaders)
      throws Exception {
    byte[] signed = signedBody.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create(api.endpoint() + "/TraceSegments"))
            .putHeader("Content-Type", "application/json");
    extraHeaders.forEach(request::putHeader);
    SdkHttpRequest signedRequest =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(api.accessKeyId(), secret))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(signed))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "xray")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, api.region()))
            .request();
    HttpRequest.Builder out =
        HttpRequest.newBuilder(signedRequest.getUri())
            .POST(HttpRequest.BodyPublishers.ofString(sentBody, StandardCharsets.UTF_8));
    signedRequest
        .headers()
        .forEach(
            (name, values) -> {
              // java.net.http sets Host itself, to the same value the signer used.
              if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> out.header(name, v));
              }
            });
    return http.send(out.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void acceptsACallSignedWithItsCredentials() throws Exception {
    String body = body("70de5b6f19ff9a0a");

    assertThat(send(api.secretAccessKey(), body, body, Map.of())).isEqualTo(200);

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.acceptedCountsById()).containsOnlyKeys("70de5b6f19ff9a0a");
    assertThat(api.signedHeaders()).contains("host", "x-amz-date", "content-type");
  }

  @Test
  void refusesACallSignedWithAnotherSecret() throws Exception {
    String body = body("70de5b6f19ff9a0b");

    assertThat(send("some-other-secret", body, body, Map.of())).isEqualTo(403);

    assertThat(api.documents()).isEmpty();
    assertThat(api.requestErrors()).singleElement().asString().startsWith("signature mismatch");
  }

  /** The SDK's signer sends the payload hash it signed; the fake checks it against the body. */
  @Test
  void refusesABodyChangedAfterSigning() throws Exception {
    assertThat(
            send(
                api.secretAccessKey(),
                body("70de5b6f19ff9a0c"),
                body("1111111111111111"),
                Map.of()))
        .isEqualTo(403);

    assertThat(api.documents()).isEmpty();
    assertThat(api.requestErrors())
        .singleElement()
        .asString()
        .contains("does not match the body received");
  }

  @Test
  void refusesABodyThatDoesNotMatchAContentHashSetByTheCaller() throws Exception {
    String signed = body("70de5b6f19ff9a0d");

    int status =
        send(
            api.secretAccessKey(),
            signed,
            body("2222222222222222"),
            Map.of("x-amz-content-sha256", sha256(signed)));

    assertThat(status).isEqualTo(403);
    assertThat(api.documents()).isEmpty();
    assertThat(api.requestErrors())
        .singleElement()
        .asString()
        .contains("does not match the body received");
  }

  @Test
  void acceptsASignedContentHashThatMatchesTheBody() throws Exception {
    String body = body("70de5b6f19ff9a0f");

    assertThat(
            send(api.secretAccessKey(), body, body, Map.of("x-amz-content-sha256", sha256(body))))
        .isEqualTo(200);

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.signedHeaders()).contains("x-amz-content-sha256");
    assertThat(List.copyOf(api.acceptedCountsById().keySet())).containsExactly("70de5b6f19ff9a0f");
  }
}
