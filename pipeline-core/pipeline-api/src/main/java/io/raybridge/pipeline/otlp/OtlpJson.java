package io.raybridge.pipeline.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OTLP/JSON, the JSON encoding of OTLP messages defined by the OTLP specification. It is the
 * protobuf JSON mapping with two exceptions: trace and span ids are hex strings instead of base64,
 * and enums are integers. Field names are lowerCamelCase.
 *
 * <p>Decoding is lenient where the specification asks receivers to be: it also accepts the original
 * snake_case field names, enum names, 64-bit integers as numbers or strings, and ignores unknown
 * fields. Ids must be hex strings of the right length (or empty).
 *
 * <p>All methods are thread-safe and stateless.
 */
public final class OtlpJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();
  private static final HexFormat HEX = HexFormat.of();

  /** Id fields by their JSON names (both spellings), with their length in bytes. */
  private static final Map<String, Integer> ID_FIELDS =
      Map.of(
          "traceId", 16,
          "trace_id", 16,
          "spanId", 8,
          "span_id", 8,
          "parentSpanId", 8,
          "parent_span_id", 8);

  private OtlpJson() {}

  /**
   * Decodes an OTLP/JSON trace export request.
   *
   * @throws InvalidProtocolBufferException when the bytes are not valid OTLP/JSON; the message says
   *     why and, for a bad id, where
   */
  public static ExportTraceServiceRequest decode(byte[] json)
      throws InvalidProtocolBufferException {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidProtocolBufferException(
          "invalid OTLP/JSON: the top level must be an object");
    }
    List<String> errors = new ArrayList<>();
    hexToBase64(root, "", errors);
    if (!errors.isEmpty()) {
      throw new InvalidProtocolBufferException(String.join("; ", errors));
    }
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(root.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidProtocolBufferException("invalid OTLP/JSON: " + e.getMessage());
    }
    return builder.build();
  }

  /** Encodes a trace export request as OTLP/JSON, UTF-8. */
  public static byte[] encode(ExportTraceServiceRequest request) {
    return encodeToString(request).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Encodes any OTLP message as compact OTLP/JSON: export requests and responses, {@code
   * TracesData}, {@code ResourceSpans}, {@code Span} and their parts.
   */
  public static String encodeToString(MessageOrBuilder message) {
    Objects.requireNonNull(message, "message");
    String json;
    try {
      json = PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only messages holding Any fields with unknown types fail; OTLP trace messages have none.
      throw new IllegalArgumentException("cannot encode " + message.getClass().getName(), e);
    }
    try {
      JsonNode root = MAPPER.readTree(json);
      if (base64ToHex(root)) {
        return MAPPER.writeValueAsString(root);
      }
      return json;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("protobuf printed invalid JSON", e);
    }
  }

  /** Rewrites hex ids as base64 so that the protobuf JSON parser reads them as bytes. */
  private static void hexToBase64(JsonNode node, String path, List<String> errors) {
    if (node instanceof ObjectNode object) {
      List<Map.Entry<String, JsonNode>> ids = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (ID_FIELDS.containsKey(field.getKey()) && field.getValue().isTextual()) {
          ids.add(field);
        } else if (field.getValue().isContainerNode()) {
          hexToBase64(field.getValue(), fieldPath, errors);
        }
      }
      for (Map.Entry<String, JsonNode> id : ids) {
        String hex = id.getValue().asText();
        int bytes = ID_FIELDS.get(id.getKey());
        String fieldPath = path.isEmpty() ? id.getKey() : path + "." + id.getKey();
        if (hex.isEmpty()) {
          continue;
        }
        if (hex.length() != bytes * 2 || !isHex(hex)) {
          errors.add(
              fieldPath
                  + ": invalid id '"
                  + abbreviate(hex)
                  + "': expected "
                  + bytes * 2
                  + " hex characters");
          continue;
        }
        object.put(id.getKey(), Base64.getEncoder().encodeToString(HEX.parseHex(hex)));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        hexToBase64(array.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  /** Rewrites base64 ids as hex; returns whether anything changed. */
  private static boolean base64ToHex(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      List<String> ids = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (ID_FIELDS.containsKey(field.getKey()) && field.getValue().isTextual()) {
          ids.add(field.getKey());
        } else if (field.getValue().isContainerNode()) {
          changed |= base64ToHex(field.getValue());
        }
      }
      for (String key : ids) {
        object.put(key, HEX.formatHex(Base64.getDecoder().decode(object.get(key).asText())));
        changed = true;
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        changed |= base64ToHex(element);
      }
    }
    return changed;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
