package io.raybridge.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.raybridge.exporter.file.FileExporterConfig.Format;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.testing.TraceGenerator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {

  private static byte[] copy(RecordEncoder.Record r) {
    return Arrays.copyOf(r.bytes(), r.length());
  }

  @Test
  void anOtlpJsonRecordIsTheEncodedRequestAndANewline() throws Exception {
    Traces t = TraceGenerator.seeded(3).traces(2).spansPerTrace(3).generate();

    byte[] record = copy(new RecordEncoder(Format.OTLP_JSON).encode(t.resourceSpans()));

    byte[] json = OtlpJson.encode(t.toRequest());
    assertThat(record).hasSize(json.length + 1).startsWith(json).endsWith((byte) '\n');
  }

  @Test
  void theBufferIsReusedAndAnOversizedOneIsNotKept() throws Exception {
    RecordEncoder encoder = new RecordEncoder(Format.OTLP_JSON);
    Traces big = TraceGenerator.seeded(5).traces(600).spansPerTrace(20).generate();
    Traces small = TraceGenerator.seeded(6).traces(1).spansPerTrace(1).generate();

    RecordEncoder.Record first = encoder.encode(big.resourceSpans());
    assertThat(first.length()).isGreaterThan(RecordEncoder.RETAINED_BUFFER_BYTES);
    byte[] bigRecord = copy(first);
    RecordEncoder.Record second = encoder.encode(small.resourceSpans());
    RecordEncoder.Record third = encoder.encode(small.resourceSpans());

    assertThat(second.bytes()).isNotSameAs(first.bytes());
    assertThat(second.bytes().length).isLessThan(RecordEncoder.RETAINED_BUFFER_BYTES);
    assertThat(third.bytes()).isSameAs(second.bytes());
    assertThat(decode(bigRecord)).isEqualTo(big);
    assertThat(decode(copy(third))).isEqualTo(small);
  }

  @Test
  void aBatchHeldAsReceivedBytesIsWrittenAsThoseBytes() throws Exception {
    Traces decoded = TraceGenerator.seeded(8).traces(3).spansPerTrace(4).generate();
    byte[] request = decoded.toRequest().toByteArray();
    Traces received = Traces.fromEncodedRequest(request);

    byte[] record = copy(new RecordEncoder(Format.OTLP_PROTO).encode(received));

    byte[] expected = copy(new RecordEncoder(Format.OTLP_PROTO).encode(decoded.resourceSpans()));
    assertThat(record).isEqualTo(expected);
    assertThat(new RecordEncoder(Format.OTLP_PROTO).encode(Traces.empty())).isNull();
  }

  @Test
  void aProtobufRecordIsLengthDelimited() throws Exception {
    Traces t = TraceGenerator.seeded(4).traces(2).spansPerTrace(2).generate();

    byte[] record = copy(new RecordEncoder(Format.OTLP_PROTO).encode(t.resourceSpans()));

    assertThat(
            Traces.fromRequest(
                ExportTraceServiceRequest.parseDelimitedFrom(new ByteArrayInputStream(record))))
        .isEqualTo(t);
  }

  @Test
  void nothingToWriteIsNoRecord() {
    assertThat(new RecordEncoder(Format.OTLP_JSON).encode(List.of())).isNull();
  }

  private static Traces decode(byte[] line) throws Exception {
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n").doesNotContain("\n" + "\n");
    return Traces.fromRequest(OtlpJson.decode(text.strip().getBytes(StandardCharsets.UTF_8)));
  }
}
