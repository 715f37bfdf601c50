package io.raybridge.processor.memorylimiter;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code memory_limiter} processors, which refuse data with a retryable error while the
 * JVM's used heap is above a configured limit, so that senders back off before the collector runs
 * out of memory.
 */
public final class MemoryLimiterProcessorFactory
    implements ProcessorFactory<MemoryLimiterProcessorConfig> {

  /** The component type. */
  public static final String TYPE = "memory_limiter";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<MemoryLimiterProcessorConfig> configType() {
    return MemoryLimiterProcessorConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, MemoryLimiterProcessorConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new MemoryLimiterProcessor(settings, config, next);
  }
}
