package io.raybridge.pipeline.otlp;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
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
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.List;

/**
 * Writes OTLP trace messages as OTLP/JSON to one generator, field by field in proto declaration
 * order, omitting fields that hold their default value (oneof members and present message fields
 * are always written, as the protobuf JSON mapping does). One instance per encoding; not
 * thread-safe.
 */
final class OtlpJsonWriter {

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private static final SerializableString RESOURCE_SPANS = name("resourceSpans");
  private static final SerializableString RESOURCE = name("resource");
  private static final SerializableString SCOPE_SPANS = name("scopeSpans");
  private static final SerializableString SCHEMA_URL = name("schemaUrl");
  private static final SerializableString SCOPE = name("scope");
  private static final SerializableString SPANS = name("spans");
  private static final SerializableString TRACE_ID = name("traceId");
  private static final SerializableString SPAN_ID = name("spanId");
  private static final SerializableString TRACE_STATE = name("traceState");
  private static final SerializableString PARENT_SPAN_ID = name("parentSpanId");
  private static final SerializableString FLAGS = name("flags");
  private static final SerializableString NAME = name("name");
  private static final SerializableString KIND = name("kind");
  private static final SerializableString START_TIME = name("startTimeUnixNano");
  private static final SerializableString END_TIME = name("endTimeUnixNano");
  private static final SerializableString ATTRIBUTES = name("attributes");
  private static final SerializableString DROPPED_ATTRIBUTES = name("droppedAttributesCount");
  private static final SerializableString EVENTS = name("events");
  private static final SerializableString DROPPED_EVENTS = name("droppedEventsCount");
  private static final SerializableString LINKS = name("links");
  private static final SerializableString DROPPED_LINKS = name("droppedLinksCount");
  private static final SerializableString STATUS = name("status");
  private static final SerializableString TIME = name("timeUnixNano");
  private static final SerializableString MESSAGE = name("message");
  private static final SerializableString CODE = name("code");
  private static final SerializableString ENTITY_REFS = name("entityRefs");
  private static final SerializableString TYPE = name("type");
  private static final SerializableString ID_KEYS = name("idKeys");
  private static final SerializableString DESCRIPTION_KEYS = name("descriptionKeys");
  private static final SerializableString VERSION = name("version");
  private static final SerializableString KEY = name("key");
  private static final SerializableString VALUE = name("value");
  private static final SerializableString KEY_STRINDEX = name("keyStrindex");
  private static final SerializableString VALUES = name("values");
  private static final SerializableString STRING_VALUE = name("stringValue");
  private static final SerializableString BOOL_VALUE = name("boolValue");
  private static final SerializableString INT_VALUE = name("intValue");
  private static final SerializableString DOUBLE_VALUE = name("doubleValue");
  private static final SerializableString ARRAY_VALUE = name("arrayValue");
  private static final SerializableString KVLIST_VALUE = name("kvlistValue");
  private static final SerializableString BYTES_VALUE = name("bytesValue");
  private static final SerializableString STRING_VALUE_STRINDEX = name("stringValueStrindex");
  private static final SerializableString PARTIAL_SUCCESS = name("partialSuccess");
  private static final SerializableString REJECTED_SPANS = name("rejectedSpans");
  private static final SerializableString ERROR_MESSAGE = name("errorMessage");

  private final JsonGenerator g;

  /** Scratch space for hex ids (32 characters) and decimal 64-bit integers (20 digits). */
  private final char[] scratch = new char[32];

  OtlpJsonWriter(JsonGenerator g) {
    this.g = g;
  }

  private static SerializableString name(String s) {
    return new SerializedString(s);
  }

  void request(ExportTraceServiceRequest r) throws IOException {
    g.writeStartObject();
    resourceSpansList(r.getResourceSpansList());
    g.writeEndObject();
  }

  void tracesData(TracesData d) throws IOException {
    g.writeStartObject();
    resourceSpansList(d.getResourceSpansList());
    g.writeEndObject();
  }

