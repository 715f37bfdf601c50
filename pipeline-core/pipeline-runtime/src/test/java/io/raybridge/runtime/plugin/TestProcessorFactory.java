package io.raybridge.runtime.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;

/** A processor type for runtime tests: {@code test_processor}; it passes batches through. */
public final class TestProcessorFactory implements ProcessorFactory<TestProcessorFactory.Config> {

  /** How the processor works; an enum setting. */
  public enum Mode {
    FAST,
    SAFE
  }

  /** Config with a duration, an int and an enum. */
  public record Config(
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("send_batch_size") Integer sendBatchSize,
      @JsonProperty("mode") Mode mode) {

    public Config {
      timeout = timeout == null ? Duration.ofMillis(200) : timeout;
      sendBatchSize = sendBatchSize == null ? 8192 : sendBatchSize;
      mode = mode == null ? Mode.FAST : mode;
      new Violations()
          .check(!timeout.isZero(), "timeout", "must be greater than 0s")
          .check(sendBatchSize >= 0, "send_batch_size", "must be >= 0, was " + sendBatchSize)
          .throwIfAny();
    }
  }

  @Override
  public String type() {
    return "test_processor";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Processor create(ComponentSettings settings, Config config, TracesConsumer next) {
    return new Processor() {
      @Override
      public void consume(Traces traces) {
        next.consume(traces);
      }

      @Override
      public void start() {}

      @Override
      public void shutdown(Duration timeout) {}
    };
  }
}
