package io.raybridge.receiver.otlp;

import static io.raybridge.receiver.otlp.ReceiverHarness.request;
import static io.raybridge.receiver.otlp.ReceiverHarness.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OtlpReceiverShutdownTest {

  @Test
  void shutdownStopsAcceptingAndLetsAnHttpRequestInFlightFinish() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      int port = h.receiver.boundHttpPort();
      h.sink.hold();
      CompletableFuture<HttpResponse<byte[]>> response =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .sendAsync(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              request(span("in flight", 1, 1)).toByteArray()))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      h.sink.awaitEntered();

      CompletableFuture<Void> stopped =
          CompletableFuture.runAsync(() -> h.receiver.shutdown(Duration.ofSeconds(10)));
      ReceiverHarness.awaitClosed(port);
      h.sink.release();

      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(h.sink.spanCount()).isEqualTo(1);
    }
  }

  @Test
  void shutdownStopsAcceptingAndLetsAGrpcCallInFlightFinish() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(ReceiverHarness.loopback())) {
      int port = h.receiver.boundGrpcPort();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        h.sink.hold();
        CompletableFuture<ExportTraceServiceResponse> response =
            CompletableFuture.supplyAsync(
                () ->
                    TraceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .export(request(span("in flight", 1, 1))));
        h.sink.awaitEntered();

        CompletableFuture<Void> stopped =
            CompletableFuture.runAsync(() -> h.receiver.shutdown(Duration.ofSeconds(10)));
        ReceiverHarness.awaitClosed(port);
        h.sink.release();

        assertThat(response.get(10, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(h.sink.spanCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
