package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.runtime.config.ConfigLoader;
import io.raybridge.testing.ConfigFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exporter sections of the examples in {@code config-examples/} bind without problems. */
class ConfigExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"otlp-forward.yaml", "otlphttp-xray-sigv4.yaml"})
  void exampleExporterSectionsAreValid(String name) throws Exception {
    JsonNode root =
        ConfigLoader.mergedTree(
            List.of(Path.of("../../config-examples", name)), List.of(), Map.of());
    List<String> checked = new ArrayList<>();
    for (var e : root.get("exporters").properties()) {
      String type = e.getKey().split("/")[0];
      String yaml = JSON.writeValueAsString(e.getValue());
      switch (type) {
        case "otlp" -> ConfigFixtures.bind(OtlpExporterConfig.class, yaml);
        case "otlphttp" -> ConfigFixtures.bind(OtlpHttpExporterConfig.class, yaml);
        default -> {
          continue;
        }
      }
      checked.add(e.getKey());
    }
    assertThat(checked).isNotEmpty();
  }
}
