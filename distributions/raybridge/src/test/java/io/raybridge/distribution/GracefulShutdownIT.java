package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans accepted before SIGTERM reach the exporter: the batch processor holds them (its timeout is
 * an hour and its size far away), so only the shutdown flush can deliver them.
 */
class GracefulShutdownIT {

  @TempDir Path dir;

  @Test
  void spansHeldByTheBatchProcessorAreExportedOnSigterm() throws Exception {
    int grpcPort = CollectorProcess.freePort();
    int healthPort = CollectorProcess.freePort();
    Path config = dir.resolve("batch.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:%d
        processors:
          batch:
            timeout: 1h
            send_batch_size: 100000
        exporters:
          debug:
            verbosity: normal
        service:
          pipelines:
            traces:
              receivers: [otlp]
              processors: [batch]
              exporters: [debug]
          telemetry:
            metrics:
              level: none
            health:
              address: 127.0.0.1:%d
        """
            .formatted(grpcPort, healthPort));
    try (CollectorProcess collector =
        CollectorProcess.start(dir, "run", "--config", config.toString())) {
      collector.awaitHealthy(healthPort);
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  // One export for all spans: the SDK's exporter refuses too many exports at once.
                  BatchSpanProcessor.builder(
                          OtlpGrpcSpanExporter.builder()
                              .setEndpoint("http://127.0.0.1:" + grpcPort)
                              .setExecutorService(CollectorProcess.exporterThreads())
                              .build())
                      .build())
              .build();
      Tracer tracer = provider.get("shutdown-test");
      for (int i = 0; i < 20; i++) {
        tracer.spanBuilder("held-span-" + i).startSpan().end();
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(collector.output()).as("held by the batch processor").doesNotContain("held-span-");

      collector.terminate();

      String output = collector.output();
      for (int i = 0; i < 20; i++) {
        assertThat(output).contains("held-span-" + i + " ");
      }
      assertThat(output).contains("Shutdown complete");
    }
  }
}
