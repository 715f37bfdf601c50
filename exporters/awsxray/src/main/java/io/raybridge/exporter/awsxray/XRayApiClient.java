package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * The two X-Ray operations the exporter uses (rest-json, POST, SigV4 with service {@code xray}),
 * spoken with the AWS SDK's HTTP client, signer and credentials providers. The generated {@code
 * XRayClient} is not published for the SDK version the project is on, so the two calls are made
 * here; both are a JSON body in and a JSON body out. Thread-safe.
 */
final class XRayApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_AGENT = "raybridge-awsxray-exporter";

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI endpoint;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  XRayApiClient(
      SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint) {
    this.http = http;
    this.credentials = credentials;
    this.region = region;
    this.endpoint = endpoint;
  }

  /** The regional endpoint of X-Ray (XRAY-REFERENCE §2.3). */
  static URI defaultEndpoint(Region region) {
    String id = region.id();
    String domain =
        id.startsWith("cn-")
            ? "amazonaws.com.cn"
            : id.startsWith("us-isob-")
                ? "sc2s.sgov.gov"
                : id.startsWith("us-iso-") ? "c2s.ic.gov" : "amazonaws.com";
    return URI.create("https://xray." + id + "." + domain);
  }

  /** One document X-Ray did not process. */
  record Unprocessed(String id, String errorCode, String message) {}

  /** An error answer of the API. */
  static final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
      super(status + " " + code + ": " + message);
      this.status = status;
      this.code = code;
    }

    int status() {
      return status;
    }

    String code() {
      return code;
    }

    boolean isThrottling() {
      return status == 429 || AwsXRayExporter.isThrottling(code);
    }
  }

  /** PutTraceSegments; returns the unprocessed documents. */
  List<Unprocessed> putTraceSegments(List<String> documents) throws IOException, ApiException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode docs = body.putArray("TraceSegmentDocuments");
    documents.forEach(docs::add);
    JsonNode response = call("/TraceSegments", JSON.writeValueAsBytes(body));
    List<Unprocessed> out = new ArrayList<>();
    for (JsonNode u : response.path("UnprocessedTraceSegments")) {
      out.add(
          new Unprocessed(
              u.hasNonNull("Id") ? u.get("Id").asText() : null,
              u.hasNonNull("ErrorCode") ? u.get("ErrorCode").asText() : null,
              u.path("Message").asText("")));
    }
    return out;
  }

  /** PutTelemetryRecords with a ready request body. */
  void putTelemetryRecords(ObjectNode request) throws IOException, ApiException {
    call("/TelemetryRecords", JSON.writeValueAsBytes(request));
  }

  static ObjectNode newObject() {
    return JSON.createObjectNode();
  }

  private JsonNode call(String path, byte[] body) throws IOException, ApiException {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint.resolve(path))
            .putHeader("Content-Type", "application/json")
            .putHeader("Content-Length", Integer.toString(body.length))
            .putHeader(
                "X-Amzn-Xray-Timestamp",
                String.format(Locale.ROOT, "%.9f", System.currentTimeMillis() / 1000.0))
            .putHeader("User-Agent", USER_AGENT)
            .build();
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(identity)
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "xray")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    HttpExecuteResponse response =
        http.prepareRequest(
                HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                    .build())
            .call();
    byte[] answer;
    try (InputStream in = response.responseBody().map(s -> (InputStream) s).orElse(null)) {
      answer = in == null ? new byte[0] : in.readAllBytes();
    }
    int status = response.httpResponse().statusCode();
    if (status / 100 == 2) {
      return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
    }
    String code = response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null);
    String message = new String(answer, StandardCharsets.UTF_8);
    try {
      JsonNode error = JSON.readTree(answer);
      if (code == null && error != null) {
        code =
            error.hasNonNull("__type")
                ? error.get("__type").asText()
                : error.path("code").asText(null);
      }
      if (error != null && error.has("message")) {
        message = error.get("message").asText();
      } else if (error != null && error.has("Message")) {
        message = error.get("Message").asText();
      }
    } catch (IOException e) {
      // Not JSON (a proxy's error page, say): keep the raw text as the message.
    }
    if (code == null || code.isEmpty()) {
      code = "HTTP" + status;
    }
    // "ThrottledException:http://internal..." and "com.amazon#ThrottledException" carry extras.
    int colon = code.indexOf(':');
    code = colon > 0 ? code.substring(0, colon) : code;
    int hash = code.indexOf('#');
    code = hash >= 0 ? code.substring(hash + 1) : code;
    throw new ApiException(status, code, message);
  }
}
