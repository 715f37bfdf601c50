package io.raybridge.testing.sample;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.time.Duration;

/** A receiver fed by calling {@link SampleReceiver#receive(Traces)}. */
public final class SampleReceiverFactory implements ReceiverFactory<SampleProcessorConfig> {

  @Override
  public String type() {
    return "sample_manual";
  }

  @Override
  public Class<SampleProcessorConfig> configType() {
    return SampleProcessorConfig.class;
  }

  @Override
  public Receiver create(
      ComponentSettings settings, SampleProcessorConfig config, TracesConsumer next) {
    return new SampleReceiver(next);
  }

  /** Passes what it receives straight on, while started. */
  public static final class SampleReceiver implements Receiver {
    private final TracesConsumer next;
    private volatile boolean started;

    SampleReceiver(TracesConsumer next) {
      this.next = next;
    }

    public void receive(Traces traces) {
      if (!started) {
        throw new IllegalStateException("not started");
      }
      next.consume(traces);
    }

    @Override
    public void start() {
      started = true;
    }

    @Override
    public void shutdown(Duration timeout) {
      started = false;
    }
  }
}
