package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The {@code http} member. */
public record Http(Request request, Response response, Map<String, JsonNode> extra) {
  public Http {
    extra = Extras.copy(extra);
  }

  /** {@code http.request}. */
  public record Request(
      String method,
      String url,
      String userAgent,
      String clientIp,
      Boolean xForwardedFor,
      Boolean traced,
      Map<String, JsonNode> extra) {
    public Request {
      extra = Extras.copy(extra);
    }
  }

  /**
   * {@code http.response}. A {@code content_length} that is not an integer (e.g. a string) is kept
   * in {@code extra}.
   */
  public record Response(Long status, Long contentLength, Map<String, JsonNode> extra) {
    public Response {
      extra = Extras.copy(extra);
    }
  }
}
