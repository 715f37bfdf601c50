package io.raybridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class XRayDaemonCommandTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  private static XRayDaemonCommand parse(String... args) {
    XRayDaemonCommand command = new XRayDaemonCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  private static JsonNode tree(XRayDaemonCommand command) throws Exception {
    return YAML.readTree(command.toYaml());
  }

  @Test
  void translatesTheDaemonsFlagsIntoTheEquivalentPipeline() throws Exception {
    JsonNode y =
        tree(
            parse(
                "-b",
                "0.0.0.0:2100",
                "-t",
                "0.0.0.0:2101",
                "-n",
                "eu-west-1",
                "-o",
                "-r",
                "arn:aws:iam::123456789012:role/xray",
                "-a",
                "arn:aws:ec2:eu-west-1:1:i",
                "-p",
                "https://proxy:3128",
                "-m",
                "16",
                "-l",
                "dev"));

    JsonNode receiver = y.path("receivers").path("awsxray");
    assertThat(receiver.path("endpoint").asText()).isEqualTo("0.0.0.0:2100");
    JsonNode proxy = receiver.path("proxy_server");
    assertThat(proxy.path("endpoint").asText()).isEqualTo("0.0.0.0:2101");
    assertThat(proxy.path("mode").asText()).isEqualTo("proxy");
    assertThat(proxy.path("region").asText()).isEqualTo("eu-west-1");
    assertThat(proxy.path("role_arn").asText()).isEqualTo("arn:aws:iam::123456789012:role/xray");
    assertThat(proxy.path("proxy_address").asText()).isEqualTo("https://proxy:3128");
    assertThat(proxy.path("local_mode").asBoolean()).isTrue();

    JsonNode batch = y.path("processors").path("batch");
    assertThat(batch.path("send_batch_size").asInt()).isEqualTo(50);
    assertThat(batch.path("timeout").asText()).isEqualTo("1s");

    JsonNode exporter = y.path("exporters").path("awsxray");
    assertThat(exporter.path("region").asText()).isEqualTo("eu-west-1");
    assertThat(exporter.path("role_arn").asText()).isEqualTo("arn:aws:iam::123456789012:role/xray");
    assertThat(exporter.path("resource_arn").asText()).isEqualTo("arn:aws:ec2:eu-west-1:1:i");
    assertThat(exporter.path("proxy_address").asText()).isEqualTo("https://proxy:3128");
    assertThat(exporter.path("local_mode").asBoolean()).isTrue();
    assertThat(exporter.path("sending_queue").path("max_size_mib").asInt()).isEqualTo(16);
    assertThat(exporter.path("sending_queue").path("num_consumers").asInt()).isEqualTo(8);
    assertThat(exporter.path("telemetry").path("enabled").asBoolean()).isTrue();

    JsonNode pipeline = y.path("service").path("pipelines").path("traces");
    assertThat(pipeline.path("receivers").get(0).asText()).isEqualTo("awsxray");
    assertThat(pipeline.path("processors").get(0).asText()).isEqualTo("batch");
    assertThat(pipeline.path("exporters").get(0).asText()).isEqualTo("awsxray");
    assertThat(y.path("service").path("telemetry").path("logs").path("level").asText())
        .isEqualTo("debug");
  }

  @Test
  void usesTheDaemonsDefaultsWithoutFlags() throws Exception {
    JsonNode y = tree(parse("-c", writeConfig("Version: 2\n").toString()));

    assertThat(y.path("receivers").path("awsxray").path("endpoint").asText())
        .isEqualTo("127.0.0.1:2000");
    assertThat(y.path("receivers").path("awsxray").path("proxy_server").path("endpoint").asText())
        .isEqualTo("127.0.0.1:2000");
    assertThat(y.path("exporters").path("awsxray").has("region")).isFalse();
    assertThat(y.path("exporters").path("awsxray").path("sending_queue").has("max_size_mib"))
        .isFalse();
    assertThat(y.path("service").path("telemetry").path("logs").path("level").asText())
        .isEqualTo("info");
  }

  @Test
  void readsTheDaemonConfigFileWithFlagsWinning() throws Exception {
    Path cfg =
        writeConfig(
            """
            Version: 2
            TotalBufferSizeMB: 24
            Concurrency: 4
            Region: us-east-2
            Socket:
              UDPAddress: "127.0.0.1:3000"
              TCPAddress: "127.0.0.1:3001"
            Endpoint: "https://xray.example.test"
            NoVerifySSL: true
            LocalMode: true
            ResourceARN: "arn:aws:ecs:us-east-2:1:task/t"
            RoleARN: "arn:aws:iam::1:role/file"
            ProxyAddress: "http://proxy:8080"
            Logging:
              LogRotation: true
              LogLevel: warn
              LogPath: /var/log/xray.log
            """);

    XRayDaemonCommand command = parse("-c", cfg.toString(), "-n", "ap-south-1");
    JsonNode y = tree(command);

    JsonNode exporter = y.path("exporters").path("awsxray");
    assertThat(exporter.path("region").asText()).isEqualTo("ap-south-1");
    assertThat(exporter.path("endpoint").asText()).isEqualTo("https://xray.example.test");
    assertThat(exporter.path("no_verify_ssl").asBoolean()).isTrue();
    assertThat(exporter.path("role_arn").asText()).isEqualTo("arn:aws:iam::1:role/file");
    assertThat(exporter.path("sending_queue").path("num_consumers").asInt()).isEqualTo(4);
    assertThat(exporter.path("sending_queue").path("max_size_mib").asInt()).isEqualTo(24);
    assertThat(y.path("receivers").path("awsxray").path("endpoint").asText())
        .isEqualTo("127.0.0.1:3000");
    assertThat(
            y.path("receivers").path("awsxray").path("proxy_server").path("aws_endpoint").asText())
        .isEqualTo("https://xray.example.test");
    assertThat(y.path("service").path("telemetry").path("logs").path("level").asText())
        .isEqualTo("warn");
    assertThat(command.logFile()).contains(Path.of("/var/log/xray.log"));
  }

  @Test
  void rejectsWhatTheDaemonRejects() throws Exception {
    assertThatThrownBy(() -> parse("-m", "2").toYaml())
        .hasMessage("-m/--buffer-memory must be 0 (automatic) or at least 3 MB, was 2");
    assertThatThrownBy(() -> parse("-p", "proxy:3128").toYaml())
        .hasMessage("-p/--proxy-address needs a scheme (http:// or https://), was 'proxy:3128'");
    assertThatThrownBy(() -> parse("-b", "nohost").toYaml())
        .hasMessage("-b/--bind must be HOST:PORT, was 'nohost'");
    Path noVersion = writeConfig("Region: us-east-1\n");
    assertThatThrownBy(() -> parse("-c", noVersion.toString()).toYaml())
        .hasMessage(noVersion + ": Version must be 1 or 2, was missing");
    Path removed = writeConfig("Version: 2\nMemoryLimit: 10\n");
    assertThatThrownBy(() -> parse("-c", removed.toString()).toYaml())
        .hasMessage(removed + ": unknown or removed daemon config key 'MemoryLimit'");
  }

  private Path writeConfig(String text) throws Exception {
    Path p = Files.createTempFile(dir, "cfg", ".yaml");
    Files.writeString(p, text);
    return p;
  }
}
