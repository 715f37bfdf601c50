package io.raybridge.xray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** JSON comparison and OTLP/JSON helpers for tests. */
final class JsonTestSupport {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> ID_FIELDS = List.of("traceId", "spanId", "parentSpanId");

  private JsonTestSupport() {}

  static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Canonical form for "JSON-equivalent, numbers and key order aside": null members dropped,
   * numbers compared by value, object keys sorted.
   */
  static JsonNode canonical(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      n.properties().stream()
          .filter(e -> !e.getValue().isNull())
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> o.set(e.getKey(), canonical(e.getValue())));
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> a.add(canonical(e)));
      return a;
    }
    if (n.isNumber()) {
      return JsonNodeFactory.instance.numberNode(n.decimalValue().stripTrailingZeros());
    }
    return n;
  }

  static String canonicalString(String json) {
    return canonical(tree(json)).toPrettyString();
  }

  /** OTLP/JSON (hex ids, integer enums) of a request. */
  static String toOtlpJson(List<ResourceSpans> rs) {
    try {
      String json =
          JsonFormat.printer()
              .printingEnumsAsInts()
              .print(ExportTraceServiceRequest.newBuilder().addAllResourceSpans(rs).build());
      JsonNode tree = MAPPER.readTree(json);
      convertIds(tree, true);
      return tree.toPrettyString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<ResourceSpans> fromOtlpJson(String json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      convertIds(tree, false);
      ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
      JsonFormat.parser().merge(tree.toString(), b);
      return b.getResourceSpansList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void convertIds(JsonNode n, boolean toHex) {
    if (n instanceof ObjectNode o) {
      for (String f : ID_FIELDS) {
        JsonNode v = o.get(f);
        if (v != null && v.isTextual()) {
          o.put(f, toHex ? hex(v.asText()) : base64(v.asText()));
        }
      }
      o.forEach(c -> convertIds(c, toHex));
    } else if (n instanceof ArrayNode a) {
      a.forEach(c -> convertIds(c, toHex));
    }
  }

  private static String hex(String b64) {
    return HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
  }

  private static String base64(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }

  static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }
}
