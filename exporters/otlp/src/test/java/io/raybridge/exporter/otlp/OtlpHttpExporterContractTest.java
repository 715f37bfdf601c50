package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class OtlpHttpExporterContractTest extends ComponentContractTest<OtlpHttpExporterConfig> {

  private HttpBackend backend;

  @BeforeEach
  void startBackend() throws Exception {
    backend = new HttpBackend(null);
  }

  @AfterEach
  void stopBackend() {
    backend.close();
  }

  @Override
  protected ComponentFactory<OtlpHttpExporterConfig> factory() {
    return new OtlpHttpExporterFactory();
  }

  @Override
  protected OtlpHttpExporterConfig config() {
    return ConfigFixtures.bind(
        OtlpHttpExporterConfig.class, "endpoint: http://127.0.0.1:" + backend.port());
  }

  @Override
  protected long exportedSpanCount() {
    return backend.spanCount();
  }
}
