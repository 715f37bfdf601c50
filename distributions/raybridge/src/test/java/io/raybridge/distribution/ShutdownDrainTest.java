package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.runtime.config.ComponentEntry;
import io.raybridge.runtime.config.PipelineConfig;
import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.config.TelemetryConfig;
import io.raybridge.runtime.service.Service;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Spans accepted before shutdown reach the exporter: a receiver hands batches to an exporter whose
 * sending queue is far behind a slow backend, then the service shuts down; the queue drains into
 * the backend before the exporter stops.
 */
class ShutdownDrainTest {

  record NoConfig() {}

  @Test
  void everythingAcceptedBeforeShutdownIsDelivered() throws Exception {
    AtomicReference<TracesConsumer> entry = new AtomicReference<>();
    TracesSink backend = new TracesSink();

    ReceiverFactory<NoConfig> receivers =
        new ReceiverFactory<>() {
          @Override
          public String type() {
            return "manual";
          }

          @Override
          public Class<NoConfig> configType() {
            return NoConfig.class;
          }

          @Override
          public Receiver create(ComponentSettings s, NoConfig c, TracesConsumer next) {
            entry.set(next);
            return new Receiver() {
              @Override
              public void start() {}

              @Override
              public void shutdown(Duration timeout) {}
            };
          }
        };
    ExporterFactory<NoConfig> exporters =
        new ExporterFactory<>() {
          @Override
          public String type() {
            return "slow";
          }

          @Override
          public Class<NoConfig> configType() {
            return NoConfig.class;
          }

          @Override
          public Exporter create(ComponentSettings s, NoConfig c) {
            return ExporterHelper.builder(
                    s,
                    (traces, timeout) -> {
                      try {
                        Thread.sleep(2);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      backend.consume(traces);
                    })
                .queue(new QueueConfig(true, 1, 10_000, null, null, false))
                .retry(RetryConfig.defaults())
                .build();
          }
        };

    ServiceConfig config =
        new ServiceConfig(
            Map.of(ComponentId.of("manual"), entry(ComponentKind.RECEIVER, "manual", receivers)),
            Map.of(),
            Map.of(ComponentId.of("slow"), entry(ComponentKind.EXPORTER, "slow", exporters)),
            List.of(
                new PipelineConfig(
                    "traces",
                    List.of(ComponentId.of("manual")),
                    List.of(),
                    List.of(ComponentId.of("slow")))),
            new TelemetryConfig("none", "127.0.0.1:0", false, "127.0.0.1:0", "info", "console"),
            Duration.ofSeconds(30));

    Service service = new Service(config);
    service.start();
    Traces batch = TraceGenerator.traces(2, 5);
    int batches = 300;
    for (int i = 0; i < batches; i++) {
      entry.get().consume(batch);
    }
    assertThat(backend.spanCount())
        .as("the backend is still behind when shutdown begins")
        .isLessThan(batches * batch.spanCount());

    service.close();

    assertThat(backend.spanCount()).isEqualTo(batches * batch.spanCount());
  }

  private static ComponentEntry entry(ComponentKind kind, String type, ComponentFactory<?> f) {
    return new ComponentEntry(ComponentId.of(type), kind, f, new NoConfig());
  }
}
