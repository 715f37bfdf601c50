package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class OtlpExporterContractTest extends ComponentContractTest<OtlpExporterConfig> {

  private GrpcBackend backend;

  @BeforeEach
  void startBackend() throws Exception {
    backend = new GrpcBackend(null);
  }

  @AfterEach
  void stopBackend() throws Exception {
    backend.close();
  }

  @Override
  protected ComponentFactory<OtlpExporterConfig> factory() {
    return new OtlpExporterFactory();
  }

  @Override
  protected OtlpExporterConfig config() {
    return ConfigFixtures.bind(
        OtlpExporterConfig.class, "endpoint: http://127.0.0.1:" + backend.port());
  }

  @Override
  protected long exportedSpanCount() {
    return backend.spanCount();
  }
}
