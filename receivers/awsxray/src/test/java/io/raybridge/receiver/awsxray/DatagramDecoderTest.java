package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.raybridge.pipeline.Traces;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentToSpan;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatagramDecoderTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static DatagramDecoder.Decoded decode(byte[] datagram) {
    return DatagramDecoder.decode(
        datagram, 0, datagram.length, DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES);
  }

  @Test
  void examplesAreTruncatedAndShowControlCharacters() {
    byte[] longDatagram = bytes(Harness.HEADER + "x".repeat(1000));
    String example = DatagramDecoder.example(longDatagram, 0, longDatagram.length);
    assertThat(example).startsWith("{\"format\":\"json\",\"version\":1}\\nxxx").endsWith("...");
    assertThat(example).hasSize(DatagramDecoder.EXAMPLE_CHARS + 3);

    byte[] shortDatagram = bytes("a\tb");
    assertThat(DatagramDecoder.example(shortDatagram, 0, shortDatagram.length))
        .isEqualTo("a\\x09b");
  }

  @Test
  void aDocumentThatParsesButCannotBeConvertedIsRefusedWithItsSpanCount() {
    byte[] datagram =
        bytes(
            Harness.HEADER
                + "{\"name\":\"no-trace\",\"id\":\"0000000000000001\",\"start_time\":1,"
                + "\"end_time\":2,\"subsegments\":[{\"name\":\"child\","
                + "\"id\":\"0000000000000002\",\"start_time\":1,\"end_time\":2}]}");
    DatagramDecoder.Decoded d = decode(datagram);
    assertThat(d.traces().isEmpty()).isTrue();
    assertThat(d.documents()).isZero();
    assertThat(d.rejections()).hasSize(1);
    assertThat(d.rejections().get(0).reason()).isEqualTo("missing_field");
    assertThat(d.rejections().get(0).spans()).isEqualTo(2);
  }

  @Test
  void keepsTheBodyOfAOneDocumentDatagramAsItsSourceDocument() {
    String document =
        "{ \"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\", \"id\":\"0000000000000a01\","
            + "\"name\":\"spelled\",\"start_time\":1.478293361271E9,\"end_time\":1478293362}";
    byte[] datagram = bytes("{\"format\": \"json\", \"version\": 1}\r\n" + document + "\n");
    DatagramDecoder.Decoded d = decode(datagram);
    assertThat(d.rejections()).isEmpty();
    assertThat(d.documents()).isOne();
    assertThat(d.traces().sourceDocuments(SegmentCodec.DOCUMENT_FORMAT))
        .singleElement()
        .extracting(ByteString::toStringUtf8)
        .isEqualTo(document);
    assertThat(d.traces().resourceSpans()).hasSize(1);
  }

  @Test
  void theSpansOfAOneDocumentDatagramAreReadFromItWhenFirstAskedFor() {
    String document =
        "{\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\",\"id\":\"0000000000000a01\","
            + "\"name\":\"api\",\"start_time\":1,\"end_time\":2,\"subsegments\":["
            + "{\"name\":\"db\",\"id\":\"0000000000000a02\",\"start_time\":1,\"end_time\":2,"
            + "\"subsegments\":[{\"name\":\"q\",\"id\":\"0000000000000a03\",\"start_time\":1,"
            + "\"end_time\":2}]}]}";
    byte[] datagram = bytes(Harness.HEADER + document);
    DatagramDecoder.Decoded d = decode(datagram);

    Traces traces = d.traces();
    assertThat(traces.spanCount()).isEqualTo(3);
    assertThat(traces.isEncoded()).isFalse();
    assertThat(traces.hasSourceDocuments()).isTrue();
    // Before any span is built, bounds in bytes count the document.
    int asDocument = traces.estimatedSize();
    int length = document.length();
    assertThat(asDocument).isEqualTo(1 + CodedOutputStream.computeUInt32SizeNoTag(length) + length);
    assertThat(traces.resourceSpans())
        .containsExactlyElementsOf(SegmentToSpan.convert(bytes(document)));
    assertThat(traces.serializedSize()).isEqualTo(traces.toRequest().getSerializedSize());
    assertThat(traces.estimatedSize()).as("fixed once the batch exists").isEqualTo(asDocument);
  }

  @Test
  void aOneDocumentDatagramIsCheckedAsConversionChecksIt() {
    // A subsegment without an id: parses, but converting it would fail.
    byte[] datagram =
        bytes(
            Harness.HEADER
                + "{\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\","
                + "\"id\":\"0000000000000a01\",\"name\":\"api\",\"start_time\":1,"
                + "\"end_time\":2,\"subsegments\":[{\"name\":\"db\",\"start_time\":1,"
                + "\"end_time\":2}]}");
    DatagramDecoder.Decoded d = decode(datagram);
    assertThat(d.documents()).isZero();
    assertThat(d.rejections()).singleElement().satisfies(r -> assertThat(r.spans()).isEqualTo(2));
  }

  @Test
  void anArrayOfDocumentsGivesResourcesWithoutASourceDocument() {
    String a =
        "{\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\",\"id\":\"0000000000000a01\","
            + "\"name\":\"a\",\"start_time\":1,\"end_time\":2}";
    String b = a.replace("0a01", "0a02").replace("\"a\"", "\"b\"");
    byte[] datagram = bytes(Harness.HEADER + "[" + a + "," + b + "]");
    DatagramDecoder.Decoded d = decode(datagram);
    assertThat(d.documents()).isEqualTo(2);
    assertThat(d.traces().resourceSpans()).hasSize(2);
    assertThat(d.traces().sourceDocuments(SegmentCodec.DOCUMENT_FORMAT)).isNull();
  }
}
