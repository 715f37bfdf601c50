package io.raybridge.processor.headsampling;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

class HeadSamplingContractTest extends ComponentContractTest<HeadSamplingConfig> {

  @Override
  protected ComponentFactory<HeadSamplingConfig> factory() {
    return new HeadSamplingFactory();
  }

  @Override
  protected HeadSamplingConfig config() {
    // Keep everything, so the contract's delivery and error checks apply.
    return new HeadSamplingConfig(
        null, new DefaultRuleConfig(1.0, 0), null, null, null, null, null);
  }
}
