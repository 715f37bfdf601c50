package io.raybridge.exporter.debug;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

class DebugExporterContractTest extends ComponentContractTest<DebugExporterConfig> {

  @Override
  protected ComponentFactory<DebugExporterConfig> factory() {
    return new DebugExporterFactory();
  }
}
