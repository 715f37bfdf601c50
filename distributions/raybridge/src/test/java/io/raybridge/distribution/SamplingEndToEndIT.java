package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import com.amazonaws.xray.strategy.sampling.CentralizedSamplingStrategy;
import com.amazonaws.xray.strategy.sampling.SamplingRequest;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.distribution.SamplingClient.SentTrace;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.processor.probabilisticsampler.ProbabilisticSamplerConfig;
import io.raybridge.processor.probabilisticsampler.ProbabilisticSamplerFactory;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.sampling.TraceIdThreshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three samplers in the real distribution: traces recorded by the OpenTelemetry Java SDK
 * (always-on) or the X-Ray SDK for Java go through a Raybridge process with a sampler into the
 * {@code file} exporter, and the file is read back. Kept traces must be whole, dropped traces must
 * leave nothing, and the decisions must be the ones the configuration defines.
 */
class SamplingEndToEndIT {

  @TempDir Path dir;

  /**
   * A running collector whose only pipeline ends in a {@code file} exporter writing {@link #file}.
   */
  private record Collector(CollectorProcess process, int grpcPort, int metricsPort, Path file)
      implements AutoCloseable {

    /** Stops the collector gracefully (which drains the pipeline) and reads what it wrote. */
    SamplingTraceFile stop() throws InterruptedException {
      process.terminate();
      assertThat(process.output()).contains("Shutdown complete");
      return SamplingTraceFile.read(file);
    }

    /** The collector's Prometheus metrics. */
    String metrics() {
      try {
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /**
   * Starts the distribution with an OTLP gRPC receiver (plus {@code extraReceivers}, YAML under
   * {@code receivers:}), {@code processorYaml} under {@code processors:}, and a {@code file}
   * exporter flushing every batch.
   */
  private Collector start(
      String extraReceivers, List<String> receivers, String processorYaml, String processor)
      throws IOException {
    int grpcPort = CollectorProcess.freePort();
    int healthPort = CollectorProcess.freePort();
    int metricsPort = CollectorProcess.freePort();
    Path file = dir.resolve("traces.json");
    String config =
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:%d
        %s
        processors:
        %s
        exporters:
          file:
            path: %s
            format: otlp_json
            flush_interval: 0s
        service:
          telemetry:
            metrics:
              address: 127.0.0.1:%d
            health:
              address: 127.0.0.1:%d
          pipelines:
            traces:
              receivers: [%s]
              processors: [%s]
              exporters: [file]
        """
            .formatted(
                grpcPort,
                extraReceivers.indent(2).stripTrailing(),
                processorYaml.indent(2).stripTrailing(),
                file,
                metricsPort,
                healthPort,
                String.join(", ", receivers),
                processor);
    Path configFile = dir.resolve("raybridge.yaml");
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    CollectorProcess process =
        CollectorProcess.start(dir, "run", "--config", configFile.toString());
    try {
      process.awaitHealthy(healthPort);
    } catch (AssertionError e) {
      process.close();
      throw e;
    }
    return new Collector(process, grpcPort, metricsPort, file);
  }

  /** Every trace in the file was sent, and arrived with all its spans, each once. */
  private static void assertKeptTracesAreWhole(SamplingTraceFile out, Map<String, SentTrace> sent) {
    assertThat(sent.keySet()).as("trace ids written were sent").containsAll(out.traceIds());
    for (String traceId : out.traceIds()) {
      List<Span> spans = out.spans(traceId);
      assertThat(spans)
          .as("spans of kept trace %s", traceId)
          .hasSize(sent.get(traceId).spans())
          .extracting(Span::getSpanId)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void probabilisticSamplerKeepsWholeTracesExactlyAsAnotherInstanceDecides() throws Exception {
    Map<String, SentTrace> sent;
    SamplingTraceFile out;
    try (Collector collector =
        start(
            "",
            List.of("otlp"),
            """
            probabilistic_sampler:
              sampling_percentage: 30
              hash_seed: 22
            """,
            "probabilistic_sampler")) {
      try (SamplingClient client = new SamplingClient("checkout-service", collector.grpcPort())) {
        for (int i = 0; i < 400; i++) {
          client.request("GET", "/cart/" + i, "/cart/{id}", 2 + i % 4, false, i % 10 == 0);
        }
        client.flush();
        sent = new LinkedHashMap<>(client.sent());
      }
      out = collector.stop();
    }

    Set<String> expected = keptByAnotherProbabilisticSampler(sent.keySet(), 30, 22);
    assertThat(out.traceIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertKeptTracesAreWhole(out, sent);
    // The decision is recorded for consistent samplers downstream.
    assertThat(out.traces().values().stream().flatMap(List::stream))
        .allSatisfy(span -> assertThat(span.getTraceState()).startsWith("ot=th:"));
    // 400 traces at 30 %: 120 expected, standard deviation 9.2; these bounds are beyond 4 of them.
    assertThat(out.traceIds().size()).isBetween(80, 160);
  }

  /**
   * The decisions of a second {@code probabilistic_sampler}, created in this JVM from the same
   * factory and configuration, for one span of each trace.
   */
  private static Set<String> keptByAnotherProbabilisticSampler(
      Set<String> traceIds, double percentage, long seed) throws Exception {
    TracesSink kept = new TracesSink();
    Processor twin =
        new ProbabilisticSamplerFactory()
            .create(
                TestSettings.of(ComponentKind.PROCESSOR, "probabilistic_sampler/twin"),
                new ProbabilisticSamplerConfig(
                    percentage, seed, ProbabilisticSamplerConfig.Mode.HASH_SEED, null, null),
                kept);
    List<Span> spans = new ArrayList<>();
    long spanId = 1;
    for (String traceId : traceIds) {
      spans.add(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(SamplingTraceFile.bytes(traceId)))
              .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId++).array()))
              .setName("twin")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .build());
    }
    twin.start();
    try {
      twin.consume(
          Traces.of(
              ResourceSpans.newBuilder()
                  .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))
                  .build()));
    } finally {
      twin.shutdown(Duration.ofSeconds(5));
    }
    return kept.spans().stream()
        .map(s -> SamplingTraceFile.hex(s.getTraceId().toByteArray()))
        .collect(Collectors.toSet());
  }

  @Test
  void headSamplingAppliesTheFirstMatchingRuleToWholeTraces() throws Exception {
    Map<String, SentTrace> sent = new HashMap<>();
    SamplingTraceFile out;
    try (Collector collector =
        start(
            "",
            List.of("otlp"),
            """
            head_sampling:
              rules:
                - rule_name: payments
                  priority: 10
                  service_name: payment-service
                  url_path: /payment/*
                  fixed_rate: 1.0
                - rule_name: health
                  priority: 20
                  url_path: /health
                  fixed_rate: 0
              default:
                reservoir_size: 0
                fixed_rate: 0.1
            """,
            "head_sampling")) {
      try (SamplingClient payments = new SamplingClient("payment-service", collector.grpcPort());
          SamplingClient checkout = new SamplingClient("checkout-service", collector.grpcPort())) {
        for (int i = 0; i < 360; i++) {
          int children = 2 + i % 4;
          // Every seventh trace's entry span arrives after its other spans: they wait for it.
          boolean early = i % 7 == 0;
          switch (i % 6) {
            case 0 ->
                payments.request("POST", "/payment/" + i, "/payment/{id}", children, false, early);
            case 1 -> payments.request("GET", "/health", "/health", children, false, early);
            case 2 -> checkout.request("GET", "/health", "/health", children, false, early);
            // The payments rule is for payment-service only.
            case 3 ->
                checkout.request("POST", "/payment/" + i, "/payment/{id}", children, false, early);
            default -> checkout.request("GET", "/cart/" + i, "/cart/{id}", children, false, early);
          }
        }
        payments.flush();
        checkout.flush();
        sent.putAll(payments.sent());
        sent.putAll(checkout.sent());
      }
      // Each trace is counted once, under the rule that decided it.
      CollectorProcess.await(
          "per-rule counters",
          Duration.ofSeconds(30),
          () -> {
            String metrics = collector.metrics();
            return counted(metrics, "matched", "payments", 60)
                && counted(metrics, "sampled_by_rate", "payments", 60)
                && counted(metrics, "matched", "health", 120)
                && counted(metrics, "dropped", "health", 120)
                && counted(metrics, "matched", "Default", 180);
          });
      out = collector.stop();
    }

    Map<String, String> expectedRule = new HashMap<>();
    int defaultTraces = 0;
    long defaultThreshold = TraceIdThreshold.threshold(0.1);
    for (Map.Entry<String, SentTrace> e : sent.entrySet()) {
      SentTrace t = e.getValue();
      if (t.service().equals("payment-service") && t.path().startsWith("/payment/")) {
        expectedRule.put(e.getKey(), "payments");
      } else if (!t.path().equals("/health")) {
        defaultTraces++;
        long randomness = TraceIdThreshold.randomness(SamplingTraceFile.bytes(e.getKey()));
        if (TraceIdThreshold.passes(randomness, defaultThreshold)) {
          expectedRule.put(e.getKey(), "Default");
        }
      }
    }
    assertThat(defaultTraces).isEqualTo(180);
    assertThat(out.traceIds()).containsExactlyInAnyOrderElementsOf(expectedRule.keySet());
    assertKeptTracesAreWhole(out, sent);
    for (String traceId : out.traceIds()) {
      assertThat(out.spans(traceId))
          .as("sampling.rule of the spans of trace %s", traceId)
          .allSatisfy(
              span ->
                  assertThat(SamplingTraceFile.attribute(span, "sampling.rule"))
                      .contains(expectedRule.get(traceId)));
    }
    assertThat(expectedRule.values()).filteredOn("payments"::equals).hasSize(60);
    // 180 default traces at 10 %: 18 expected, standard deviation 4.
    assertThat(expectedRule.values()).filteredOn("Default"::equals).hasSizeBetween(2, 40);
  }

  /**
   * Whether {@code metrics} holds head_sampling's per-rule counter {@code name} = {@code value}.
   */
  private static boolean counted(String metrics, String name, String rule, int value) {
    return Pattern.compile(
            "otelcol_processor_head_sampling_rule_"
                + name
                + "_traces(_total)?\\{[^}]*rule=\""
                + rule
                + "\"[^}]*\\} "
                + value
                + "(\\.0)?\\b")
        .matcher(metrics)
        .find();
  }

  @Test
  void tailSamplingKeepsEveryErrorTraceWholeAndAFractionOfTheRest() throws Exception {
    Map<String, SentTrace> sent;
    SamplingTraceFile out;
    try (Collector collector =
        start(
            "",
            List.of("otlp"),
            """
            tail_sampling:
              decision_wait: 1s
              num_traces: 10000
              policies:
                - name: errors
                  type: status_code
                  status_code: { status_codes: [ERROR] }
                - name: ten-percent
                  type: probabilistic
                  probabilistic: { sampling_percentage: 10 }
            """,
            "tail_sampling")) {
      try (SamplingClient client = new SamplingClient("checkout-service", collector.grpcPort())) {
        for (int i = 0; i < 300; i++) {
          client.request("POST", "/order/" + i, "/order/{id}", 2 + i % 4, i % 5 == 0, i % 10 == 0);
        }
        client.flush();
        sent = new LinkedHashMap<>(client.sent());
      }
      Set<String> errors = errorTraces(sent);
      long errorSpans = errors.stream().mapToLong(id -> sent.get(id).spans()).sum();
      // Decided after decision_wait, while the collector runs (not by the shutdown flush).
      try {
        CollectorProcess.await(
            "every error trace written",
            Duration.ofSeconds(60),
            () -> {
              SamplingTraceFile now = SamplingTraceFile.readWhileWritten(collector.file());
              return errors.stream().mapToLong(id -> now.spans(id).size()).sum() == errorSpans;
            });
      } catch (AssertionError e) {
        SamplingTraceFile now = SamplingTraceFile.readWhileWritten(collector.file());
        StringBuilder missing = new StringBuilder();
        for (String id : errors) {
          if (now.spans(id).size() != sent.get(id).spans()) {
            missing.append(
                String.format(
                    "%n  %s: %d of %d spans", id, now.spans(id).size(), sent.get(id).spans()));
          }
        }
        throw new AssertionError(
            e.getMessage()
                + "; incomplete error traces:"
                + missing
                + "\nmetrics:\n"
                + collector
                    .metrics()
                    .lines()
                    .filter(l -> !l.startsWith("#"))
                    .filter(l -> l.contains("spans") || l.contains("tail"))
                    .collect(Collectors.joining("\n"))
                + "\nsent spans: "
                + sent.values().stream().mapToInt(SentTrace::spans).sum()
                + "\ncollector output:\n"
                + collector.process().output(),
            e);
      }
      out = collector.stop();
    }

    Set<String> errors = errorTraces(sent);
    assertThat(errors).hasSize(60);
    assertThat(out.traceIds()).containsAll(errors);
    assertKeptTracesAreWhole(out, sent);
    for (String traceId : out.traceIds()) {
      String policy = errors.contains(traceId) ? "errors" : "ten-percent";
      assertThat(out.spans(traceId))
          .as("sampling.policy of the spans of trace %s", traceId)
          .allSatisfy(
              span ->
                  assertThat(SamplingTraceFile.attribute(span, "sampling.policy"))
                      .contains(policy));
    }
    // 240 other traces at 10 %: 24 expected, standard deviation 4.6.
    assertThat(out.traceIds().size() - errors.size()).isBetween(4, 48);
  }

  private static Set<String> errorTraces(Map<String, SentTrace> sent) {
    return sent.entrySet().stream()
        .filter(e -> e.getValue().error())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** One rule file for the SDKs (through the local sampling endpoint) and for the collector. */
  private static final String RULE_FILE =
      """
      {
        "version": 2,
        "rules": [
          {"rule_name": "health", "host": "*", "http_method": "GET", "url_path": "/health",
           "fixed_target": 0, "rate": 0},
          {"rule_name": "payments", "service_name": "payment-service", "host": "*",
           "http_method": "*", "url_path": "/payment/*", "fixed_target": 0, "rate": 1.0}
        ],
        "default": {"fixed_target": 0, "rate": 0}
      }
      """;

  /** A request as the X-Ray SDK's sampling sees it. */
  private record XRayRequest(String service, String method, String path) {
    SamplingRequest sampling() {
      return new SamplingRequest(service, "shop.example.com", path, method, null);
    }
  }

  @Test
  void xraySdkCentralizedSamplingAgreesWithHeadSamplingOnTheSameRuleFile() throws Exception {
    Path rules = dir.resolve("sampling-rules.json");
    Files.writeString(rules, RULE_FILE, StandardCharsets.UTF_8);
    int udpPort = CollectorProcess.freePort();
    int tcpPort = CollectorProcess.freePort();
    List<XRayRequest> requests = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      requests.add(new XRayRequest("payment-service", "POST", "/payment/" + i));
      requests.add(new XRayRequest("payment-service", "GET", "/health"));
      requests.add(new XRayRequest("checkout-service", "GET", "/health"));
      requests.add(new XRayRequest("checkout-service", "POST", "/payment/" + i));
      requests.add(new XRayRequest("payment-service", "GET", "/cart/" + i));
    }

    Map<String, Boolean> sdkDecisions = new LinkedHashMap<>();
    SamplingTraceFile out;
    String property = DaemonConfiguration.DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY;
    String previous = System.getProperty(property);
    try (Collector collector =
        start(
            """
            awsxray:
              endpoint: 127.0.0.1:%d
              proxy_server:
                endpoint: 127.0.0.1:%d
                mode: local
                rules_file: %s
            """
                .formatted(udpPort, tcpPort, rules),
            List.of("awsxray"),
            """
            head_sampling:
              rules_file: %s
            """
                .formatted(rules),
            "head_sampling")) {
      System.setProperty(property, "tcp:127.0.0.1:" + tcpPort + " udp:127.0.0.1:" + udpPort);
      CentralizedSamplingStrategy strategy = new CentralizedSamplingStrategy();
      try {
        // The SDK fetches the rules in the background; until then its built-in default applies.
        XRayRequest payment = new XRayRequest("payment-service", "POST", "/payment/x");
        XRayRequest health = new XRayRequest("payment-service", "GET", "/health");
        CollectorProcess.await(
            "the X-Ray SDK applying the served rules",
            Duration.ofSeconds(30),
            () -> sampled(strategy, payment, 20) == 20 && sampled(strategy, health, 20) == 0);

        // Every request is recorded and sent, sampled or not, so that head_sampling sees them all.
        DaemonConfiguration daemon = new DaemonConfiguration();
        daemon.setDaemonAddress("127.0.0.1:" + udpPort);
        AWSXRayRecorder recorder =
            AWSXRayRecorderBuilder.standard()
                .withEmitter(Emitter.create(daemon))
                .withSamplingStrategy(new AllSamplingStrategy())
                .build();
        for (XRayRequest request : requests) {
          boolean sdkSampled = strategy.shouldTrace(request.sampling()).isSampled();
          Segment segment = recorder.beginSegment(request.service());
          segment.putHttp(
              "request",
              Map.of(
                  "method", request.method(), "url", "http://shop.example.com" + request.path()));
          recorder.beginSubsegment("work");
          recorder.endSubsegment();
          segment.putHttp("response", Map.of("status", 200));
          sdkDecisions.put(xrayTraceIdToHex(segment.getTraceId().toString()), sdkSampled);
          recorder.endSegment();
        }
        CollectorProcess.await(
            "the kept segments written",
            Duration.ofSeconds(30),
            () -> SamplingTraceFile.readWhileWritten(collector.file()).spanCount() >= 20);
      } finally {
        strategy.shutdown();
        if (previous == null) {
          System.clearProperty(property);
        } else {
          System.setProperty(property, previous);
        }
      }
      out = collector.stop();
    }

    Set<String> sdkKept = new HashSet<>();
    sdkDecisions.forEach(
        (traceId, sampled) -> {
          if (sampled) {
            sdkKept.add(traceId);
          }
        });
    // Only the ten payment-service payment requests match the 100 % rule.
    assertThat(sdkDecisions).hasSize(50);
    assertThat(sdkKept).hasSize(10);
    assertThat(out.traceIds()).containsExactlyInAnyOrderElementsOf(sdkKept);
    for (String traceId : out.traceIds()) {
      assertThat(out.spans(traceId))
          .as("spans of kept trace %s", traceId)
          .hasSize(2)
          .allSatisfy(
              span ->
                  assertThat(SamplingTraceFile.attribute(span, "sampling.rule"))
                      .contains("payments"));
    }
  }

  private static int sampled(CentralizedSamplingStrategy strategy, XRayRequest request, int n) {
    int sampled = 0;
    for (int i = 0; i < n; i++) {
      if (strategy.shouldTrace(request.sampling()).isSampled()) {
        sampled++;
      }
    }
    return sampled;
  }

  /** {@code 1-5759e988-bd862e3fe1be46a994272793} → {@code 5759e988bd862e3fe1be46a994272793}. */
  private static String xrayTraceIdToHex(String xrayTraceId) {
    String[] parts = xrayTraceId.split("-");
    return parts[1] + parts[2];
  }
}
