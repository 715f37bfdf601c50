package io.raybridge.processor.batch;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;

class BatchProcessorContractTest extends ComponentContractTest<BatchProcessorConfig> {

  @Override
  protected ComponentFactory<BatchProcessorConfig> factory() {
    return new BatchProcessorFactory();
  }

  /** Downstream failures are counted and logged, never thrown back to a sender already answered. */
  @Override
  protected boolean propagatesErrorsSynchronously() {
    return false;
  }
}
