package io.raybridge.processor.probabilisticsampler;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

class ProbabilisticSamplerContractTest extends ComponentContractTest<ProbabilisticSamplerConfig> {

  @Override
  protected ComponentFactory<ProbabilisticSamplerConfig> factory() {
    return new ProbabilisticSamplerFactory();
  }

  @Override
  protected ProbabilisticSamplerConfig config() {
    return new ProbabilisticSamplerConfig(100.0, null, null, null, null);
  }
}