  void response(ExportTraceServiceResponse r) throws IOException {
    g.writeStartObject();
    if (r.hasPartialSuccess()) {
      g.writeFieldName(PARTIAL_SUCCESS);
      partialSuccess(r.getPartialSuccess());
    }
    g.writeEndObject();
  }

  void partialSuccess(ExportTracePartialSuccess p) throws IOException {
    g.writeStartObject();
    if (p.getRejectedSpans() != 0) {
      g.writeFieldName(REJECTED_SPANS);
      signed64(p.getRejectedSpans());
    }
    string(ERROR_MESSAGE, p.getErrorMessage());
    g.writeEndObject();
  }

  private void resourceSpansList(List<ResourceSpans> list) throws IOException {
    if (list.isEmpty()) {
      return;
    }
    g.writeFieldName(RESOURCE_SPANS);
    g.writeStartArray();
    for (int i = 0, n = list.size(); i < n; i++) {
      resourceSpans(list.get(i));
    }
    g.writeEndArray();
  }

  void resourceSpans(ResourceSpans rs) throws IOException {
    g.writeStartObject();
    if (rs.hasResource()) {
      g.writeFieldName(RESOURCE);
      resource(rs.getResource());
    }
    List<ScopeSpans> scopes = rs.getScopeSpansList();
    if (!scopes.isEmpty()) {
      g.writeFieldName(SCOPE_SPANS);
      g.writeStartArray();
      for (int i = 0, n = scopes.size(); i < n; i++) {
        scopeSpans(scopes.get(i));
      }
      g.writeEndArray();
    }
    string(SCHEMA_URL, rs.getSchemaUrl());
    g.writeEndObject();
  }

  void scopeSpans(ScopeSpans ss) throws IOException {
    g.writeStartObject();
    if (ss.hasScope()) {
      g.writeFieldName(SCOPE);
      scope(ss.getScope());
    }
    List<Span> spans = ss.getSpansList();
    if (!spans.isEmpty()) {
      g.writeFieldName(SPANS);
      g.writeStartArray();
      for (int i = 0, n = spans.size(); i < n; i++) {
        span(spans.get(i));
      }
      g.writeEndArray();
    }
    string(SCHEMA_URL, ss.getSchemaUrl());
    g.writeEndObject();
  }

