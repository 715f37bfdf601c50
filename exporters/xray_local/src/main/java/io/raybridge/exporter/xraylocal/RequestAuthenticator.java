package io.raybridge.exporter.xraylocal;

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
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks that an API request is SigV4-signed with the configured credentials: the request is signed
 * again with the AWS SDK's own signer at the time and in the region and service the client named,
 * and the two {@code Authorization} headers must be equal. The body's SHA-256 must match {@code
 * x-amz-content-sha256} when the client sent one.
 */
final class RequestAuthenticator {

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  private final AwsCredentialsIdentity credentials;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  RequestAuthenticator(String accessKeyId, String secretAccessKey) {
    this.credentials = AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
  }

  /**
   * Verifies one request.
   *
   * @param headers request headers, names in lower case
   * @throws ApiException 403 with AWS's error type when the request is not signed correctly
   */
  void verify(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body)
      throws ApiException {
    String auth = first(headers, "authorization");
    if (auth == null) {
      throw new ApiException(
          403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    String credential = part(auth, "Credential=");
    String signedHeaders = part(auth, "SignedHeaders=");
    if (!auth.startsWith("AWS4-HMAC-SHA256 ")
        || credential == null
        || signedHeaders == null
        || part(auth, "Signature=") == null) {
      throw signature("Authorization header is not a SigV4 signature");
    }
    String[] scope = credential.split("/");
    if (scope.length != 5) {
      throw signature("Malformed credential scope " + credential);
    }
    if (!scope[0].equals(credentials.accessKeyId())) {
      throw new ApiException(
          403,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    String amzDate = first(headers, "x-amz-date");
    Instant signedAt;
    try {
      signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      throw signature("Missing or malformed X-Amz-Date");
    }
    String contentSha256 = first(headers, "x-amz-content-sha256");
    if (contentSha256 != null
        && !"UNSIGNED-PAYLOAD".equals(contentSha256)
        && !contentSha256.equalsIgnoreCase(sha256Hex(body))) {
      throw signature("x-amz-content-sha256 does not match the request body");
    }
    String host = first(headers, "host");
    if (host == null) {
      throw signature("Missing Host header");
    }
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://" + host + pathAndQuery));
    for (String name : signedHeaders.split(";")) {
      List<String> values = headers.get(name);
      if (values == null) {
        throw signature("Signed header " + name + " is missing");
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
      throw signature(
          "The request signature we calculated does not match the signature you provided.");
    }
  }

  private static ApiException signature(String message) {
    return new ApiException(403, "InvalidSignatureException", message);
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
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
