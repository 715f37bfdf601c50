package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.xray.XRayClient;

/** With {@code auth.credentials} set, only requests signed with those credentials are served. */
class AuthTest {

  private static LocalService service;

  @BeforeAll
  static void start() throws Exception {
    service =
        new LocalService(
            "auth: { credentials: { access_key_id: AKIDRIGHT, secret_access_key: right-secret } }",
            Clock.systemUTC(),
            XRayApi.DEFAULT_PAGE_SIZE);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void requestsSignedWithTheConfiguredCredentialsAreServed() {
    try (XRayClient xray = service.client("AKIDRIGHT", "right-secret")) {
      assertThat(xray.getSamplingRules(b -> {}).samplingRuleRecords()).isNotEmpty();
    }
  }

  @Test
  void aWrongSecretIsAnInvalidSignature() {
    try (XRayClient xray = service.client("AKIDRIGHT", "wrong-secret")) {
      assertThatThrownBy(() -> xray.getSamplingRules(b -> {}))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
              });
    }
  }

  @Test
  void anUnknownAccessKeyIsAnUnrecognizedClient() {
    try (XRayClient xray = service.client("AKIDOTHER", "right-secret")) {
      assertThatThrownBy(() -> xray.getSamplingRules(b -> {}))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e ->
                  assertThat(e.awsErrorDetails().errorCode())
                      .isEqualTo("UnrecognizedClientException"));
    }
  }

  @Test
  void unsignedRequestsAreRefused() throws Exception {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create(service.endpoint + "/GetSamplingRules").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(c.getResponseCode()).isEqualTo(403);
    assertThat(c.getHeaderField("x-amzn-ErrorType"))
        .isEqualTo("MissingAuthenticationTokenException");
  }
}
