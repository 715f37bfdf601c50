package io.raybridge.receiver.awsxray;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * An answer of the sampling endpoint.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param errorType the X-Ray error type sent as {@code x-amzn-ErrorType}, or null
 * @param body the body
 */
record HttpReply(int status, String contentType, String errorType, byte[] body) {

  static final String JSON = "application/json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static HttpReply json(String body) {
    return new HttpReply(200, JSON, null, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An error in the X-Ray API's shape: {@code {"__type": "...", "message": "..."}} with the type
   * repeated in {@code x-amzn-ErrorType}, which AWS SDKs read.
   */
  static HttpReply error(int status, String errorType, String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("__type", errorType);
    n.put("message", message);
    return new HttpReply(status, JSON, errorType, n.toString().getBytes(StandardCharsets.UTF_8));
  }
}
