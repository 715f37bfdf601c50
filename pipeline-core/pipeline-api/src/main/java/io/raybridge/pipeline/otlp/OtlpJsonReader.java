package io.raybridge.pipeline.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.UnsafeByteOperations;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Reads OTLP/JSON trace messages from one parser, building the protobuf messages directly. Accepts
 * lowerCamelCase and snake_case field names, enums as numbers or names, integers as numbers or
 * strings, and skips unknown fields. Problems are thrown as {@link Malformed}, which each enclosing
 * field and array element extends with its name or index on the way up. One instance per decoding;
 * not thread-safe.
 */
final class OtlpJsonReader {

  private final JsonParser p;

  OtlpJsonReader(JsonParser p) {
    this.p = p;
  }

  /** Reads the request whose opening brace is the current token. */
  ExportTraceServiceRequest request() throws IOException {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "resourceSpans", "resource_spans" ->
              array(t, e -> b.addResourceSpans(resourceSpans(e)));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private ResourceSpans resourceSpans(JsonToken start) throws IOException {
    expectObject(start);
    ResourceSpans.Builder b = ResourceSpans.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "resource" -> {
            if (t != JsonToken.VALUE_NULL) {
              b.setResource(resource(t));
            }
          }
          case "scopeSpans", "scope_spans" -> array(t, e -> b.addScopeSpans(scopeSpans(e)));
          case "schemaUrl", "schema_url" -> b.setSchemaUrl(string(t));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private ScopeSpans scopeSpans(JsonToken start) throws IOException {
    expectObject(start);
    ScopeSpans.Builder b = ScopeSpans.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "scope" -> {
            if (t != JsonToken.VALUE_NULL) {
              b.setScope(scope(t));
            }
          }
          case "spans" -> array(t, e -> b.addSpans(span(e)));
          case "schemaUrl", "schema_url" -> b.setSchemaUrl(string(t));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private Resource resource(JsonToken start) throws IOException {
    expectObject(start);
    Resource.Builder b = Resource.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "attributes" -> array(t, e -> b.addAttributes(keyValue(e)));
          case "droppedAttributesCount", "dropped_attributes_count" ->
              b.setDroppedAttributesCount((int) integer(t, IntType.UINT32));
          case "entityRefs", "entity_refs" -> array(t, e -> b.addEntityRefs(entityRef(e)));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private EntityRef entityRef(JsonToken start) throws IOException {
    expectObject(start);
    EntityRef.Builder b = EntityRef.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "schemaUrl", "schema_url" -> b.setSchemaUrl(string(t));
          case "type" -> b.setType(string(t));
          case "idKeys", "id_keys" -> array(t, e -> b.addIdKeys(element(e)));
          case "descriptionKeys", "description_keys" ->
              array(t, e -> b.addDescriptionKeys(element(e)));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private InstrumentationScope scope(JsonToken start) throws IOException {
    expectObject(start);
    InstrumentationScope.Builder b = InstrumentationScope.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "name" -> b.setName(string(t));
          case "version" -> b.setVersion(string(t));
          case "attributes" -> array(t, e -> b.addAttributes(keyValue(e)));
          case "droppedAttributesCount", "dropped_attributes_count" ->
              b.setDroppedAttributesCount((int) integer(t, IntType.UINT32));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private Span span(JsonToken start) throws IOException {
    expectObject(start);
    Span.Builder b = Span.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "traceId", "trace_id" -> b.setTraceId(id(t, 16));
          case "spanId", "span_id" -> b.setSpanId(id(t, 8));
          case "traceState", "trace_state" -> b.setTraceState(string(t));
          case "parentSpanId", "parent_span_id" -> b.setParentSpanId(id(t, 8));
          case "flags" -> b.setFlags((int) integer(t, IntType.UINT32));
          case "name" -> b.setName(string(t));
          case "kind" -> b.setKindValue(enumValue(t, Span.SpanKind.getDescriptor()));
          case "startTimeUnixNano", "start_time_unix_nano" ->
              b.setStartTimeUnixNano(integer(t, IntType.UINT64));
          case "endTimeUnixNano", "end_time_unix_nano" ->
              b.setEndTimeUnixNano(integer(t, IntType.UINT64));
          case "attributes" -> array(t, e -> b.addAttributes(keyValue(e)));
          case "droppedAttributesCount", "dropped_attributes_count" ->
              b.setDroppedAttributesCount((int) integer(t, IntType.UINT32));
          case "events" -> array(t, e -> b.addEvents(event(e)));
          case "droppedEventsCount", "dropped_events_count" ->
              b.setDroppedEventsCount((int) integer(t, IntType.UINT32));
          case "links" -> array(t, e -> b.addLinks(link(e)));
          case "droppedLinksCount", "dropped_links_count" ->
              b.setDroppedLinksCount((int) integer(t, IntType.UINT32));
          case "status" -> {
            if (t != JsonToken.VALUE_NULL) {
              b.setStatus(status(t));
            }
          }
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private Span.Event event(JsonToken start) throws IOException {
    expectObject(start);
    Span.Event.Builder b = Span.Event.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "timeUnixNano", "time_unix_nano" -> b.setTimeUnixNano(integer(t, IntType.UINT64));
          case "name" -> b.setName(string(t));
          case "attributes" -> array(t, e -> b.addAttributes(keyValue(e)));
          case "droppedAttributesCount", "dropped_attributes_count" ->
              b.setDroppedAttributesCount((int) integer(t, IntType.UINT32));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private Span.Link link(JsonToken start) throws IOException {
    expectObject(start);
    Span.Link.Builder b = Span.Link.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "traceId", "trace_id" -> b.setTraceId(id(t, 16));
          case "spanId", "span_id" -> b.setSpanId(id(t, 8));
          case "traceState", "trace_state" -> b.setTraceState(string(t));
          case "attributes" -> array(t, e -> b.addAttributes(keyValue(e)));
          case "droppedAttributesCount", "dropped_attributes_count" ->
              b.setDroppedAttributesCount((int) integer(t, IntType.UINT32));
          case "flags" -> b.setFlags((int) integer(t, IntType.UINT32));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private Status status(JsonToken start) throws IOException {
    expectObject(start);
    Status.Builder b = Status.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "message" -> b.setMessage(string(t));
          case "code" -> b.setCodeValue(enumValue(t, Status.StatusCode.getDescriptor()));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private KeyValue keyValue(JsonToken start) throws IOException {
    expectObject(start);
    KeyValue.Builder b = KeyValue.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        switch (name) {
          case "key" -> b.setKey(string(t));
          case "value" -> {
            if (t != JsonToken.VALUE_NULL) {
              b.setValue(anyValue(t));
            }
          }
          case "keyStrindex", "key_strindex" -> b.setKeyStrindex((int) integer(t, IntType.INT32));
          default -> p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private AnyValue anyValue(JsonToken start) throws IOException {
    expectObject(start);
    AnyValue.Builder b = AnyValue.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        boolean member =
            switch (name) {
              case "stringValue",
                  "string_value",
                  "boolValue",
                  "bool_value",
                  "intValue",
                  "int_value",
                  "doubleValue",
                  "double_value",
                  "arrayValue",
                  "array_value",
                  "kvlistValue",
                  "kvlist_value",
                  "bytesValue",
                  "bytes_value",
                  "stringValueStrindex",
                  "string_value_strindex" ->
                  true;
              default -> false;
            };
        if (!member) {
          p.skipChildren();
          continue;
        }
        if (t == JsonToken.VALUE_NULL) {
          continue; // null leaves a oneof member unset
        }
        if (b.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
          throw Malformed.of("an AnyValue holds at most one value");
        }
        switch (name) {
          case "stringValue", "string_value" -> b.setStringValue(string(t));
          case "boolValue", "bool_value" -> b.setBoolValue(bool(t));
          case "intValue", "int_value" -> b.setIntValue(integer(t, IntType.INT64));
          case "doubleValue", "double_value" -> b.setDoubleValue(doubleValue(t));
          case "arrayValue", "array_value" -> b.setArrayValue(arrayValue(t));
          case "kvlistValue", "kvlist_value" -> b.setKvlistValue(keyValueList(t));
          case "bytesValue", "bytes_value" -> b.setBytesValue(bytes(t));
          default -> b.setStringValueStrindex((int) integer(t, IntType.INT32));
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private ArrayValue arrayValue(JsonToken start) throws IOException {
    expectObject(start);
    ArrayValue.Builder b = ArrayValue.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        if (name.equals("values")) {
          array(t, e -> b.addValues(anyValue(e)));
        } else {
          p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  private KeyValueList keyValueList(JsonToken start) throws IOException {
    expectObject(start);
    KeyValueList.Builder b = KeyValueList.newBuilder();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      try {
        if (name.equals("values")) {
          array(t, e -> b.addValues(keyValue(e)));
        } else {
          p.skipChildren();
        }
      } catch (Malformed m) {
        throw m.at(name);
      }
    }
    return b.build();
  }

  // ---- structure

  /** Reads one array element whose first token is given. */
  @FunctionalInterface
  private interface Element {
    void read(JsonToken first) throws IOException;
  }

  /** Reads a repeated field; null is the empty list, as in the protobuf JSON mapping. */
  private void array(JsonToken t, Element element) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      throw Malformed.expected("an array", t);
    }
    int i = 0;
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), i++) {
      try {
        element.read(e);
      } catch (Malformed m) {
        throw m.at(i);
      }
    }
  }

  private static void expectObject(JsonToken t) {
    if (t != JsonToken.START_OBJECT) {
      throw Malformed.expected("an object", t);
    }
  }

  // ---- scalars

  private String string(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return "";
    }
    throw Malformed.expected("a string", t);
  }

  /** A string element of a repeated field, where null is not allowed. */
  private String element(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw Malformed.expected("a string", t);
  }

  private boolean bool(JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_STRING -> {
        String s = p.getText();
        if (s.equals("true")) {
          yield true;
        }
        if (s.equals("false")) {
          yield false;
        }
        throw Malformed.of("expected a boolean, found '" + abbreviate(s) + "'");
      }
      default -> throw Malformed.expected("a boolean", t);
    };
  }

  private double doubleValue(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t != JsonToken.VALUE_STRING) {
      throw Malformed.expected("a number", t);
    }
    String s = p.getText();
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        // Decimal notation only: Java's parser would also take hex floats, suffixes and blanks.
        if (!s.isEmpty() && Character.isDigit(s.charAt(s.length() - 1)) && isDecimal(s)) {
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            // reported below
          }
        }
        throw Malformed.of("expected a number, found '" + abbreviate(s) + "'");
    }
  }

  private ByteString bytes(JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw Malformed.expected("a base64 string", t);
    }
    String s = p.getText();
    try {
      return UnsafeByteOperations.unsafeWrap(Base64.getDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      try {
        return UnsafeByteOperations.unsafeWrap(Base64.getUrlDecoder().decode(s));
      } catch (IllegalArgumentException alsoNot) {
        throw Malformed.of("invalid base64 '" + abbreviate(s) + "': " + e.getMessage());
      }
    }
  }

  /** Integer types of the protobuf JSON mapping, with their ranges. */
  enum IntType {
    INT32("int32", Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32("uint32", 0, 0xffff_ffffL),
    INT64("int64", Long.MIN_VALUE, Long.MAX_VALUE),
    /** Unsigned 64 bits: the result holds the bits, values above Long.MAX_VALUE come negative. */
    UINT64("uint64", 0, -1);

    final String label;
    final long min;
    final long max;

    IntType(String label, long min, long max) {
      this.label = label;
      this.min = min;
      this.max = max;
    }

    boolean fits(long v) {
      return this == UINT64 ? v >= 0 : v >= min && v <= max;
    }

    boolean fits(BigInteger v) {
      return switch (this) {
        case UINT64 -> v.signum() >= 0 && v.bitLength() <= 64;
        default -> v.bitLength() <= 63 && fits(v.longValue());
      };
    }
  }

  /** An integer from a JSON number or a decimal string; null is zero. */
  private long integer(JsonToken t, IntType type) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return 0;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          long v = p.getLongValue();
          if (type.fits(v)) {
            return v;
          }
          throw outOfRange(type, p.getText());
        }
        return exact(type, new BigDecimal(p.getBigIntegerValue()), p.getText());
      case VALUE_NUMBER_FLOAT:
        return exact(type, p.getDecimalValue(), p.getText());
      case VALUE_STRING:
        {
          char[] c = p.getTextCharacters();
          int off = p.getTextOffset();
          int len = p.getTextLength();
          long v = digits(c, off, len);
          if (v >= 0 && type.fits(v)) {
            return v;
          }
          String s = p.getText();
          try {
            return exact(type, new BigDecimal(s), s);
          } catch (NumberFormatException e) {
            throw Malformed.of(
                "expected an integer (" + type.label + "), found '" + abbreviate(s) + "'");
          }
        }
      default:
        throw Malformed.expected("an integer (" + type.label + ")", t);
    }
  }

  /** The value of 1 to 18 ASCII digits, or -1 for anything else (left to the general path). */
  private static long digits(char[] c, int off, int len) {
    if (len == 0 || len > 18) {
      return -1;
    }
    long v = 0;
    for (int i = off, end = off + len; i < end; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static long exact(IntType type, BigDecimal d, String text) {
    BigInteger v;
    try {
      v = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw Malformed.of(
          "expected an integer (" + type.label + "), found '" + abbreviate(text) + "'");
    }
    if (!type.fits(v)) {
      throw outOfRange(type, text);
    }
    return v.longValue();
  }

  private static Malformed outOfRange(IntType type, String text) {
    return Malformed.of("integer '" + abbreviate(text) + "' is out of range for " + type.label);
  }

  /** An enum as its number or its name (a string); unknown names are rejected. */
  private int enumValue(JsonToken t, EnumDescriptor type) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      EnumValueDescriptor named = type.findValueByName(s);
      if (named != null) {
        return named.getNumber();
      }
      long v = digits(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      if (v >= 0 && v <= Integer.MAX_VALUE) {
        return (int) v;
      }
      throw Malformed.of("unknown " + type.getName() + " '" + abbreviate(s) + "'");
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NULL) {
      return (int) integer(t, IntType.INT32);
    }
    throw Malformed.expected("an enum number or name", t);
  }

  /** A hex id of {@code bytes} bytes; empty (or null) is the empty id. */
  private ByteString id(JsonToken t, int bytes) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return ByteString.EMPTY;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw Malformed.expected("a hex string", t);
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    if (len == 0) {
      return ByteString.EMPTY;
    }
    if (len == bytes * 2) {
      byte[] out = new byte[bytes];
      boolean ok = true;
      for (int i = 0; i < bytes; i++) {
        int hi = hexDigit(c[off + 2 * i]);
        int lo = hexDigit(c[off + 2 * i + 1]);
        ok &= (hi | lo) >= 0;
        out[i] = (byte) ((hi << 4) | lo);
      }
      if (ok) {
        return UnsafeByteOperations.unsafeWrap(out);
      }
    }
    throw Malformed.bare(
        "invalid id '" + abbreviate(p.getText()) + "': expected " + bytes * 2 + " hex characters");
  }

  private static boolean isDecimal(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return true;
  }

  /** The value of an ASCII hex digit, or -1. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
    };
  }

  /**
   * Input that is valid JSON but not valid OTLP/JSON. Carries the path of the offending field,
   * built from the inside out. Without a stack trace: it is an answer to bad input, not a bug.
   */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** Whether the message is prefixed with "invalid OTLP/JSON: " (id errors never were). */
    private final boolean prefixed;

    private String path = "";

    private Malformed(String reason, boolean prefixed) {
      super(reason, null, false, false);
      this.reason = reason;
      this.prefixed = prefixed;
    }

    static Malformed of(String reason) {
      return new Malformed(reason, true);
    }

    static Malformed bare(String reason) {
      return new Malformed(reason, false);
    }

    static Malformed expected(String what, JsonToken found) {
      return of("expected " + what + ", found " + describe(found));
    }

    Malformed at(String field) {
      path = field + joined();
      return this;
    }

    Malformed at(int index) {
      path = "[" + index + "]" + joined();
      return this;
    }

    /** The path so far as it follows an enclosing segment. */
    private String joined() {
      return path.isEmpty() || path.charAt(0) == '[' ? path : "." + path;
    }

    @Override
    public String getMessage() {
      String located = path.isEmpty() ? reason : path + ": " + reason;
      return prefixed ? "invalid OTLP/JSON: " + located : located;
    }
  }
}
