package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatagramDecoderTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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
    DatagramDecoder.Decoded d =
        DatagramDecoder.decode(
            datagram, 0, datagram.length, DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES);
    assertThat(d.resourceSpans()).isEmpty();
    assertThat(d.rejections()).hasSize(1);
    assertThat(d.rejections().get(0).reason()).isEqualTo("missing_field");
    assertThat(d.rejections().get(0).spans()).isEqualTo(2);
  }
}
