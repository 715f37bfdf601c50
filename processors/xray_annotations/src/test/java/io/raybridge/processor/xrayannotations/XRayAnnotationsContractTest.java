package io.raybridge.processor.xrayannotations;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;

class XRayAnnotationsContractTest extends ComponentContractTest<XRayAnnotationsProcessorConfig> {

  @Override
  protected ComponentFactory<XRayAnnotationsProcessorConfig> factory() {
    return new XRayAnnotationsProcessorFactory();
  }

  @Override
  protected XRayAnnotationsProcessorConfig config() {
    // Rules that touch the generated spans, so that the contract runs the real mapping.
    return ConfigFixtures.bind(
        XRayAnnotationsProcessorConfig.class,
        """
        rules:
          - key_glob: "*"
            type: string
        metadata: {default: generated}
        max_annotations: 3
        explain: true
        """);
  }
}
