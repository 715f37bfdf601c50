package io.raybridge.processor.tailsampling;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code tail_sampling} processors: spans are grouped by trace, held (compactly, within a
 * byte budget) until the trace is complete or {@code decision_wait} has passed, and each trace is
 * kept or dropped whole by the configured policies, the OpenTelemetry Collector's plus {@code
 * xray_rule}.
 */
public final class TailSamplingFactory implements ProcessorFactory<TailSamplingConfig> {

  /** The component type. */
  public static final String TYPE = "tail_sampling";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<TailSamplingConfig> configType() {
    return TailSamplingConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, TailSamplingConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new TailSamplingProcessor(settings, config, next);
  }
}
