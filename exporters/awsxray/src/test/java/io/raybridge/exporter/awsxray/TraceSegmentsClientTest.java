package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.exporter.awsxray.TraceSegmentsClient.Processed;
import io.raybridge.exporter.awsxray.TraceSegmentsClient.Refused;
import io.raybridge.exporter.awsxray.TraceSegmentsClient.Unprocessed;
import io.raybridge.testing.xray.FakeXRayApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;

/**
 * The hand-written PutTraceSegments call against the fake X-Ray API over loopback HTTP, which
 * verifies every SigV4 signature and the payload hash against the body received.
 */
class TraceSegmentsClientTest {

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private FakeXRayApi api;
  private SdkHttpClient http;

  @BeforeEach
  void start() throws Exception {
    api = FakeXRayApi.start();
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    timer.shutdownNow();
    api.close();
  }

  private TraceSegmentsClient client(String secret, Duration callTimeout, Duration socketTimeout) {
    http = Apache5HttpClient.builder().socketTimeout(socketTimeout).build();
    return new TraceSegmentsClient(
        http,
        api.endpoint(),
        api.region(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(api.accessKeyId(), secret)),
        callTimeout,
        timer);
  }

  private TraceSegmentsClient client() {
    return client(api.secretAccessKey(), Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  /** A valid segment document whose metadata holds {@code text}. */
  private static String document(String id, String metadataJson) {
    return "{\"name\":\"checkout\",\"id\":\""
        + id
        + "\",\"trace_id\":\"1-5f84c7a1-0123456789abcdef01234567\",\"start_time\":1602537377.25,"
        + "\"end_time\":1602537377.5,\"metadata\":{\"default\":{\"note\":"
        + metadataJson
        + "}}}";
  }

  private static List<byte[]> utf8(List<String> docs) {
    List<byte[]> out = new ArrayList<>();
    for (String d : docs) {
      out.add(d.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void deliversDocumentsCharacterForCharacterUnderAVerifiedSignature() throws Exception {
    List<String> docs =
        List.of(
            document("70de5b6f19ff9a01", "\"plain\""),
            // Every character class the body must escape, plus multi-byte UTF-8 kept as it is.
            document(
                "70de5b6f19ff9a02",
                "\"quote \\\" backslash \\\\ newline \\n tab \\t nul \\u0000 unit \\u001f\""),
            document("70de5b6f19ff9a03", "\"caf\u00e9 \u6f22\u5b57 \ud83d\ude00 \u2028\""),
            document("70de5b6f19ff9a04", "{\"nested\":[1,2.5,true,null,\"}\\\"]\"]}"));

    var answer = client().put(utf8(docs));

    assertThat(answer).isEqualTo(new Processed(List.of()));
    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.documents()).containsExactlyElementsOf(docs);
    assertThat(api.signedHeaders())
        .contains("host", "x-amz-date", "x-amz-content-sha256", "content-type");
  }

  @Test
  void sendsFiftyLargeDocumentsInOneCall() throws Exception {
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      docs.add(
          document(
              String.format(Locale.ROOT, "%016x", 0x1000L + i),
              "\"" + "\\\"x\\u0001".repeat(1500) + "\""));
    }

    assertThat(client().put(utf8(docs))).isEqualTo(new Processed(List.of()));

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.batchSizes()).containsExactly(50);
    assertThat(api.documents()).containsExactlyElementsOf(docs);
  }

  @Test
  void returnsTheUnprocessedDocumentsWithTheirIdsAndCodes() throws Exception {
    api.reject(List.of("70de5b6f19ff9a12"), "InvalidTraceId");
    List<String> docs =
        List.of(document("70de5b6f19ff9a11", "1"), document("70de5b6f19ff9a12", "2"));

    var answer = client().put(utf8(docs));

    assertThat(answer)
        .isEqualTo(
            new Processed(
                List.of(new Unprocessed("70de5b6f19ff9a12", "InvalidTraceId", "Invalid segment"))));
    assertThat(api.acceptedCountsById()).containsOnlyKeys("70de5b6f19ff9a11");
  }

  @Test
  void reportsThrottlingAndServerErrorsWithTheirCodes() throws Exception {
    TraceSegmentsClient client = client();
    List<byte[]> docs = utf8(List.of(document("70de5b6f19ff9a21", "1")));
    api.throttleNext(1);

    var throttled = client.put(docs);

    assertThat(throttled).isEqualTo(new Refused(429, "ThrottledException", "Rate exceeded"));
    assertThat(((Refused) throttled).throttling()).isTrue();

    api.failNext(1, 503);
    var failed = client.put(docs);

    assertThat(failed)
        .isEqualTo(new Refused(503, "ServiceUnavailableException", "Service unavailable"));
    assertThat(((Refused) failed).throttling()).isFalse();
    assertThat(api.documents()).isEmpty();

    assertThat(client.put(docs)).isEqualTo(new Processed(List.of()));
    assertThat(api.acceptedCountsById()).containsOnlyKeys("70de5b6f19ff9a21");
  }

  @Test
  void aWrongSecretIsRefusedAsAnInvalidSignature() throws Exception {
    var answer =
        client("not-the-secret", Duration.ofSeconds(5), Duration.ofSeconds(5))
            .put(utf8(List.of(document("70de5b6f19ff9a31", "1"))));

    assertThat(answer).isInstanceOf(Refused.class);
    assertThat(((Refused) answer).status()).isEqualTo(403);
    assertThat(((Refused) answer).errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(api.requestErrors()).singleElement().asString().startsWith("signature mismatch");
  }

  @Test
  void abortsACallThatOutlivesTheCallTimeoutEvenWhileTheSocketWouldWait() throws Exception {
    api.delay(Duration.ofSeconds(3));
    TraceSegmentsClient client =
        client(api.secretAccessKey(), Duration.ofMillis(200), Duration.ofSeconds(30));
    List<byte[]> docs = utf8(List.of(document("70de5b6f19ff9a41", "1")));

    assertThatThrownBy(() -> client.put(docs))
        .isInstanceOf(TraceSegmentsClient.CallTimeoutException.class)
        .hasMessageContaining("request_timeout (PT0.2S)");
  }

  @Test
  void aStoppedApiIsAConnectionError() {
    api.stop();
    TraceSegmentsClient client = client();

    assertThatThrownBy(() -> client.put(utf8(List.of(document("70de5b6f19ff9a51", "1")))))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void findsTheErrorCodeAsTheSdkDoes() {
    byte[] typed =
        "{\"__type\":\"com.amazonaws.xray#InvalidRequestException\",\"message\":\"bad id\"}"
            .getBytes(StandardCharsets.UTF_8);

    assertThat(TraceSegmentsClient.refused(400, "ThrottledException:http://internal/", typed))
        .isEqualTo(new Refused(400, "ThrottledException", "bad id"));
    assertThat(TraceSegmentsClient.refused(400, null, typed))
        .isEqualTo(new Refused(400, "InvalidRequestException", "bad id"));
    assertThat(
            TraceSegmentsClient.refused(
                400, null, "{\"code\":\"Throttling\",\"Message\":\"slow\"}".getBytes()))
        .satisfies(r -> assertThat(r.throttling()).isTrue())
        .isEqualTo(new Refused(400, "Throttling", "slow"));
    assertThat(TraceSegmentsClient.refused(502, null, "<html>Bad Gateway</html>".getBytes()))
        .isEqualTo(new Refused(502, "HTTP502", "<html>Bad Gateway</html>"));
    assertThat(TraceSegmentsClient.refused(429, null, new byte[0]).throttling()).isTrue();
  }

  @Test
  void readsUnprocessedEntriesAndIgnoresUnknownFields() throws Exception {
    byte[] answer =
        ("{\"Other\":{\"a\":[1]},\"UnprocessedTraceSegments\":[{\"Id\":\"a1\",\"ErrorCode\":\"X\","
                + "\"Message\":\"m\",\"Extra\":[true]},{\"ErrorCode\":\"Y\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(TraceSegmentsClient.parseUnprocessed(answer))
        .containsExactly(new Unprocessed("a1", "X", "m"), new Unprocessed(null, "Y", null));
    assertThatThrownBy(() -> TraceSegmentsClient.parseUnprocessed("[1]".getBytes()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void appendsTheOperationToTheEndpointPath() {
    assertThat(
            TraceSegmentsClient.resolve(
                URI.create("https://xray.us-east-1.amazonaws.com"), "TraceSegments"))
        .hasToString("https://xray.us-east-1.amazonaws.com/TraceSegments");
    assertThat(
            TraceSegmentsClient.resolve(
                URI.create("http://127.0.0.1:2000/prefix/"), "TraceSegments"))
        .hasToString("http://127.0.0.1:2000/prefix/TraceSegments");
  }
}
