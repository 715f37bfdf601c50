package io.raybridge.processor.batch;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code batch} processors, which merge and split spans into batches bounded in spans and
 * bytes, sent when full or when their oldest span reaches the timeout.
 */
public final class BatchProcessorFactory implements ProcessorFactory<BatchProcessorConfig> {

  /** The component type. */
  public static final String TYPE = "batch";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<BatchProcessorConfig> configType() {
    return BatchProcessorConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, BatchProcessorConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new BatchProcessor(settings, config, next);
  }
}
