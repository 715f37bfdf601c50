package io.raybridge.exporter.xraylocal;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.xray.model.Segment;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared component contract. Exporters write to a storage directory, which is what {@link
 * #exportedSpanCount()} reads back, so delivery is checked across instances.
 */
class XRayLocalExporterContractTest extends ComponentContractTest<XRayLocalExporterConfig> {

  @TempDir Path dir;

  @Override
  protected ComponentFactory<XRayLocalExporterConfig> factory() {
    return new XRayLocalExporterFactory();
  }

  @Override
  protected XRayLocalExporterConfig config() {
    return ConfigFixtures.bind(
        XRayLocalExporterConfig.class,
        "endpoint: 127.0.0.1:0\nstorage: { directory: '" + dir + "' }\n");
  }

  @Override
  protected long exportedSpanCount() throws Exception {
    TraceStore store =
        new TraceStore(
            TestSettings.of(ComponentKind.EXPORTER, "xray_local"),
            Long.MAX_VALUE,
            Duration.ofDays(30),
            dir);
    store.load();
    long spans = 0;
    for (StoredTrace t : store.all()) {
      for (Segment s : t.segments()) {
        spans += s.count();
      }
    }
    store.close();
    return spans;
  }
}
