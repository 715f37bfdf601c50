package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  private static final HexFormat HEX = HexFormat.of();

  private static ExportTraceServiceRequest request() {
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HEX.parseHex("5b8efff798038103d269b633813fc60c")))
            .setSpanId(ByteString.copyFrom(HEX.parseHex("eee19b7ec3c1b174")))
            .setName("GET /cart")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(1544712660000000000L)
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("payload")
                    .setValue(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi"))))
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(
                        ByteString.copyFrom(HEX.parseHex("00000000000000000000000000000001")))
                    .setSpanId(ByteString.copyFrom(HEX.parseHex("0000000000000002"))))
            .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();
  }

  @Test
  void encodesIdsAsHexEnumsAsIntegersAndFieldsInLowerCamelCase() {
    String json = OtlpJson.encodeToString(request());

    assertThat(json)
        .isEqualTo(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
                + "\"traceId\":\"5b8efff798038103d269b633813fc60c\","
                + "\"spanId\":\"eee19b7ec3c1b174\","
                + "\"name\":\"GET /cart\","
                + "\"kind\":3,"
                + "\"startTimeUnixNano\":\"1544712660000000000\","
                + "\"attributes\":[{\"key\":\"payload\",\"value\":{\"bytesValue\":\"aGk=\"}}],"
                + "\"links\":[{\"traceId\":\"00000000000000000000000000000001\","
                + "\"spanId\":\"0000000000000002\"}]}]}]}]}");
  }

  @Test
  void decodingWhatWasEncodedGivesTheSameRequest() throws Exception {
    assertThat(OtlpJson.decode(OtlpJson.encode(request()))).isEqualTo(request());
  }

  @Test
  void decodesSnakeCaseNamesEnumNamesAndNumbersAndIgnoresUnknownFields() throws Exception {
    String json =
        """
        {"resource_spans":[{"scope_spans":[{"spans":[{
          "trace_id":"5B8EFFF798038103D269B633813FC60C",
          "span_id":"eee19b7ec3c1b174",
          "parent_span_id":"",
          "name":"GET /cart",
          "kind":"SPAN_KIND_CLIENT",
          "start_time_unix_nano":1544712660000000000,
          "attributes":[{"key":"payload","value":{"bytesValue":"aGk="}}],
          "links":[{"trace_id":"00000000000000000000000000000001","spanId":"0000000000000002"}],
          "somethingNew":{"a":1}
        }]}]}]}
        """;

    assertThat(OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(request());
  }

  @Test
  void rejectsIdsThatAreNotHexOfTheRightLengthNamingWhere() {
    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},
          {"traceId":"W46M95gDgQPSabYzgT/GDA==","spanId":"eee19b7ec3c1b174"}
        ]}]}]}
        """;

    assertThatThrownBy(() -> OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "resourceSpans[0].scopeSpans[0].spans[1].traceId: invalid id"
                + " 'W46M95gDgQPSabYzgT/GDA==': expected 32 hex characters");
  }

  @Test
  void rejectsMalformedJsonAndNonObjects() {
    assertThatThrownBy(
            () -> OtlpJson.decode("{\"resourceSpans\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith("invalid JSON: ");
    assertThatThrownBy(() -> OtlpJson.decode("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("invalid OTLP/JSON: the top level must be an object");
    assertThatThrownBy(
            () -> OtlpJson.decode("{\"resourceSpans\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith("invalid OTLP/JSON: ");
  }
}
