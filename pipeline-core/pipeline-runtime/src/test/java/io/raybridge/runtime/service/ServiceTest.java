package io.raybridge.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.runtime.config.ComponentEntry;
import io.raybridge.runtime.config.PipelineConfig;
import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.config.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ServiceTest {

  /** Everything the components of one test did, in order. */
  static final class Journal {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Map<String, TracesConsumer> receiverOutputs = new LinkedHashMap<>();
    final Map<String, List<Traces>> exported = new LinkedHashMap<>();
  }

  record Cfg(String failStart) {}

  static final class RecvFactory implements ReceiverFactory<Cfg> {
    final Journal j;

    RecvFactory(Journal j) {
      this.j = j;
    }

    @Override
    public String type() {
      return "rec";
    }

    @Override
    public Class<Cfg> configType() {
      return Cfg.class;
    }

    @Override
    public Receiver create(ComponentSettings s, Cfg c, TracesConsumer next) {
      j.receiverOutputs.put(s.id().toString(), next);
      return new Receiver() {
        @Override
        public void start() throws Exception {
          j.events.add("start receiver " + s.id());
          if (c.failStart() != null) {
            throw new IllegalStateException(c.failStart());
          }
        }

        @Override
        public void shutdown(Duration timeout) {
          j.events.add("stop receiver " + s.id());
        }
      };
    }
  }

  static final class ProcFactory implements ProcessorFactory<Cfg> {
    final Journal j;

    ProcFactory(Journal j) {
      this.j = j;
    }

    @Override
    public String type() {
      return "proc";
    }

    @Override
    public Class<Cfg> configType() {
      return Cfg.class;
    }

    @Override
    public Processor create(ComponentSettings s, Cfg c, TracesConsumer next) {
      j.events.add("create processor " + s.id());
      List<Traces> buffered = new CopyOnWriteArrayList<>();
      return new Processor() {
        @Override
        public void start() {
          j.events.add("start processor " + s.id());
        }

        @Override
        public void consume(Traces traces) {
          // Holds data until shutdown, to prove shutdown drains processors into exporters.
          buffered.add(traces);
        }

        @Override
        public void shutdown(Duration timeout) {
          j.events.add("stop processor " + s.id());
          for (Traces t : buffered) {
            next.consume(t);
          }
          buffered.clear();
        }
      };
    }
  }

  static final class ExpFactory implements ExporterFactory<Cfg> {
    final Journal j;

    ExpFactory(Journal j) {
      this.j = j;
    }

    @Override
    public String type() {
      return "exp";
    }

    @Override
    public Class<Cfg> configType() {
      return Cfg.class;
    }

    @Override
    public Exporter create(ComponentSettings s, Cfg c) {
      List<Traces> out = new CopyOnWriteArrayList<>();
      j.exported.put(s.id().toString(), out);
      return new Exporter() {
        @Override
        public void start() {
          j.events.add("start exporter " + s.id());
        }

        @Override
        public void consume(Traces traces) {
          if ("refuse".equals(c.failStart())) {
            throw ConsumerException.retryable("backend down");
          }
          out.add(traces);
        }

        @Override
        public void shutdown(Duration timeout) {
          j.events.add("stop exporter " + s.id());
        }
      };
    }
  }

  private static Traces spans(String... names) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (String n : names) {
      scope.addSpans(Span.newBuilder().setName(n));
    }
    return Traces.of(ResourceSpans.newBuilder().addScopeSpans(scope).build());
  }

  private static TelemetryConfig ephemeralTelemetry() {
    return new TelemetryConfig("normal", "127.0.0.1:0", true, "127.0.0.1:0", "info", "console");
  }

  private static Map<ComponentId, ComponentEntry> entries(
      ComponentKind kind, Object factory, Map<String, Cfg> byId) {
    Map<ComponentId, ComponentEntry> m = new LinkedHashMap<>();
    byId.forEach(
        (id, cfg) ->
            m.put(
                ComponentId.parse(id),
                new ComponentEntry(
                    ComponentId.parse(id),
                    kind,
                    (io.raybridge.pipeline.ComponentFactory<?>) factory,
                    cfg)));
    return m;
  }

  private static ServiceConfig twoPipelines(Journal j, Cfg receiverCfg, Cfg exporterCfg) {
    Cfg ok = new Cfg(null);
    return new ServiceConfig(
        entries(ComponentKind.RECEIVER, new RecvFactory(j), Map.of("rec", receiverCfg)),
        entries(ComponentKind.PROCESSOR, new ProcFactory(j), Map.of("proc", ok)),
        entries(
            ComponentKind.EXPORTER,
            new ExpFactory(j),
            new LinkedHashMap<>(Map.of("exp/a", exporterCfg, "exp/b", ok))),
        List.of(
            new PipelineConfig(
                "traces",
                List.of(ComponentId.parse("rec")),
                List.of(ComponentId.parse("proc")),
                List.of(ComponentId.parse("exp/a"))),
            new PipelineConfig(
                "traces/copy",
                List.of(ComponentId.parse("rec")),
                List.of(ComponentId.parse("proc")),
                List.of(ComponentId.parse("exp/a"), ComponentId.parse("exp/b")))),
        ephemeralTelemetry(),
        Duration.ofSeconds(5));
  }

  @Test
  void sharedReceiverFansOutAndShutdownDrainsProcessorsIntoExporters() throws Exception {
    Journal j = new Journal();
    Service service = new Service(twoPipelines(j, new Cfg(null), new Cfg(null)));
    service.start();
    assertThat(j.events.stream().filter(e -> e.startsWith("create processor")))
        .as("one processor instance per pipeline")
        .hasSize(2);

    j.receiverOutputs.get("rec").consume(spans("a", "b"));
    // The processors hold the data; nothing has reached an exporter yet.
    assertThat(j.exported.get("exp/a")).isEmpty();

    service.close();

    // exp/a is in both pipelines (fan-in), exp/b only in the second.
    assertThat(j.exported.get("exp/a")).hasSize(2);
    assertThat(j.exported.get("exp/b")).hasSize(1);
    assertThat(j.exported.get("exp/b").get(0).spanCount()).isEqualTo(2);
  }

  @Test
  void startsExportersFirstAndStopsReceiversFirst() throws Exception {
    Journal j = new Journal();
    Service service = new Service(twoPipelines(j, new Cfg(null), new Cfg(null)));
    service.start();
    service.close();
    List<String> lifecycle =
        j.events.stream().filter(e -> e.startsWith("start") || e.startsWith("stop")).toList();
    assertThat(lifecycle.get(0)).startsWith("start exporter");
    assertThat(lifecycle.get(1)).startsWith("start exporter");
    assertThat(lifecycle.get(4)).isEqualTo("start receiver rec");
    assertThat(lifecycle.get(5)).isEqualTo("stop receiver rec");
    assertThat(lifecycle.get(lifecycle.size() - 1)).startsWith("stop exporter");
  }

  @Test
  void failedStartNamesTheComponentAndStopsWhatStarted() throws Exception {
    Journal j = new Journal();
    Service service =
        new Service(twoPipelines(j, new Cfg("address 127.0.0.1:4317 in use"), new Cfg(null)));
    assertThatThrownBy(service::start)
        .isInstanceOf(StartupException.class)
        .hasMessage("failed to start receiver 'rec': address 127.0.0.1:4317 in use");
    assertThat(service.health().healthy()).isFalse();
    service.close();
    assertThat(j.events).contains("stop exporter exp/a", "stop exporter exp/b");
  }

  @Test
  void retryableRefusalOfOnePipelineReachesTheSender() throws Exception {
    Journal j = new Journal();
    Cfg ok = new Cfg(null);
    ServiceConfig config =
        new ServiceConfig(
            entries(ComponentKind.RECEIVER, new RecvFactory(j), Map.of("rec", ok)),
            Map.of(),
            entries(
                ComponentKind.EXPORTER,
                new ExpFactory(j),
                new LinkedHashMap<>(Map.of("exp/down", new Cfg("refuse"), "exp/up", ok))),
            List.of(
                new PipelineConfig(
                    "traces/down",
                    List.of(ComponentId.parse("rec")),
                    List.of(),
                    List.of(ComponentId.parse("exp/down"))),
                new PipelineConfig(
                    "traces/up",
                    List.of(ComponentId.parse("rec")),
                    List.of(),
                    List.of(ComponentId.parse("exp/up")))),
            ephemeralTelemetry(),
            Duration.ofSeconds(5));
    try (Service service = new Service(config)) {
      service.start();
      assertThatThrownBy(() -> j.receiverOutputs.get("rec").consume(spans("x")))
          .isInstanceOfSatisfying(
              ConsumerException.class, e -> assertThat(e.isRetryable()).isTrue());
      // The healthy pipeline still got the data.
      assertThat(j.exported.get("exp/up")).hasSize(1);
    }
  }

  @Test
  void healthAndMetricsEndpointsAnswerWhileRunning() throws Exception {
    Journal j = new Journal();
    HttpClient http = HttpClient.newHttpClient();
    try (Service service = new Service(twoPipelines(j, new Cfg(null), new Cfg(null)))) {
      service.start();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.healthPort() + "/"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(health.body())
          .contains("\"receiver/rec\":\"ok\"")
          .contains("\"exporter/exp/a\":\"ok\"")
          .contains("\"processor/proc (pipeline traces/copy)\":\"ok\"");

      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("otelcol_process_uptime")
          .contains("otelcol_process_runtime_heap_alloc_bytes");

      HttpResponse<String> unknown =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + service.healthPort() + "/nope"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void healthIsUnavailableOnceShutdownBegins() throws Exception {
    Journal j = new Journal();
    Service service = new Service(twoPipelines(j, new Cfg(null), new Cfg(null)));
    service.start();
    assertThat(service.health().healthy()).isTrue();
    service.close();
    assertThat(service.health().healthy()).isFalse();
    assertThat(service.health().json()).contains("\"receiver/rec\":\"stopped\"");
    // Idempotent.
    service.close();
  }
}
