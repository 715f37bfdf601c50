package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.testing.ConfigFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code config-examples/local.yaml}, the README's main command, feeds this exporter. */
class LocalConfigExampleTest {

  @Test
  void localExampleBindsTheExporterAndPointsTheSamplingProxyAtIt() throws Exception {
    Path example = Path.of(System.getProperty("user.dir"), "../../config-examples/local.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());

    XRayLocalExporterConfig config =
        ConfigFixtures.bind(
            XRayLocalExporterConfig.class, root.path("exporters").path("xray_local").toString());
    assertThat(config.endpoint()).isEqualTo(XRayLocalExporterConfig.DEFAULT_ENDPOINT);

    JsonNode proxy = root.path("receivers").path("awsxray").path("proxy_server");
    assertThat(proxy.path("mode").asText()).isEqualTo("proxy");
    assertThat(proxy.path("aws_endpoint").asText()).isEqualTo("http://" + config.endpoint());

    JsonNode pipeline = root.path("service").path("pipelines").path("traces");
    assertThat(pipeline.path("receivers").toString()).contains("otlp").contains("awsxray");
    assertThat(pipeline.path("exporters").toString()).contains("xray_local");
  }
}
