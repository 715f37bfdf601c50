package io.raybridge.processor.tailsampling;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

/** With the defaults (no policies) every trace is kept, so shutdown must deliver all of it. */
class TailSamplingContractTest extends ComponentContractTest<TailSamplingConfig> {

  @Override
  protected ComponentFactory<TailSamplingConfig> factory() {
    return new TailSamplingFactory();
  }

  @Override
  protected boolean propagatesErrorsSynchronously() {
    return false;
  }
}
