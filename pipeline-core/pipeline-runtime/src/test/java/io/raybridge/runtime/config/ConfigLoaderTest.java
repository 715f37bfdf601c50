package io.raybridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentId;
import io.raybridge.runtime.plugin.ComponentRegistry;
import io.raybridge.runtime.plugin.TestExporterFactory;
import io.raybridge.runtime.plugin.TestProcessorFactory;
import io.raybridge.runtime.plugin.TestReceiverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final ComponentRegistry REGISTRY =
      ComponentRegistry.of(
          List.of(
              new TestReceiverFactory(), new TestProcessorFactory(), new TestExporterFactory()));

  private static final String MINIMAL =
      """
      receivers:
        test_receiver:
      exporters:
        test_exporter:
      service:
        pipelines:
          traces:
            receivers: [test_receiver]
            exporters: [test_exporter]
      """;

  @TempDir Path dir;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private List<String> problems(List<Path> files, List<String> sets, Map<String, String> env) {
    try {
      ConfigLoader.load(files, sets, env, REGISTRY);
    } catch (ConfigException e) {
      return e.renderedLines();
    }
    throw new AssertionError("expected the config to be invalid");
  }

  @Test
  void reportsEveryMistakeOfAConfigInOneRun() throws IOException {
    Path bad =
        file(
            "bad.yaml",
            """
            receivers:
              test_receiver:
                endpoint: 127.0.0.1:4317
                max_conections: 5
              test_receiver/2:
                max_connections: 5000
              test_reciever/3: {}
              Bad/x: {}
            processors:
              test_processor:
                timeout: soon
                send_batch_size: many
                mode: fsat
            exporters:
              test_exporter:
                retry_on_failure:
                  initial_interval: 10s
                  max_interval: 1s
                compression: zip
            extensions:
              health_check:
            service:
              telemetry:
                metrics:
                  level: verbose
              pipelines:
                traces:
                  receivers: [test_receiver, otlp]
                  processors: [test_processr]
                traces/2:
                  receivers: [test_receiver]
                metrics:
                  receivers: [test_receiver]
                  exporters: [test_exporter]
            """);

    List<String> lines = problems(List.of(bad), List.of(), Map.of());

    assertThat(lines)
        .containsExactly(
            bad
                + ":4: receivers.test_receiver.max_conections: unknown key, did you mean"
                + " 'max_connections'?",
            bad
                + ":6: receivers.test_receiver/2.max_connections: must be between 1 and 1000,"
                + " was 5000",
            bad
                + ":7: receivers.test_reciever/3: unknown receiver type 'test_reciever', did you"
                + " mean 'test_receiver'?",
            bad
                + ":8: receivers.Bad/x: invalid component type 'Bad': must start with a"
                + " lower-case letter and contain only a-z, 0-9 and _",
            bad
                + ":11: processors.test_processor.timeout: invalid duration 'soon': expected a"
                + " number with a unit (ns, us, ms, s, m, h) such as 200ms, 1s, 5m or 1h30m",
            bad
                + ":12: processors.test_processor.send_batch_size: expected an integer, got"
                + " 'many'",
            bad
                + ":13: processors.test_processor.mode: 'fsat' is not one of fast, safe, did you"
                + " mean 'fast'?",
            bad
                + ":18: exporters.test_exporter.retry_on_failure.max_interval: must be >="
                + " initial_interval",
            bad + ":19: exporters.test_exporter.compression: must be gzip or none, was 'zip'",
            bad + ":20: extensions: unknown key (extensions are not supported)",
            bad
                + ":25: service.telemetry.metrics.level: 'verbose' is not one of none, basic,"
                + " normal, detailed",
            bad
                + ":27: service.pipelines.traces.exporters: a pipeline needs at least one"
                + " exporter",
            bad
                + ":28: service.pipelines.traces.receivers[1]: unknown receiver 'otlp'"
                + " (configured: test_receiver, test_receiver/2, test_reciever/3)",
            bad
                + ":29: service.pipelines.traces.processors[0]: unknown processor"
                + " 'test_processr', did you mean 'test_processor'?",
            bad
                + ":30: service.pipelines.traces/2.exporters: a pipeline needs at least one"
                + " exporter",
            bad + ":32: service.pipelines.metrics: only traces pipelines are supported");
  }

  @Test
  void bindsAValidConfigKeepingOnlyTheComponentsPipelinesUse() throws Exception {
    Path config =
        file(
            "ok.yaml",
            MINIMAL
                + """
                processors:
                  test_processor:
                    timeout: 1h30m
                """);

    ServiceConfig loaded = ConfigLoader.load(List.of(config), List.of(), Map.of(), REGISTRY);

    ComponentEntry receiver = loaded.receivers().get(ComponentId.of("test_receiver"));
    assertThat(receiver.config()).isEqualTo(new TestReceiverFactory.Config(null, null, null, null));
    assertThat(receiver.factory()).isInstanceOf(TestReceiverFactory.class);
    assertThat(loaded.exporters()).containsOnlyKeys(ComponentId.of("test_exporter"));
    assertThat(loaded.processors()).isEmpty();
    assertThat(loaded.pipelines())
        .containsExactly(
            new PipelineConfig(
                "traces",
                List.of(ComponentId.of("test_receiver")),
                List.of(),
                List.of(ComponentId.of("test_exporter"))));
    assertThat(loaded.telemetry()).isEqualTo(TelemetryConfig.defaults());
    assertThat(loaded.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readsServiceSettings() throws Exception {
    Path config =
        file(
            "service.yaml",
            MINIMAL
                + """
                  shutdown_timeout: 5s
                  telemetry:
                    metrics: { level: none, address: 0.0.0.0:9999 }
                    health: { enabled: false, address: "[::1]:0" }
                    logs: { level: debug, encoding: json }
                """);

    ServiceConfig loaded = ConfigLoader.load(List.of(config), List.of(), Map.of(), REGISTRY);

    assertThat(loaded.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(loaded.telemetry())
        .isEqualTo(new TelemetryConfig("none", "0.0.0.0:9999", false, "[::1]:0", "debug", "json"));
  }

  @Test
  void expandsEnvironmentReferencesAndRetypesWholeValues() throws Exception {
    Path config =
        file(
            "env.yaml",
            """
            receivers:
              test_receiver:
                endpoint: ${env:HOST}:${env:PORT:-4317}
                max_connections: ${env:MAX}
                tags: ["$${env:LITERAL}", "${env:EMPTY:-fallback}", "cost: $$5", a$b]
            exporters:
              test_exporter:
            service:
              pipelines:
                traces: { receivers: [test_receiver], exporters: [test_exporter] }
            """);

    ServiceConfig loaded =
        ConfigLoader.load(
            List.of(config),
            List.of(),
            Map.of("HOST", "10.0.0.1", "MAX", "42", "EMPTY", ""),
            REGISTRY);

    assertThat(loaded.receivers().get(ComponentId.of("test_receiver")).config())
        .isEqualTo(
            new TestReceiverFactory.Config(
                "10.0.0.1:4317",
                42,
                List.of("${env:LITERAL}", "fallback", "cost: $5", "a$b"),
                List.of()));
    assertThat(
            ConfigLoader.mergedTree(List.of(config), List.of(), Map.of("HOST", "h", "MAX", "42"))
                .at("/receivers/test_receiver/max_connections")
                .isInt())
        .isTrue();
  }

  @Test
  void namesAnUnsetVariableThatHasNoDefault() throws IOException {
    Path config =
        file(
            "env.yaml",
            """
            receivers:
              test_receiver:
                endpoint: ${env:NOPE}
                tags: ["${env:ALSO_NOPE}"]
            """);

    assertThat(problems(List.of(config), List.of(), Map.of()))
        .containsExactly(
            config
                + ":3: receivers.test_receiver.endpoint: environment variable 'NOPE' is not set"
                + " (use ${env:NOPE:-default} to give a default)",
            config
                + ":4: receivers.test_receiver.tags[0]: environment variable 'ALSO_NOPE' is not"
                + " set (use ${env:ALSO_NOPE:-default} to give a default)");
  }

  @Test
  void mergesFilesInOrderAndAppliesSetOverrides() throws Exception {
    Path base =
        file(
            "base.yaml",
            MINIMAL
                + """
                processors:
                  test_processor:
                    timeout: 1s
                    mode: safe
                """);
    Path overlay =
        file(
            "overlay.yaml",
            """
            exporters:
              test_exporter/2:
                compression: none
            service:
              pipelines:
                traces:
                  processors: [test_processor]
                  exporters: [test_exporter, test_exporter/2]
            """);

    ServiceConfig loaded =
        ConfigLoader.load(
            List.of(base, overlay),
            List.of(
                "processors.test_processor.timeout=2s",
                "exporters.test_exporter/2.endpoint=collector:4317",
                "receivers.test_receiver.tags=[a, b]"),
            Map.of(),
            REGISTRY);

    assertThat(loaded.processors().get(ComponentId.of("test_processor")).config())
        .isEqualTo(
            new TestProcessorFactory.Config(
                Duration.ofSeconds(2), null, TestProcessorFactory.Mode.SAFE));
    TestExporterFactory.Config second =
        (TestExporterFactory.Config)
            loaded.exporters().get(ComponentId.parse("test_exporter/2")).config();
    assertThat(second.endpoint()).isEqualTo("collector:4317");
    assertThat(second.compression()).isEqualTo("none");
    assertThat(loaded.pipelines().get(0).exporters())
        .containsExactly(ComponentId.of("test_exporter"), ComponentId.parse("test_exporter/2"));
    assertThat(loaded.pipelines().get(0).receivers())
        .containsExactly(ComponentId.of("test_receiver"));
    assertThat(
            ((TestReceiverFactory.Config)
                    loaded.receivers().get(ComponentId.of("test_receiver")).config())
                .tags())
        .containsExactly("a", "b");
  }

  @Test
  void reportsProblemsOfSetOverridesUnderTheSetSource() throws IOException {
    Path config = file("ok.yaml", MINIMAL);

    assertThat(
            problems(
                List.of(config),
                List.of("receivers.test_receiver.max_connections=0", "nonsense", "a..b=1"),
                Map.of()))
        .containsExactly(
            "--set: 'nonsense': expected dotted.path=value",
            "--set: 'a..b=1': expected dotted.path=value");
    assertThat(
            problems(
                List.of(config), List.of("receivers.test_receiver.max_connections=0"), Map.of()))
        .containsExactly(
            "--set: receivers.test_receiver.max_connections: must be between 1 and 1000, was 0");
  }

  @Test
  void sortsProblemsByFileThenLine() throws IOException {
    Path first =
        file(
            "first.yaml",
            MINIMAL
                + """
                  telemetry:
                    logs: { level: loud }
                """);
    Path second =
        file(
            "second.yaml",
            """
            exporters:
              test_exporter:
                timeout: 3
            receivers:
              test_receiver:
                max_connections: true
            """);

    assertThat(problems(List.of(second, first), List.of(), Map.of()))
        .containsExactly(
            second
                + ":3: exporters.test_exporter.timeout: invalid duration 3: a duration needs a"
                + " unit, such as 3s or 3ms",
            second + ":6: receivers.test_receiver.max_connections: expected an integer, got true",
            first
                + ":11: service.telemetry.logs.level: 'loud' is not one of trace, debug, info,"
                + " warn, error");
  }

  @Test
  void reportsMissingFilesAndSyntaxErrorsWithTheirPosition() throws IOException {
    Path broken = file("broken.yaml", "receivers:\n  otlp: [a, b\nexporters: {}\n");
    Path missing = dir.resolve("missing.yaml");

    List<String> lines = problems(List.of(broken, missing), List.of(), Map.of());

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("\\Q" + broken + "\\E:\\d+:\\d+: invalid YAML: .+");
    assertThat(lines.get(1)).isEqualTo(missing + ": no such file");
  }

  @Test
  void reportsDuplicateKeysAndAMissingServiceSection() throws IOException {
    Path config =
        file(
            "dup.yaml",
            """
            receivers:
              test_receiver:
                endpoint: a:1
                endpoint: b:2
            """);

    assertThat(problems(List.of(config), List.of(), Map.of()))
        .containsExactly(config + ":4: receivers.test_receiver.endpoint: duplicate key 'endpoint'");
    Path noService = file("noservice.yaml", "receivers:\n  test_receiver:\n");
    assertThat(problems(List.of(noService), List.of(), Map.of()))
        .containsExactly(
            noService
                + ": service.pipelines: no pipelines configured; add at least one traces"
                + " pipeline under service.pipelines");
  }

  @Test
  void validatesTelemetryAddressesAndRejectsUnknownServiceKeys() throws IOException {
    Path config =
        file(
            "addr.yaml",
            MINIMAL
                + """
                  extensions: [health]
                  telemetry:
                    metrics: { address: localhost }
                    health: { address: "127.0.0.1:99999", enabld: true }
                """);

    assertThat(problems(List.of(config), List.of(), Map.of()))
        .containsExactly(
            config
                + ":10: service.extensions: unknown key (valid keys: pipelines, telemetry,"
                + " shutdown_timeout)",
            config + ":12: service.telemetry.metrics.address: 'localhost' is not host:port",
            config
                + ":13: service.telemetry.health.address: '127.0.0.1:99999' has an invalid"
                + " port (expected 0..65535)",
            config
                + ":13: service.telemetry.health.enabld: unknown key, did you mean"
                + " 'enabled'?");
  }

  @Test
  void printsTheMergedConfigWithSecretsRedacted() throws Exception {
    Path config =
        file(
            "secrets.yaml",
            """
            exporters:
              test_exporter:
                endpoint: ${env:HOST}
                headers:
                  Authorization: Bearer abc
                  x-api-key: k
                  x-tenant: acme
                auth:
                  bearer_token: ${env:TOKEN}
                  password: ""
            """);

    String printed =
        ConfigLoader.printConfig(
            List.of(config),
            List.of("exporters.test_exporter.client_secret=s3"),
            Map.of("HOST", "collector:4317", "TOKEN", "t0ps3cret"));

    assertThat(printed)
        .isEqualTo(
            """
            exporters:
              test_exporter:
                endpoint: collector:4317
                headers:
                  Authorization: "[REDACTED]"
                  x-api-key: "[REDACTED]"
                  x-tenant: acme
                auth:
                  bearer_token: "[REDACTED]"
                  password: ""
                client_secret: "[REDACTED]"
            """);
  }
}
