package io.raybridge.testing;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.sample.SampleExporterConfig;
import io.raybridge.testing.sample.SampleExporterFactory;
import io.raybridge.testing.sample.SampleProcessorConfig;
import io.raybridge.testing.sample.SampleProcessorFactory;
import io.raybridge.testing.sample.SampleReceiverFactory;
import org.junit.jupiter.api.Nested;

/** The contract test run against one sample component of each kind. */
class ContractSelfTests {

  @Nested
  class ProcessorContract extends ComponentContractTest<SampleProcessorConfig> {
    @Override
    protected ComponentFactory<SampleProcessorConfig> factory() {
      return new SampleProcessorFactory();
    }

    @Override
    protected SampleProcessorConfig config() {
      return ConfigFixtures.bind(SampleProcessorConfig.class, "suffix: '!'");
    }
  }

  @Nested
  class ExporterContract extends ComponentContractTest<SampleExporterConfig> {
    @Override
    protected ComponentFactory<SampleExporterConfig> factory() {
      return new SampleExporterFactory();
    }

    @Override
    protected long exportedSpanCount() {
      return SampleExporterFactory.EXPORTED.get();
    }
  }

  @Nested
  class ReceiverContract extends ComponentContractTest<SampleProcessorConfig> {
    @Override
    protected ComponentFactory<SampleProcessorConfig> factory() {
      return new SampleReceiverFactory();
    }

    @Override
    protected void sendOne(Receiver receiver, Traces traces) {
      ((SampleReceiverFactory.SampleReceiver) receiver).receive(traces);
    }
  }
}
