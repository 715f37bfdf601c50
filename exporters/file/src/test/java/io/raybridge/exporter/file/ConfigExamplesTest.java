package io.raybridge.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.runtime.config.ConfigLoader;
import io.raybridge.testing.ConfigFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code file} exporter sections of {@code config-examples/file.yaml} are valid. */
class ConfigExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fileExampleIsValid() throws Exception {
    JsonNode root =
        ConfigLoader.mergedTree(
            List.of(Path.of("../../config-examples/file.yaml")), List.of(), Map.of());
    List<FileExporterConfig> configs = new ArrayList<>();
    for (var e : root.get("exporters").properties()) {
      if (e.getKey().split("/")[0].equals("file")) {
        configs.add(
            ConfigFixtures.bind(FileExporterConfig.class, JSON.writeValueAsString(e.getValue())));
      }
    }
    assertThat(configs).hasSize(3);
    assertThat(configs.get(2).groupBy().enabled()).isTrue();
  }
}
