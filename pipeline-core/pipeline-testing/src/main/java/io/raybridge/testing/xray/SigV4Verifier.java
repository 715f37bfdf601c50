package io.raybridge.testing.xray;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's SigV4 {@code Authorization} header by signing the same request again with the
 * AWS SDK's signer, the test credentials and the date the client signed at, and comparing.
 *
 * <p>The signer takes a request's {@code x-amz-content-sha256} header as the payload hash when it
 * is present, so that header is first checked against the SHA-256 of the body actually received;
 * otherwise a changed body under an unchanged header would pass. Unsigned payloads are refused:
 * over plain HTTP (all the fake speaks) AWS clients always sign the payload.
 */
final class SigV4Verifier {

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  private final AwsCredentialsIdentity credentials;
  private final String region;
  private final String service;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  SigV4Verifier(String accessKeyId, String secretAccessKey, String region, String service) {
    this.credentials = AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
    this.region = region;
    this.service = service;
  }

  /**
   * Verifies one request.
   *
   * @param headers request headers, names in any case
   * @return empty when the signature is valid, otherwise what is wrong
   */
  Optional<String> verify(
      String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
    String auth = first(headers, "authorization");
    if (auth == null) {
      return Optional.of("missing Authorization header");
    }
    if (!auth.startsWith("AWS4-HMAC-SHA256 ")) {
      return Optional.of("not a SigV4 Authorization header: " + auth);
    }
    String credential = part(auth, "Credential=");
    String signedHeaders = part(auth, "SignedHeaders=");
    if (credential == null || signedHeaders == null || part(auth, "Signature=") == null) {
      return Optional.of("malformed Authorization header: " + auth);
    }
    String[] scope = credential.split("/");
    if (scope.length != 5) {
      return Optional.of("malformed credential scope: " + credential);
    }
    if (!scope[0].equals(credentials.accessKeyId())) {
      return Optional.of("unknown access key " + scope[0]);
    }
    if (region != null && !scope[2].equals(region)) {
      return Optional.of("signed for region " + scope[2] + ", expected " + region);
    }
    if (!scope[3].equals(service)) {
      return Optional.of("signed for service " + scope[3] + ", expected " + service);
    }
    String amzDate = first(headers, "x-amz-date");
    if (amzDate == null) {
      return Optional.of("missing X-Amz-Date header");
    }
    Instant signedAt;
    try {
      signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return Optional.of("malformed X-Amz-Date " + amzDate);
    }
    String contentSha256 = first(headers, "x-amz-content-sha256");
    if (contentSha256 != null) {
      String actual = sha256Hex(body);
      if (!contentSha256.equalsIgnoreCase(actual)) {
        return Optional.of(
            "x-amz-content-sha256 "
                + contentSha256
                + " does not match the body received (SHA-256 "
                + actual
                + ")");
      }
    }
    String host = first(headers, "host");
    if (host == null) {
      return Optional.of("missing Host header");
    }
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://" + host + pathAndQuery));
    for (String name : signedHeaders.split(";")) {
      List<String> values = values(headers, name);
      if (values == null) {
        return Optional.of("signed header " + name + " is missing from the request");
      }
      request.putHeader(name, values);
    }
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(credentials)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, scope[3])
                    .putProperty(AwsV4HttpSigner.REGION_NAME, scope[2])
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
    String expected = signed.request().firstMatchingHeader("Authorization").orElse("");
    if (!expected.equals(auth)) {
      return Optional.of("signature mismatch: expected " + expected + " but got " + auth);
    }
    return Optional.empty();
  }

  /** The names in the {@code SignedHeaders} part of a SigV4 Authorization header; empty if none. */
  static List<String> signedHeaderNames(Map<String, List<String>> headers) {
    String auth = first(headers, "authorization");
    String names = auth == null ? null : part(auth, "SignedHeaders=");
    return names == null ? List.of() : List.of(names.split(";"));
  }

  private static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String part(String auth, String prefix) {
    int i = auth.indexOf(prefix);
    if (i < 0) {
      return null;
    }
    int end = auth.indexOf(',', i);
    return auth.substring(i + prefix.length(), end < 0 ? auth.length() : end).trim();
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = values(headers, name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static List<String> values(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
