package io.raybridge.receiver.awsxray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the sampling endpoint. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Status and parsed body. */
  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  private Http() {}

  static Reply post(InetSocketAddress address, String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(address, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(10))
            .build());
  }

  static Reply get(InetSocketAddress address, String path) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(address, path)).GET().timeout(Duration.ofSeconds(10)).build());
  }

  private static Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    return new Reply(r.statusCode(), body, r);
  }

  static URI uri(InetSocketAddress address, String path) {
    return URI.create("http://127.0.0.1:" + address.getPort() + path);
  }
}
