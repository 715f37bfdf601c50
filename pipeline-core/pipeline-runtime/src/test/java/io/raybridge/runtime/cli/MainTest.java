package io.raybridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentId;
import io.raybridge.runtime.config.ComponentEntry;
import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.plugin.PluginJars;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  private static final String VALID =
      """
      receivers:
        test_receiver:
      exporters:
        test_exporter:
          headers: { authorization: "${env:TOKEN}" }
          endpoint: collector:4317
      service:
        pipelines:
          traces:
            receivers: [test_receiver]
            exporters: [test_exporter]
      """;

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<ServiceConfig> ran = new ArrayList<>();

  private int run(String... args) {
    return Main.execute(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("TOKEN", "hunter2"),
        (config, registry) -> {
          ran.add(config);
          return 0;
        });
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void validateSaysAValidConfigIsValid() throws IOException {
    Path config = file("ok.yaml", VALID);

    assertThat(run("validate", "--config", config.toString())).isEqualTo(0);
    assertThat(out()).isEqualTo("configuration is valid" + System.lineSeparator());
    assertThat(err()).isEmpty();
  }

  @Test
  void validatePrintsEveryProblemAndExitsWithTwo() throws IOException {
    Path config = file("bad.yaml", VALID.replace("endpoint:", "endpont:"));

    assertThat(run("validate", "-c", config.toString(), "--set", "receivers.test_receiver.tags=7"))
        .isEqualTo(2);
    assertThat(err().lines())
        .containsExactly(
            config + ":6: exporters.test_exporter.endpont: unknown key, did you mean 'endpoint'?",
            "--set: receivers.test_receiver.tags: expected a list, got 7");
    assertThat(out()).isEmpty();
  }

  @Test
  void xrayDaemonRejectsAnInvalidFlagWithStatusTwo() {
    assertThat(run("xray-daemon", "-m", "2")).isEqualTo(2);
    assertThat(err()).startsWith("raybridge xray-daemon: ").contains("buffer");
    assertThat(ran).isEmpty();
  }

  @Test
  void xrayDaemonRunsTheTranslatedPipelineThroughTheNormalLoader() {
    // The awsxray components are not on this module's classpath, so the translated config is
    // refused by the loader, naming them: proof that the daemon's pipeline went through it.
    assertThat(run("xray-daemon", "-n", "eu-west-1", "-b", "127.0.0.1:2999")).isEqualTo(2);
    assertThat(err()).contains("receivers.awsxray").contains("exporters.awsxray");
    assertThat(ran).isEmpty();
  }

  @Test
  void runLoadsTheConfigAndHandsItToTheService() throws IOException {
    Path config = file("ok.yaml", VALID);

    assertThat(run("run", "--config", config.toString())).isEqualTo(0);
    assertThat(run("--config", config.toString())).isEqualTo(0);

    assertThat(ran).hasSize(2);
    assertThat(ran.get(0).exporters()).containsOnlyKeys(ComponentId.of("test_exporter"));
  }

  @Test
  void runDoesNotStartAnInvalidConfig() throws IOException {
    Path config = file("bad.yaml", VALID.replace("endpoint:", "endpont:"));

    assertThat(run("run", "--config", config.toString())).isEqualTo(2);
    assertThat(ran).isEmpty();
    assertThat(err()).contains("endpont: unknown key");
  }

  @Test
  void runUsesAnExporterFromAPluginJar() throws IOException {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    PluginJars.build(plugins);
    Path config =
        file(
            "plugin.yaml",
            """
            receivers:
              test_receiver:
            exporters:
              echo/out:
                prefix: "-->"
            service:
              pipelines:
                traces: { receivers: [test_receiver], exporters: [echo/out] }
            """);

    assertThat(run("run", "--config", config.toString(), "--plugins", plugins.toString()))
        .as(err())
        .isEqualTo(0);

    ComponentEntry echo = ran.get(0).exporters().get(ComponentId.parse("echo/out"));
    assertThat(echo.factory().getClass().getName()).isEqualTo(PluginJars.FACTORY);
    assertThat(echo.config().toString()).isEqualTo("Config[prefix=-->]");
  }

  @Test
  void componentsListsEveryTypeWithItsOrigin() throws IOException {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    PluginJars.build(plugins);

    assertThat(run("components", "--plugins", plugins.toString())).isEqualTo(0);

    assertThat(out().lines())
        .containsExactly(
            "receivers:",
            "  test_receiver  test-classes (io.raybridge.runtime.plugin.TestReceiverFactory)",
            "processors:",
            "  test_processor  test-classes (io.raybridge.runtime.plugin.TestProcessorFactory)",
            "exporters:",
            "  echo           echo-plugin.jar (com.example.echo.EchoExporterFactory)",
            "  test_exporter  test-classes (io.raybridge.runtime.plugin.TestExporterFactory)");
  }

  @Test
  void printConfigRedactsSecrets() throws IOException {
    Path config = file("ok.yaml", VALID);

    assertThat(run("print-config", "--config", config.toString())).isEqualTo(0);

    assertThat(out()).contains("authorization: \"[REDACTED]\"").doesNotContain("hunter2");
    assertThat(out()).contains("endpoint: collector:4317");
  }

  @Test
  void printConfigReportsAMissingFile() {
    Path missing = dir.resolve("missing.yaml");

    assertThat(run("print-config", "--config", missing.toString())).isEqualTo(2);
    assertThat(err()).isEqualTo(missing + ": no such file" + System.lineSeparator());
  }

  @Test
  void printsTheVersion() {
    assertThat(run("--version")).isEqualTo(0);
    assertThat(out()).isEqualTo("raybridge dev" + System.lineSeparator());
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run("validate", "--bogus")).isEqualTo(2);
    assertThat(err()).contains("Unknown option: '--bogus'");
    assertThat(run()).isEqualTo(2);
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err()).contains("missing required option --config FILE");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out()).contains("run", "validate", "components", "print-config");
  }
}
