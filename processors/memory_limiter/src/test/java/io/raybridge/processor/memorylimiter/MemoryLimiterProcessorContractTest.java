package io.raybridge.processor.memorylimiter;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

class MemoryLimiterProcessorContractTest
    extends ComponentContractTest<MemoryLimiterProcessorConfig> {

  @Override
  protected ComponentFactory<MemoryLimiterProcessorConfig> factory() {
    return new MemoryLimiterProcessorFactory();
  }
}
