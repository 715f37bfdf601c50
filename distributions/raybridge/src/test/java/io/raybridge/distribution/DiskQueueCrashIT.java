package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistent sending queue survives {@code kill -9}: spans accepted while the backend is down
 * sit in the queue on disk; the process is killed; a new process on the same directory delivers
 * every one of them once the backend is up.
 */
class DiskQueueCrashIT {

  private static final int REQUESTS = 50;
  private static final int SPANS_PER_REQUEST = 20;

  @TempDir Path dir;

  @Test
  void spansAcceptedBeforeAKillArriveAfterTheRestart() throws Exception {
    int httpPort = CollectorProcess.freePort();
    int healthPort = CollectorProcess.freePort();
    int backendPort = CollectorProcess.freePort();
    Path config = dir.resolve("queue.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:%d
        exporters:
          otlp:
            endpoint: http://127.0.0.1:%d
            compression: none
            timeout: 2s
            retry_on_failure:
              initial_interval: 100ms
              max_interval: 500ms
              max_elapsed_time: 0s
            sending_queue:
              num_consumers: 2
              storage:
                directory: %s
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [otlp]
          telemetry:
            metrics:
              level: none
            health:
              address: 127.0.0.1:%d
        """
            .formatted(httpPort, backendPort, dir.resolve("queue"), healthPort));

    HttpClient http = HttpClient.newHttpClient();
    try (CollectorProcess first =
        CollectorProcess.start(dir, "run", "--config", config.toString())) {
      first.awaitHealthy(healthPort);
      for (int r = 0; r < REQUESTS; r++) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/traces"))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request(r).toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("request %d accepted", r).isEqualTo(200);
      }
      // Everything is accepted and the backend is down: kill without a chance to flush.
      first.kill();
    }

    Set<String> received = ConcurrentHashMap.newKeySet();
    Server backend =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", backendPort))
            .addService(
                new TraceServiceGrpc.TraceServiceImplBase() {
                  @Override
                  public void export(
                      ExportTraceServiceRequest request,
                      StreamObserver<ExportTraceServiceResponse> done) {
                    for (ResourceSpans rs : request.getResourceSpansList()) {
                      for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (Span s : ss.getSpansList()) {
                          received.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
                        }
                      }
                    }
                    done.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    done.onCompleted();
                  }
                })
            .build()
            .start();
    try (CollectorProcess second =
        CollectorProcess.start(dir, "run", "--config", config.toString())) {
      second.awaitHealthy(healthPort);
      CollectorProcess.await(
          "every span accepted before the kill at the backend",
          Duration.ofSeconds(60),
          () -> received.size() == REQUESTS * SPANS_PER_REQUEST);
      assertThat(received).hasSize(REQUESTS * SPANS_PER_REQUEST);
      second.terminate();
    } finally {
      backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ExportTraceServiceRequest request(int r) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      long id = (long) r * SPANS_PER_REQUEST + i + 1;
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(
                  com.google.protobuf.ByteString.copyFrom(
                      HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c")))
              .setSpanId(
                  com.google.protobuf.ByteString.copyFrom(
                      HexFormat.of().parseHex(String.format("%016x", id))))
              .setName("queued-" + id)
              .setStartTimeUnixNano(1_700_000_000_000_000_000L)
              .setEndTimeUnixNano(1_700_000_000_100_000_000L));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build();
  }
}
