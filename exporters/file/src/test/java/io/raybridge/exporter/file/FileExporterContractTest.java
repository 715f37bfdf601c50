package io.raybridge.exporter.file;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileExporterContractTest extends ComponentContractTest<FileExporterConfig> {

  @TempDir Path dir;

  @Override
  protected ComponentFactory<FileExporterConfig> factory() {
    return new FileExporterFactory();
  }

  @Override
  protected FileExporterConfig config() {
    return ConfigFixtures.bind(
        FileExporterConfig.class, "path: " + dir.resolve("traces.json") + "\nappend: true\n");
  }

  @Override
  protected long exportedSpanCount() throws Exception {
    Path file = dir.resolve("traces.json");
    if (!Files.exists(file)) {
      return 0;
    }
    long spans = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      spans +=
          io.raybridge.pipeline.Traces.fromRequest(
                  OtlpJson.decode(line.getBytes(StandardCharsets.UTF_8)))
              .spanCount();
    }
    return spans;
  }
}
