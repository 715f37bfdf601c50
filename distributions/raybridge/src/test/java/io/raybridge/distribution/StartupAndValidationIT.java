package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exit codes and messages of the real launcher: start-up failures and config validation. */
class StartupAndValidationIT {

  @TempDir Path dir;

  static List<Path> configExamples() throws IOException {
    try (Stream<Path> files = Files.list(CollectorProcess.CONFIG_EXAMPLES)) {
      return files
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("configExamples")
  void everyConfigExampleIsValid(Path example) throws Exception {
    CollectorProcess p = CollectorProcess.runToEnd(dir, "validate", "--config", example.toString());
    assertThat(p.exitCode()).as(p.output()).isZero();
    assertThat(p.output()).contains("configuration is valid");
  }

  @Test
  void portInUseExitsWithStatusOneNamingTheComponent() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CollectorProcess p =
          CollectorProcess.runToEnd(
              dir,
              "run",
              "--config",
              CollectorProcess.CONFIG_EXAMPLES.resolve("otlp-debug.yaml").toString(),
              "--set",
              "receivers.otlp.protocols.grpc.endpoint=127.0.0.1:" + port,
              "--set",
              "receivers.otlp.protocols.http.endpoint=127.0.0.1:0",
              "--set",
              "service.telemetry.metrics.address=127.0.0.1:0",
              "--set",
              "service.telemetry.health.address=127.0.0.1:0");
      assertThat(p.exitCode()).as(p.output()).isEqualTo(1);
      assertThat(p.output()).contains("failed to start receiver 'otlp'").contains(":" + port);
    }
  }

  @Test
  void invalidConfigExitsWithStatusTwoAndStartsNothing() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpiont: 127.0.0.1:4317
        exporters:
          debgu: {}
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [debug]
        """);
    CollectorProcess validate =
        CollectorProcess.runToEnd(dir, "validate", "--config", config.toString());
    assertThat(validate.exitCode()).isEqualTo(2);
    assertThat(validate.output())
        .contains("receivers.otlp.protocols.grpc.endpiont")
        .contains("did you mean 'endpoint'")
        .contains("exporters.debgu")
        .contains("did you mean 'debug'");

    CollectorProcess run = CollectorProcess.runToEnd(dir, "run", "--config", config.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).doesNotContain("Everything is ready");
  }

  @Test
  void versionAndComponentsAnswer() throws Exception {
    CollectorProcess version = CollectorProcess.runToEnd(dir, "--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.output()).contains("0.1.0");

    CollectorProcess components = CollectorProcess.runToEnd(dir, "components");
    assertThat(components.exitCode()).isZero();
    assertThat(components.output()).contains("otlp").contains("debug");
  }
}
