package io.raybridge.receiver.otlp;

import static io.raybridge.receiver.otlp.ReceiverHarness.request;
import static io.raybridge.receiver.otlp.ReceiverHarness.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpReceiverGrpcTest {

  private ManagedChannel channel;

  @AfterEach
  void closeChannel() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private TraceServiceGrpc.TraceServiceBlockingStub stub(ReceiverHarness h) {
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", h.receiver.boundGrpcPort())
            .usePlaintext()
            .build();
    return TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static void sendWithSdk(OtlpGrpcSpanExporter exporter, String... names) {
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      Tracer tracer = provider.get("test");
      for (String name : names) {
        tracer.spanBuilder(name).startSpan().end();
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  @Test
  void spansFromTheOpenTelemetrySdkExporterReachTheConsumer() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      sendWithSdk(
          OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + h.receiver.boundGrpcPort())
              .build(),
          "GET /cart",
          "SELECT cart");

      ReceiverHarness.await(() -> h.sink.spanCount() == 2);
      assertThat(h.sink.spans()).extracting(Span::getName).contains("GET /cart", "SELECT cart");
      assertThat(h.counter(ReceiverObservability.ACCEPTED_SPANS, "grpc")).isEqualTo(2);
    }
  }

  @Test
  void gzipCompressedExportsAreAccepted() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      sendWithSdk(
          OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + h.receiver.boundGrpcPort())
              .setCompression("gzip")
              .build(),
          "compressed");

      ReceiverHarness.await(() -> h.sink.spanCount() == 1);
    }
  }

  @Test
  void spansWithInvalidIdsAreRejectedAsPartialSuccess() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      Span noTraceId = span("broken", 1, 3).toBuilder().clearTraceId().build();
      ExportTraceServiceResponse response =
          stub(h).export(request(span("a", 1, 1), noTraceId, span("b", 1, 2)));

      assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
      assertThat(response.getPartialSuccess().getErrorMessage()).contains("1 span(s) rejected");
      assertThat(h.sink.spans()).extracting(Span::getName).containsExactly("a", "b");
      assertThat(h.counter(ReceiverObservability.REFUSED_SPANS, "grpc")).isEqualTo(1);
    }
  }

  @Test
  void aRetryableDownstreamFailureAnswersUnavailable() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      h.sink.failRetryable();

      assertThatThrownBy(() -> stub(h).export(request(span("a", 1, 1))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).isEqualTo("queue is full");
              });
      assertThat(h.counter(ReceiverObservability.REFUSED_SPANS, "grpc")).isEqualTo(1);
    }
  }

  @Test
  void aPermanentDownstreamFailureAnswersInvalidArgument() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      h.sink.failPermanent();

      assertThatThrownBy(() -> stub(h).export(request(span("a", 1, 1))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).isEqualTo("span name must not be empty");
              });
    }
  }

  @Test
  void aMissingBearerTokenIsUnauthenticatedAndTheRightOneIsAccepted() throws Exception {
    OtlpReceiverConfig config =
        new OtlpReceiverConfig(
            new OtlpReceiverConfig.Protocols(ReceiverHarness.grpc(null), null),
            new OtlpReceiverConfig.Auth("s3cret"));
    try (ReceiverHarness h = new ReceiverHarness(config)) {
      TraceServiceGrpc.TraceServiceBlockingStub stub = stub(h);
      assertThatThrownBy(() -> stub.export(request(span("a", 1, 1))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cret");
      stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .export(request(span("a", 1, 1)));

      assertThat(h.sink.spanCount()).isEqualTo(1);
      assertThat(h.receiver.boundHttpPort()).as("http is not configured").isEqualTo(-1);
    }
  }

  @Test
  void servesOverTlsWithACertificateFromPemFiles() throws Exception {
    Certificates certs = new Certificates();
    OtlpReceiverConfig config =
        new OtlpReceiverConfig(
            new OtlpReceiverConfig.Protocols(ReceiverHarness.grpc(certs.serverConfig()), null),
            null);
    try (ReceiverHarness h = new ReceiverHarness(config)) {
      sendWithSdk(
          OtlpGrpcSpanExporter.builder()
              .setEndpoint("https://127.0.0.1:" + h.receiver.boundGrpcPort())
              .setTrustedCertificates(Files.readAllBytes(certs.certFile.toPath()))
              .build(),
          "secure");

      ReceiverHarness.await(() -> h.sink.spanCount() == 1);

      channel =
          NettyChannelBuilder.forAddress("127.0.0.1", h.receiver.boundGrpcPort())
              .sslContext(GrpcSslContexts.forClient().trustManager(certs.certFile).build())
              .build();
      TraceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .export(request(span("netty", 2, 2)));
      assertThat(h.sink.spanCount()).isEqualTo(2);
    }
  }

  @Test
  void garbageAndTruncatedMessagesAreInvalidArgumentAndTheReceiverKeepsServing() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      TraceServiceGrpc.TraceServiceBlockingStub stub = stub(h);
      MethodDescriptor<byte[], byte[]> raw =
          TraceServiceGrpc.getExportMethod().toBuilder(new BytesMarshaller(), new BytesMarshaller())
              .build();
      byte[] valid = request(span("a", 1, 1), span("b", 1, 2)).toByteArray();

      for (byte[] bad :
          List.of(
              new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02},
              Arrays.copyOf(valid, valid.length - 5))) {
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(
                        channel,
                        raw,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                        bad))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription()).startsWith("malformed request");
                });
      }

      stub.export(request(span("c", 1, 3)));
      assertThat(h.sink.spans()).extracting(Span::getName).containsExactly("c");
    }
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void anEndpointInUseFailsStartWithAClearMessage() throws Exception {
    try (ReceiverHarness first = new ReceiverHarness(ReceiverHarness.loopback())) {
      String taken = "127.0.0.1:" + first.receiver.boundGrpcPort();
      OtlpReceiverConfig config =
          new OtlpReceiverConfig(
              new OtlpReceiverConfig.Protocols(
                  new OtlpReceiverConfig.GrpcConfig(taken, null, null, null, null), null),
              null);

      assertThatThrownBy(() -> new ReceiverHarness(config))
          .hasMessage(
              "otlp receiver: cannot bind gRPC endpoint " + taken + ": address already in use");
    }
  }
}
