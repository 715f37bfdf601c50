package io.raybridge.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.testing.sample.SampleProcessorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The contract test fails for components that break it (a contract that cannot fail is none). */
class ContractCatchesDefectsTest {

  /** Swallows downstream errors, holds batches until shutdown and then drops them. */
  static final class BrokenProcessorFactory implements ProcessorFactory<SampleProcessorConfig> {
    @Override
    public String type() {
      return "broken_";
    }

    @Override
    public Class<SampleProcessorConfig> configType() {
      return SampleProcessorConfig.class;
    }

    @Override
    public Processor create(
        ComponentSettings settings, SampleProcessorConfig config, TracesConsumer next) {
      return new Processor() {
        private final List<Traces> held = new ArrayList<>();

        @Override
        public synchronized void consume(Traces traces) {
          try {
            next.consume(traces);
          } catch (ConsumerException e) {
            held.add(traces);
          }
        }

        @Override
        public void start() {}

        @Override
        public synchronized void shutdown(Duration timeout) {
          held.clear();
        }
      };
    }
  }

  /** Run only through the test kit below, never directly (surefire skips nested classes). */
  static final class BrokenProcessorContract extends ComponentContractTest<SampleProcessorConfig> {
    @Override
    protected ComponentFactory<SampleProcessorConfig> factory() {
      return new BrokenProcessorFactory();
    }

    @Override
    protected SampleProcessorConfig expectedDefaults() {
      return new SampleProcessorConfig("not the default");
    }
  }

  @Test
  void contractFailsForABrokenProcessor() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(BrokenProcessorContract.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1, event(test("factoryIsDiscoverableThroughServiceLoader"), finishedWithFailure()))
        .haveExactly(1, event(test("typeIsLowerSnakeCase"), finishedWithFailure()))
        .haveExactly(1, event(test("emptyConfigBindsToTheDefaults"), finishedWithFailure()))
        .haveExactly(
            1, event(test("processorPropagatesDownstreamErrorsUnchanged"), finishedWithFailure()))
        .haveExactly(1, event(test("shutdownWithoutStartIsHarmless"), finishedSuccessfully()))
        .haveExactly(
            1, event(test("createsStartsConsumesAndShutsDownTwice"), finishedSuccessfully()))
        .haveExactly(1, event(test("shutdownDeliversWhatWasConsumed"), finishedSuccessfully()));
  }
}
