package io.raybridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.benchmarks.Datasets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpSinkTest {
  private final Payloads pool = Payloads.build("D1", 7, 4);
  private OtlpSink sink;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    sink = OtlpSink.start(0, pool, 1);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", sink.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    sink.close();
  }

  /** Sends {@code body} to a sink on {@code port} and waits for the answer. */
  static void send(int port, byte[] body) throws InterruptedException {
    ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      ClientCalls.blockingUnaryCall(c, RawOtlp.EXPORT, CallOptions.DEFAULT, body);
    } finally {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void export(byte[] body) {
    ClientCalls.blockingUnaryCall(channel, RawOtlp.EXPORT, CallOptions.DEFAULT, body);
  }

  @Test
  void countsEverySpanOfWhatWasSentWithoutMismatches() {
    for (byte[] body : pool.bodies()) {
      export(body);
    }

    OtlpSink.Report r = sink.report();
    assertThat(r.spans()).isEqualTo(4L * Datasets.D1_SPANS_PER_REQUEST);
    assertThat(r.requests()).isEqualTo(4);
    assertThat(r.checked()).isEqualTo(r.spans());
    assertThat(r.mismatches()).isZero();
  }

  @Test
  void reportsASpanThatLostAnAttribute() throws Exception {
    ExportTraceServiceRequest sent = ExportTraceServiceRequest.parseFrom(pool.bodies().get(0));
    ExportTraceServiceRequest.Builder trimmed = sent.toBuilder();
    Span.Builder span =
        trimmed.getResourceSpansBuilder(0).getScopeSpansBuilder(0).getSpansBuilder(3);
    span.removeAttributes(1);

    export(trimmed.build().toByteArray());

    assertThat(sink.report().mismatches()).isEqualTo(1);
    assertThat(sink.report().problems()).singleElement().asString().contains("encoded bytes");
  }

  @Test
  void aSamplingSinkAcceptsASpanThatGrewButNotOneThatShrank() throws Exception {
    try (OtlpSink sampling = OtlpSink.start(0, pool, 1, true)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", sampling.port()).usePlaintext().build();
      try {
        ExportTraceServiceRequest.Builder grown =
            ExportTraceServiceRequest.parseFrom(pool.bodies().get(1)).toBuilder();
        grown
            .getResourceSpansBuilder(0)
            .getScopeSpansBuilder(0)
            .getSpansBuilder(0)
            .setTraceState("ot=th:e");
        ExportTraceServiceRequest.Builder shrunk =
            ExportTraceServiceRequest.parseFrom(pool.bodies().get(2)).toBuilder();
        shrunk
            .getResourceSpansBuilder(0)
            .getScopeSpansBuilder(0)
            .getSpansBuilder(0)
            .removeAttributes(0);

        ClientCalls.blockingUnaryCall(
            ch, RawOtlp.EXPORT, CallOptions.DEFAULT, grown.build().toByteArray());
        assertThat(sampling.report().mismatches()).isZero();
        ClientCalls.blockingUnaryCall(
            ch, RawOtlp.EXPORT, CallOptions.DEFAULT, shrunk.build().toByteArray());
        assertThat(sampling.report().mismatches()).isEqualTo(1);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void reportsASpanThatWasNeverSent() {
    export(Datasets.d1(99, 1234, 1).toByteArray());

    assertThat(sink.report().mismatches()).isEqualTo(1);
    assertThat(sink.report().problems()).singleElement().asString().contains("never sent");
  }

  @Test
  void countingEachSpanTellsALostSpanFromADuplicateOfAnother() throws Exception {
    try (OtlpSink counting = OtlpSink.startCountingEach(0, pool, 64)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", counting.port()).usePlaintext().build();
      try {
        // Body 0 accepted twice and delivered twice; body 1 accepted once and delivered twice;
        // body 2 accepted once but delivered without its first span; body 3 never accepted.
        ExportTraceServiceRequest.Builder partial =
            ExportTraceServiceRequest.parseFrom(pool.bodies().get(2)).toBuilder();
        partial.getResourceSpansBuilder(0).getScopeSpansBuilder(0).removeSpans(0);
        for (byte[] body :
            List.of(
                pool.bodies().get(0),
                pool.bodies().get(0),
                pool.bodies().get(1),
                pool.bodies().get(1),
                partial.build().toByteArray())) {
          ClientCalls.blockingUnaryCall(ch, RawOtlp.EXPORT, CallOptions.DEFAULT, body);
        }
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      OtlpSink.Delivery d = counting.delivery(new long[] {2, 1, 1, 0});

      int perBody = Datasets.D1_SPANS_PER_REQUEST;
      assertThat(d.expected()).isEqualTo(4L * perBody);
      assertThat(d.received()).isEqualTo(5L * perBody - 1);
      assertThat(d.missing()).isEqualTo(1);
      assertThat(d.extra()).isEqualTo(perBody);
      assertThat(counting.report().mismatches()).isZero();
    }
  }

  @Test
  void datasetsHaveTheDocumentedShapes() {
    assertThat(Payloads.build("D1", 42, 10).meanBytesPerItem()).isBetween(140.0, 156.0);
    assertThat(Payloads.build("D2", 42, 2).meanBytesPerItem()).isBetween(300.0, 360.0);
    assertThat(Payloads.build("D3", 42, 1).meanBytesPerItem()).isGreaterThan(10_000.0);
    Payloads d4 = Payloads.build("D4", 42, 2);
    assertThat(new String(d4.bodies().get(0), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("{\"format\":\"json\",\"version\":1}\n");
  }
}
