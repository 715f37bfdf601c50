package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
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
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OTLP/JSON against the protobuf JSON mapping as implemented by {@link JsonFormat}: OTLP/JSON is
 * that mapping with hex ids and integer enums, so after converting ids the two must agree on every
 * message, field by field.
 */
class OtlpJsonConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId");

  static IntStream seeds() {
    return IntStream.range(0, 40);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void generatedRequestsSurviveTheRoundTrip(int seed) throws Exception {
    ExportTraceServiceRequest request = new Generator(seed).request();

    assertThat(OtlpJson.decode(OtlpJson.encode(request))).isEqualTo(request);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void outputIsTheProtobufJsonMappingWithHexIdsAndIntegerEnums(int seed) throws Exception {
    // Without -0.0, which JsonFormat's parser reads as 0.0 (both encoders write "-0.0").
    ExportTraceServiceRequest request = new Generator(seed, false).request();
    byte[] ours = OtlpJson.encode(request);

    // JsonFormat reads our output, once ids are base64 again, as the same message ...
    JsonNode tree = JSON.readTree(ours);
    convertIds(tree, false);
    ExportTraceServiceRequest.Builder parsed = ExportTraceServiceRequest.newBuilder();
    JsonFormat.parser().merge(JSON.writeValueAsString(tree), parsed);
    assertThat(parsed.build()).isEqualTo(request);

    // ... and prints the same fields with the same values (ours: ids as hex).
    JsonNode reference = JSON.readTree(JsonFormat.printer().printingEnumsAsInts().print(request));
    convertIds(reference, true);
    assertThat(JSON.readTree(ours)).isEqualTo(reference);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void decodesWhatJsonFormatPrintsWithEnumNamesAndOriginalFieldNames(int seed) throws Exception {
    ExportTraceServiceRequest request = new Generator(seed).request();
    JsonNode printed =
        JSON.readTree(JsonFormat.printer().preservingProtoFieldNames().print(request));
    convertIds(printed, true);

    assertThat(OtlpJson.decode(JSON.writeValueAsBytes(printed))).isEqualTo(request);
  }

  @Test
  void theGeneratedCorpusSetsEveryFieldOfEveryTraceMessage() {
    Set<String> set = new HashSet<>();
    for (int seed : seeds().toArray()) {
      collectSetFields(new Generator(seed).request(), set);
    }
    Set<String> all = new HashSet<>();
    collectAllFields(ExportTraceServiceRequest.getDescriptor(), all, new HashSet<>());

    assertThat(set).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void everyTraceMessageEncodesLikeJsonFormat() throws Exception {
    ExportTraceServiceRequest request = new Generator(7).request();
    ResourceSpans rs = request.getResourceSpans(0);
    Span span = rs.getScopeSpans(0).getSpans(0);
    List<Message> messages =
        List.of(
            TracesData.newBuilder().addAllResourceSpans(request.getResourceSpansList()).build(),
            rs,
            rs.getResource(),
            EntityRef.newBuilder().setType("service").addIdKeys("service.name").build(),
            rs.getScopeSpans(0),
            rs.getScopeSpans(0).getScope(),
            span,
            span.getStatus(),
            kv("k", AnyValue.newBuilder().setIntValue(-7)),
            AnyValue.newBuilder()
                .setKvlistValue(
                    KeyValueList.newBuilder()
                        .addValues(kv("d", AnyValue.newBuilder().setDoubleValue(Double.NaN))))
                .build(),
            ArrayValue.newBuilder().addValues(AnyValue.getDefaultInstance()).build(),
            span.toBuilder().addEvents(Span.Event.newBuilder().setName("e")).build().getEvents(0),
            Span.Link.newBuilder().setSpanId(id("0000000000000001")).setFlags(-1).build(),
            ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(
                    ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(-3)
                        .setErrorMessage("3 spans without ids"))
                .build(),
            ExportTraceServiceResponse.getDefaultInstance());
    for (Message m : messages) {
      JsonNode reference = JSON.readTree(JsonFormat.printer().printingEnumsAsInts().print(m));
      convertIds(reference, true);
      assertThat(JSON.readTree(OtlpJson.encodeToString(m)))
          .as(m.getDescriptorForType().getName())
          .isEqualTo(reference);
    }
    assertThat(OtlpJson.encodeToString(ExportTraceServiceResponse.getDefaultInstance()))
        .isEqualTo("{}");
    assertThat(OtlpJson.encodeToString(span.toBuilder())).isEqualTo(OtlpJson.encodeToString(span));
  }

  @Test
  void messagesOfOtherSignalsAreRefused() {
    assertThatThrownBy(
            () ->
                OtlpJson.encodeToString(
                    io.opentelemetry.proto.logs.v1.LogRecord.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LogRecord");
  }

  @Test
  void writesToAStreamWithoutFlushingOrClosingIt() throws Exception {
    ExportTraceServiceRequest request = new Generator(3).request();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean[] flushedOrClosed = {false};
    OutputStream out =
        new FilterOutputStream(bytes) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void flush() {
            flushedOrClosed[0] = true;
          }

          @Override
          public void close() {
            flushedOrClosed[0] = true;
          }
        };

    OtlpJson.encode(request, out);
    OtlpJson.encode(request, out);

    byte[] one = OtlpJson.encode(request);
    assertThat(bytes.toByteArray()).hasSize(one.length * 2).startsWith(one).endsWith(one);
    assertThat(flushedOrClosed[0]).isFalse();
  }

  @Test
  void nonFiniteDoublesAndExtremeIntegersAreWrittenAsTheSpecificationSays() throws Exception {
    Span span =
        Span.newBuilder()
            .setStartTimeUnixNano(-1L) // 2^64-1 as fixed64
            .setFlags(-1) // 2^32-1 as fixed32
            .setDroppedAttributesCount(-2)
            .addAttributes(kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN)))
            .addAttributes(
                kv("inf", AnyValue.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY)))
            .addAttributes(
                kv("-inf", AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY)))
            .addAttributes(kv("min", AnyValue.newBuilder().setIntValue(Long.MIN_VALUE)))
            .addAttributes(kv("neg", AnyValue.newBuilder().setIntValue(-42)))
            .addAttributes(kv("empty", AnyValue.newBuilder().setStringValue("")))
            .addAttributes(kv("unset", AnyValue.newBuilder()))
            .build();

    assertThat(OtlpJson.encodeToString(span))
        .isEqualTo(
            "{\"flags\":4294967295,\"startTimeUnixNano\":\"18446744073709551615\","
                + "\"attributes\":["
                + "{\"key\":\"nan\",\"value\":{\"doubleValue\":\"NaN\"}},"
                + "{\"key\":\"inf\",\"value\":{\"doubleValue\":\"Infinity\"}},"
                + "{\"key\":\"-inf\",\"value\":{\"doubleValue\":\"-Infinity\"}},"
                + "{\"key\":\"min\",\"value\":{\"intValue\":\"-9223372036854775808\"}},"
                + "{\"key\":\"neg\",\"value\":{\"intValue\":\"-42\"}},"
                + "{\"key\":\"empty\",\"value\":{\"stringValue\":\"\"}},"
                + "{\"key\":\"unset\",\"value\":{}}],"
                + "\"droppedAttributesCount\":4294967294}");
  }

  @Test
  void decodesTheSpecificationsExampleShapes() throws Exception {
    // As in the OTLP repository's examples, mixed with the leniencies receivers must offer.
    String json =
        """
        {
          "resource_spans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
            "scopeSpans": [{
              "scope": {"name": "my.library", "version": "1.0.0",
                        "attributes": [{"key": "my.scope.attribute", "value": {"string_value": "some scope attribute"}}]},
              "spans": [{
                "traceId": "5B8EFFF798038103D269B633813FC60C",
                "spanId": "EEE19B7EC3C1B174",
                "parentSpanId": "EEE19B7EC3C1B173",
                "name": "I'm a server span",
                "startTimeUnixNano": "1544712660000000000",
                "end_time_unix_nano": 1544712661000000000,
                "kind": 2,
                "flags": "257",
                "droppedAttributesCount": "1",
                "attributes": [
                  {"key": "my.span.attr", "value": {"stringValue": "some value"}},
                  {"key": "int.as.number", "value": {"intValue": 42}},
                  {"key": "int.as.string", "value": {"int_value": "-42"}},
                  {"key": "int.as.exponent", "value": {"intValue": 1e3}},
                  {"key": "double", "value": {"doubleValue": 1.5}},
                  {"key": "double.as.string", "value": {"doubleValue": "2.5"}},
                  {"key": "double.nan", "value": {"doubleValue": "NaN"}},
                  {"key": "double.neg.inf", "value": {"doubleValue": "-Infinity"}},
                  {"key": "bool", "value": {"boolValue": true}},
                  {"key": "bytes", "value": {"bytesValue": "aGk="}},
                  {"key": "bytes.url", "value": {"bytes_value": "-_8="}},
                  {"key": "array", "value": {"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "two"}]}}},
                  {"key": "kvlist", "value": {"kvlist_value": {"values": [{"key": "k", "value": {"boolValue": false}}]}}},
                  {"key": "null.value", "value": null},
                  {"key": "nested.unknown", "value": {"stringValue": "x", "futureField": [1, {"a": null}]}}
                ],
                "events": [{"time_unix_nano": "1544712660500000000", "name": "ev", "droppedAttributesCount": 2}],
                "links": [{"traceId": "", "span_id": "0000000000000002", "flags": 1, "trace_state": "a=b"}],
                "status": {"code": "STATUS_CODE_ERROR", "message": "boom"},
                "dropped_events_count": 3,
                "droppedLinksCount": "4",
                "traceState": null,
                "unknownScalar": 1.25,
                "unknownArray": [[], {}]
              }, {
                "kind": "SPAN_KIND_CONSUMER",
                "status": {"code": "1"}
              }]
            }],
            "schemaUrl": "https://opentelemetry.io/schemas/1.4.0"
          }],
          "somethingNew": {"resourceSpans": "ignored"}
        }
        """;

    Span expected =
        Span.newBuilder()
            .setTraceId(id("5b8efff798038103d269b633813fc60c"))
            .setSpanId(id("eee19b7ec3c1b174"))
            .setParentSpanId(id("eee19b7ec3c1b173"))
            .setName("I'm a server span")
            .setStartTimeUnixNano(1544712660000000000L)
            .setEndTimeUnixNano(1544712661000000000L)
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setFlags(257)
            .setDroppedAttributesCount(1)
            .addAttributes(kv("my.span.attr", AnyValue.newBuilder().setStringValue("some value")))
            .addAttributes(kv("int.as.number", AnyValue.newBuilder().setIntValue(42)))
            .addAttributes(kv("int.as.string", AnyValue.newBuilder().setIntValue(-42)))
            .addAttributes(kv("int.as.exponent", AnyValue.newBuilder().setIntValue(1000)))
            .addAttributes(kv("double", AnyValue.newBuilder().setDoubleValue(1.5)))
            .addAttributes(kv("double.as.string", AnyValue.newBuilder().setDoubleValue(2.5)))
            .addAttributes(kv("double.nan", AnyValue.newBuilder().setDoubleValue(Double.NaN)))
            .addAttributes(
                kv(
                    "double.neg.inf",
                    AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY)))
            .addAttributes(kv("bool", AnyValue.newBuilder().setBoolValue(true)))
            .addAttributes(
                kv("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi"))))
            .addAttributes(
                kv(
                    "bytes.url",
                    AnyValue.newBuilder()
                        .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xfb, (byte) 0xff}))))
            .addAttributes(
                kv(
                    "array",
                    AnyValue.newBuilder()
                        .setArrayValue(
                            ArrayValue.newBuilder()
                                .addValues(AnyValue.newBuilder().setIntValue(1))
                                .addValues(AnyValue.newBuilder().setStringValue("two")))))
            .addAttributes(
                kv(
                    "kvlist",
                    AnyValue.newBuilder()
                        .setKvlistValue(
                            KeyValueList.newBuilder()
                                .addValues(kv("k", AnyValue.newBuilder().setBoolValue(false))))))
            .addAttributes(KeyValue.newBuilder().setKey("null.value"))
            .addAttributes(kv("nested.unknown", AnyValue.newBuilder().setStringValue("x")))
            .addEvents(
                Span.Event.newBuilder()
                    .setTimeUnixNano(1544712660500000000L)
                    .setName("ev")
                    .setDroppedAttributesCount(2))
            .addLinks(
                Span.Link.newBuilder()
                    .setSpanId(id("0000000000000002"))
                    .setFlags(1)
                    .setTraceState("a=b"))
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .setDroppedEventsCount(3)
            .setDroppedLinksCount(4)
            .build();
    Span second =
        Span.newBuilder()
            .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
            .build();
    ExportTraceServiceRequest want =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                kv(
                                    "service.name",
                                    AnyValue.newBuilder().setStringValue("my.service"))))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("my.library")
                                    .setVersion("1.0.0")
                                    .addAttributes(
                                        kv(
                                            "my.scope.attribute",
                                            AnyValue.newBuilder()
                                                .setStringValue("some scope attribute"))))
                            .addSpans(expected)
                            .addSpans(second))
                    .setSchemaUrl("https://opentelemetry.io/schemas/1.4.0"))
            .build();

    assertThat(OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(want);
  }

  @Test
  void decodesUnsignedValuesAboveTheSignedRange() throws Exception {
    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"startTimeUnixNano":18446744073709551615,"endTimeUnixNano":"9223372036854775808",
           "flags":4294967295}]}]}]}
        """;

    Span span =
        OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);

    assertThat(span.getStartTimeUnixNano()).isEqualTo(-1L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(Long.MIN_VALUE);
    assertThat(span.getFlags()).isEqualTo(-1);
  }

  @Test
  void rejectsValuesOfTheWrongShapeNamingTheFieldAndTheReason() {
    assertRejected(
        "{\"resourceSpans\":{}}",
        "invalid OTLP/JSON: resourceSpans: expected an array, found an object");
    assertRejected(
        span("\"name\":42"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].name:"
            + " expected a string, found a number");
    assertRejected(
        span("\"start_time_unix_nano\":\"soon\""),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].start_time_unix_nano:"
            + " expected an integer (uint64), found 'soon'");
    assertRejected(
        span("\"endTimeUnixNano\":-1"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano:"
            + " integer '-1' is out of range for uint64");
    assertRejected(
        span("\"droppedAttributesCount\":4294967296"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].droppedAttributesCount:"
            + " integer '4294967296' is out of range for uint32");
    assertRejected(
        span("\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":\"1.5\"}}]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue:"
            + " expected an integer (int64), found '1.5'");
    assertRejected(
        span("\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":9223372036854775808}}]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue:"
            + " integer '9223372036854775808' is out of range for int64");
    assertRejected(
        span("\"kind\":\"SPAN_KIND_SIDEWAYS\""),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].kind:"
            + " unknown SpanKind 'SPAN_KIND_SIDEWAYS'");
    assertRejected(
        span("\"status\":{\"code\":true}"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].status.code:"
            + " expected an enum number or name, found a boolean");
    assertRejected(
        span(
            "\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\",\"boolValue\":true}}]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.boolValue:"
            + " an AnyValue holds at most one value");
    assertRejected(
        span("\"attributes\":[{\"key\":\"a\",\"value\":{\"bytesValue\":\"%%%\"}}]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue:"
            + " invalid base64 '%%%': Illegal base64 character 25");
    assertRejected(
        span("\"attributes\":[{\"key\":\"a\",\"value\":{\"doubleValue\":\"lots\"}}]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.doubleValue:"
            + " expected a number, found 'lots'");
    assertRejected(
        span("\"events\":[null]"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].events[0]:"
            + " expected an object, found null");
    assertRejected(
        span("\"links\":[{\"spanId\":\"eee19b7ec3c1b17\"}]"),
        "resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId:"
            + " invalid id 'eee19b7ec3c1b17': expected 16 hex characters");
    assertRejected(
        span("\"parent_span_id\":\"eee19b7ec3c1b17g\""),
        "resourceSpans[0].scopeSpans[0].spans[0].parent_span_id:"
            + " invalid id 'eee19b7ec3c1b17g': expected 16 hex characters");
    assertRejected(
        span("\"traceId\":12"),
        "invalid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0].traceId:"
            + " expected a hex string, found a number");
  }

  @Test
  void rejectsInputThatIsNotOneJsonObject() {
    assertRejected("", "invalid OTLP/JSON: the top level must be an object");
    assertRejected("\"text\"", "invalid OTLP/JSON: the top level must be an object");
    assertRejected(
        "{} {}", "invalid JSON: unexpected content after the top-level object at line 1, column 4");
    assertThatThrownBy(() -> decode("{\"resourceSpans\":[{]}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "invalid JSON: Unexpected close marker ']': expected '}' (for Object starting at"
                + " [line: 1, column: 19]) at line 1, column 20");
  }

  @Test
  void deeplyNestedValuesAreRefusedByTheParserNotByTheStack() {
    String open = "{\"arrayValue\":{\"values\":[".repeat(2000);
    String close = "]}}".repeat(2000);
    String json = span("\"attributes\":[{\"key\":\"deep\",\"value\":" + open + close + "}]");

    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith("invalid JSON: Document nesting depth");
  }

  // ---- helpers

  private static String span(String fields) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + fields + "}]}]}]}";
  }

  private static ExportTraceServiceRequest decode(String json)
      throws InvalidProtocolBufferException {
    return OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRejected(String json, String message) {
    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(message);
  }

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  private static KeyValue kv(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  /** Converts id fields between hex (OTLP/JSON) and base64 (protobuf JSON) in place. */
  private static void convertIds(JsonNode node, boolean toHex) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
        String name = field.getKey();
        boolean id =
            ID_FIELDS.contains(name)
                || Set.of("trace_id", "span_id", "parent_span_id").contains(name);
        if (id && field.getValue().isTextual()) {
          String text = field.getValue().asText();
          object.put(
              name,
              toHex
                  ? HEX.formatHex(Base64.getDecoder().decode(text))
                  : Base64.getEncoder().encodeToString(HEX.parseHex(text)));
        } else {
          convertIds(field.getValue(), toHex);
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(e -> convertIds(e, toHex));
    }
  }

  private static void collectSetFields(Message m, Set<String> out) {
    for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
      out.add(f.getKey().getFullName());
      if (f.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.getKey().isRepeated()) {
          for (Object e : (List<?>) f.getValue()) {
            collectSetFields((Message) e, out);
          }
        } else {
          collectSetFields((Message) f.getValue(), out);
        }
      }
    }
  }

  private static void collectAllFields(Descriptor d, Set<String> out, Set<String> seen) {
    if (!seen.add(d.getFullName())) {
      return;
    }
    for (FieldDescriptor f : d.getFields()) {
      out.add(f.getFullName());
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        collectAllFields(f.getMessageType(), out, seen);
      }
    }
  }

  /** Random trace requests that, over a few seeds, set every field with awkward values. */
  private static final class Generator {
    private final Random random;

    private final boolean negativeZero;

    Generator(int seed) {
      this(seed, true);
    }

    Generator(int seed, boolean negativeZero) {
      this.random = new Random(seed);
      this.negativeZero = negativeZero;
    }

    ExportTraceServiceRequest request() {
      ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
        b.addResourceSpans(resourceSpans());
      }
      return b.build();
    }

    private ResourceSpans resourceSpans() {
      ResourceSpans.Builder b = ResourceSpans.newBuilder();
      if (random.nextInt(4) > 0) {
        Resource.Builder r = Resource.newBuilder().addAllAttributes(attributes(2));
        r.setDroppedAttributesCount(unsigned32());
        if (random.nextBoolean()) {
          r.addEntityRefs(
              EntityRef.newBuilder()
                  .setSchemaUrl(text())
                  .setType(text())
                  .addIdKeys(text())
                  .addIdKeys("")
                  .addDescriptionKeys(text()));
        }
        b.setResource(r);
      }
      for (int i = 0, n = random.nextInt(3) + 1; i < n; i++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder().setSchemaUrl(text());
        if (random.nextBoolean()) {
          ss.setScope(
              InstrumentationScope.newBuilder()
                  .setName(text())
                  .setVersion(text())
                  .addAllAttributes(attributes(1))
                  .setDroppedAttributesCount(unsigned32()));
        }
        for (int j = 0, m = random.nextInt(4) + 1; j < m; j++) {
          ss.addSpans(span());
        }
        b.addScopeSpans(ss);
      }
      return b.setSchemaUrl(text()).build();
    }

    private Span span() {
      Span.Builder b =
          Span.newBuilder()
              .setTraceId(bytes(random.nextInt(5) == 0 ? 0 : 16))
              .setSpanId(bytes(8))
              .setTraceState(text())
              .setParentSpanId(bytes(random.nextBoolean() ? 0 : 8))
              .setFlags(unsigned32())
              .setName(text())
              .setKindValue(random.nextInt(8) == 0 ? 42 : random.nextInt(6))
              .setStartTimeUnixNano(unsigned64())
              .setEndTimeUnixNano(unsigned64())
              .addAllAttributes(attributes(4))
              .setDroppedAttributesCount(unsigned32())
              .setDroppedEventsCount(unsigned32())
              .setDroppedLinksCount(unsigned32());
      for (int i = 0, n = random.nextInt(3); i < n; i++) {
        b.addEvents(
            Span.Event.newBuilder()
                .setTimeUnixNano(unsigned64())
                .setName(text())
                .addAllAttributes(attributes(2))
                .setDroppedAttributesCount(unsigned32()));
      }
      for (int i = 0, n = random.nextInt(3); i < n; i++) {
        b.addLinks(
            Span.Link.newBuilder()
                .setTraceId(bytes(16))
                .setSpanId(bytes(8))
                .setTraceState(text())
                .addAllAttributes(attributes(2))
                .setDroppedAttributesCount(unsigned32())
                .setFlags(unsigned32()));
      }
      if (random.nextInt(3) > 0) {
        b.setStatus(Status.newBuilder().setMessage(text()).setCodeValue(random.nextInt(4)));
      }
      return b.build();
    }

    private List<KeyValue> attributes(int max) {
      List<KeyValue> out = new ArrayList<>();
      for (int i = 0, n = random.nextInt(max + 1); i < n; i++) {
        out.add(keyValue(0));
      }
      return out;
    }

    private KeyValue keyValue(int depth) {
      KeyValue.Builder b = KeyValue.newBuilder().setKey(text());
      if (random.nextInt(6) > 0) {
        b.setValue(anyValue(depth));
      }
      if (random.nextInt(5) == 0) {
        b.setKeyStrindex(random.nextInt());
      }
      return b.build();
    }

    private AnyValue anyValue(int depth) {
      AnyValue.Builder b = AnyValue.newBuilder();
      switch (random.nextInt(depth > 2 ? 7 : 10)) {
        case 0 -> b.setStringValue(text());
        case 1 -> b.setBoolValue(random.nextBoolean());
        case 2 ->
            b.setIntValue(
                switch (random.nextInt(4)) {
                  case 0 -> Long.MIN_VALUE;
                  case 1 -> Long.MAX_VALUE;
                  case 2 -> 0;
                  default -> random.nextLong();
                });
        case 3 ->
            b.setDoubleValue(
                switch (random.nextInt(7)) {
                  case 0 -> Double.NaN;
                  case 1 -> Double.POSITIVE_INFINITY;
                  case 2 -> Double.NEGATIVE_INFINITY;
                  case 3 -> negativeZero ? -0.0 : 0.0;
                  case 4 -> Double.MIN_VALUE;
                  case 5 -> 1e300;
                  default -> random.nextGaussian() * 1000;
                });
        case 4 -> b.setBytesValue(bytes(random.nextInt(7)));
        case 5 -> b.setStringValueStrindex(random.nextInt(3) == 0 ? 0 : random.nextInt());
        case 6 -> {
          // Left unset: the empty AnyValue.
        }
        case 7, 8 -> {
          ArrayValue.Builder a = ArrayValue.newBuilder();
          for (int i = 0, n = random.nextInt(4); i < n; i++) {
            a.addValues(anyValue(depth + 1));
          }
          b.setArrayValue(a);
        }
        default -> {
          KeyValueList.Builder l = KeyValueList.newBuilder();
          for (int i = 0, n = random.nextInt(4); i < n; i++) {
            l.addValues(keyValue(depth + 1));
          }
          b.setKvlistValue(l);
        }
      }
      return b.build();
    }

    private String text() {
      return switch (random.nextInt(8)) {
        case 0, 1 -> "";
        case 2 -> "quote \" backslash \\ slash / newline \n tab \t nul \0 bell \u0007";
        case 3 -> "unicode é ü 漢字 \uD83D\uDE00 \u2028";
        default -> "text-" + Integer.toHexString(random.nextInt());
      };
    }

    private ByteString bytes(int n) {
      byte[] b = new byte[n];
      random.nextBytes(b);
      return ByteString.copyFrom(b);
    }

    private int unsigned32() {
      return switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> -1;
        default -> random.nextInt(1000);
      };
    }

    private long unsigned64() {
      return switch (random.nextInt(5)) {
        case 0 -> 0;
        case 1 -> -1L;
        case 2 -> Long.MIN_VALUE;
        default -> 1_700_000_000_000_000_000L + random.nextInt(1_000_000_000);
      };
    }
  }
}
