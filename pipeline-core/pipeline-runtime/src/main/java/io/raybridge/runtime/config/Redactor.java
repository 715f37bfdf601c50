package io.raybridge.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hides the values of keys that look like secrets ({@code password}, {@code bearer_token}, an
 * {@code Authorization} header, ...) so that {@code print-config} output can be pasted into an
 * issue. Everything beneath such a key is redacted, scalar by scalar, keeping the shape visible.
 */
final class Redactor {

  static final String REDACTED = "[REDACTED]";

  private static final List<String> SECRET_WORDS =
      List.of(
          "password",
          "passwd",
          "secret",
          "token",
          "api_key",
          "apikey",
          "api-key",
          "authorization",
          "credential",
          "private_key",
          "private-key");

  private Redactor() {}

  /** A copy of {@code node} with secret values replaced by {@value #REDACTED}. */
  static JsonNode redact(JsonNode node) {
    return copy(node, false);
  }

  static boolean isSecretKey(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  private static JsonNode copy(JsonNode node, boolean secret) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.set(e.getKey(), copy(e.getValue(), secret || isSecretKey(e.getKey())));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(copy(element, secret)));
      return out;
    }
    // Nulls and empty strings carry no secret; showing them tells the reader the key is unset.
    if (secret && !node.isNull() && !node.asText().isEmpty()) {
      return JsonNodeFactory.instance.textNode(REDACTED);
    }
    return node;
  }
}