  void resource(Resource r) throws IOException {
    g.writeStartObject();
    attributes(r.getAttributesList());
    unsigned32(DROPPED_ATTRIBUTES, r.getDroppedAttributesCount());
    List<EntityRef> refs = r.getEntityRefsList();
    if (!refs.isEmpty()) {
      g.writeFieldName(ENTITY_REFS);
      g.writeStartArray();
      for (int i = 0, n = refs.size(); i < n; i++) {
        entityRef(refs.get(i));
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  void entityRef(EntityRef e) throws IOException {
    g.writeStartObject();
    string(SCHEMA_URL, e.getSchemaUrl());
    string(TYPE, e.getType());
    strings(ID_KEYS, e.getIdKeysList());
    strings(DESCRIPTION_KEYS, e.getDescriptionKeysList());
    g.writeEndObject();
  }

  void scope(InstrumentationScope s) throws IOException {
    g.writeStartObject();
    string(NAME, s.getName());
    string(VERSION, s.getVersion());
    attributes(s.getAttributesList());
    unsigned32(DROPPED_ATTRIBUTES, s.getDroppedAttributesCount());
    g.writeEndObject();
  }

  void span(Span s) throws IOException {
    g.writeStartObject();
    id(TRACE_ID, s.getTraceId());
    id(SPAN_ID, s.getSpanId());
    string(TRACE_STATE, s.getTraceState());
    id(PARENT_SPAN_ID, s.getParentSpanId());
    unsigned32(FLAGS, s.getFlags());
    string(NAME, s.getName());
    if (s.getKindValue() != 0) {
      g.writeFieldName(KIND);
      g.writeNumber(s.getKindValue());
    }
    unsigned64(START_TIME, s.getStartTimeUnixNano());
    unsigned64(END_TIME, s.getEndTimeUnixNano());
    attributes(s.getAttributesList());
    unsigned32(DROPPED_ATTRIBUTES, s.getDroppedAttributesCount());
    List<Span.Event> events = s.getEventsList();
    if (!events.isEmpty()) {
      g.writeFieldName(EVENTS);
      g.writeStartArray();
      for (int i = 0, n = events.size(); i < n; i++) {
        event(events.get(i));
      }
      g.writeEndArray();
    }
    unsigned32(DROPPED_EVENTS, s.getDroppedEventsCount());
    List<Span.Link> links = s.getLinksList();
    if (!links.isEmpty()) {
      g.writeFieldName(LINKS);
      g.writeStartArray();
      for (int i = 0, n = links.size(); i < n; i++) {
        link(links.get(i));
      }
      g.writeEndArray();
    }
    unsigned32(DROPPED_LINKS, s.getDroppedLinksCount());
    if (s.hasStatus()) {
      g.writeFieldName(STATUS);
      status(s.getStatus());
    }
    g.writeEndObject();
  }

  void event(Span.Event e) throws IOException {
    g.writeStartObject();
    unsigned64(TIME, e.getTimeUnixNano());
    string(NAME, e.getName());
    attributes(e.getAttributesList());
    unsigned32(DROPPED_ATTRIBUTES, e.getDroppedAttributesCount());
    g.writeEndObject();
  }

  void link(Span.Link l) throws IOException {
    g.writeStartObject();
    id(TRACE_ID, l.getTraceId());
    id(SPAN_ID, l.getSpanId());
    string(TRACE_STATE, l.getTraceState());
    attributes(l.getAttributesList());
    unsigned32(DROPPED_ATTRIBUTES, l.getDroppedAttributesCount());
    unsigned32(FLAGS, l.getFlags());
    g.writeEndObject();
  }

  void status(Status s) throws IOException {
    g.writeStartObject();
    string(MESSAGE, s.getMessage());
    if (s.getCodeValue() != 0) {
      g.writeFieldName(CODE);
      g.writeNumber(s.getCodeValue());
    }
    g.writeEndObject();
  }

  private void attributes(List<KeyValue> attributes) throws IOException {
    if (!attributes.isEmpty()) {
      g.writeFieldName(ATTRIBUTES);
      keyValues(attributes);
    }
  }

  private void keyValues(List<KeyValue> list) throws IOException {
    g.writeStartArray();
    for (int i = 0, n = list.size(); i < n; i++) {
      keyValue(list.get(i));
    }
    g.writeEndArray();
  }

  void keyValue(KeyValue kv) throws IOException {
    g.writeStartObject();
    string(KEY, kv.getKey());
    if (kv.hasValue()) {
      g.writeFieldName(VALUE);
      anyValue(kv.getValue());
    }
    if (kv.getKeyStrindex() != 0) {
      g.writeFieldName(KEY_STRINDEX);
      g.writeNumber(kv.getKeyStrindex());
    }
    g.writeEndObject();
  }

  void anyValue(AnyValue v) throws IOException {
    g.writeStartObject();
    switch (v.getValueCase()) {
      case STRING_VALUE -> {
        g.writeFieldName(STRING_VALUE);
        g.writeString(v.getStringValue());
      }
      case BOOL_VALUE -> {
        g.writeFieldName(BOOL_VALUE);
        g.writeBoolean(v.getBoolValue());
      }
      case INT_VALUE -> {
        g.writeFieldName(INT_VALUE);
        signed64(v.getIntValue());
      }
      case DOUBLE_VALUE -> {
        g.writeFieldName(DOUBLE_VALUE);
        doubleValue(v.getDoubleValue());
      }
      case ARRAY_VALUE -> {
        g.writeFieldName(ARRAY_VALUE);
        arrayValue(v.getArrayValue());
      }
      case KVLIST_VALUE -> {
        g.writeFieldName(KVLIST_VALUE);
        keyValueList(v.getKvlistValue());
      }
      case BYTES_VALUE -> {
        g.writeFieldName(BYTES_VALUE);
        byte[] bytes = v.getBytesValue().toByteArray();
        g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
      }
      case STRING_VALUE_STRINDEX -> {
        g.writeFieldName(STRING_VALUE_STRINDEX);
        g.writeNumber(v.getStringValueStrindex());
      }
      case VALUE_NOT_SET -> {
        // An empty AnyValue is an empty object.
      }
    }
    g.writeEndObject();
  }

  void arrayValue(ArrayValue a) throws IOException {
    g.writeStartObject();
    List<AnyValue> values = a.getValuesList();
    if (!values.isEmpty()) {
      g.writeFieldName(VALUES);
      g.writeStartArray();
      for (int i = 0, n = values.size(); i < n; i++) {
        anyValue(values.get(i));
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  void keyValueList(KeyValueList l) throws IOException {
    g.writeStartObject();
    if (l.getValuesCount() > 0) {
      g.writeFieldName(VALUES);
      keyValues(l.getValuesList());
    }
    g.writeEndObject();
  }

  private void doubleValue(double d) throws IOException {
    if (Double.isNaN(d)) {
      g.writeString("NaN");
    } else if (d == Double.POSITIVE_INFINITY) {
      g.writeString("Infinity");
    } else if (d == Double.NEGATIVE_INFINITY) {
      g.writeString("-Infinity");
    } else {
      g.writeNumber(d);
    }
  }

  private void string(SerializableString field, String value) throws IOException {
    if (!value.isEmpty()) {
      g.writeFieldName(field);
      g.writeString(value);
    }
  }

  private void strings(SerializableString field, List<String> values) throws IOException {
    if (!values.isEmpty()) {
      g.writeFieldName(field);
      g.writeStartArray();
      for (int i = 0, n = values.size(); i < n; i++) {
        g.writeString(values.get(i));
      }
      g.writeEndArray();
    }
  }

  /** uint32 and fixed32 are JSON numbers, unsigned. */
  private void unsigned32(SerializableString field, int value) throws IOException {
    if (value != 0) {
      g.writeFieldName(field);
      g.writeNumber(Integer.toUnsignedLong(value));
    }
  }

  /** fixed64 is a decimal string, unsigned. */
  private void unsigned64(SerializableString field, long value) throws IOException {
    if (value != 0) {
      g.writeFieldName(field);
      if (value > 0) {
        decimal(value, false);
      } else {
        g.writeString(Long.toUnsignedString(value));
      }
    }
  }

  /** int64 is a decimal string, signed. */
  private void signed64(long value) throws IOException {
    if (value >= 0) {
      decimal(value, false);
    } else if (value != Long.MIN_VALUE) {
      decimal(-value, true);
    } else {
      g.writeString(Long.toString(value));
    }
  }

  /** Writes a non-negative long as a JSON string of its digits, without an intermediate String. */
  private void decimal(long value, boolean negative) throws IOException {
    char[] c = scratch;
    int pos = c.length;
    long v = value;
    do {
      long q = v / 10;
      c[--pos] = (char) ('0' + (int) (v - q * 10));
      v = q;
    } while (v != 0);
    if (negative) {
      c[--pos] = '-';
    }
    g.writeString(c, pos, c.length - pos);
  }

  /** Ids are lowercase hex; an empty id is omitted like any other empty bytes field. */
  private void id(SerializableString field, ByteString id) throws IOException {
    int n = id.size();
    if (n == 0) {
      return;
    }
    g.writeFieldName(field);
    if (n * 2 > scratch.length) {
      // Longer than a trace id: not valid, but written faithfully.
      char[] c = new char[n * 2];
      hex(id, c);
      g.writeString(c, 0, c.length);
      return;
    }
    hex(id, scratch);
    g.writeString(scratch, 0, n * 2);
  }

  private static void hex(ByteString id, char[] out) {
    for (int i = 0, n = id.size(); i < n; i++) {
      int b = id.byteAt(i);
      out[2 * i] = HEX_DIGITS[(b >> 4) & 0xf];
      out[2 * i + 1] = HEX_DIGITS[b & 0xf];
    }
  }
}
