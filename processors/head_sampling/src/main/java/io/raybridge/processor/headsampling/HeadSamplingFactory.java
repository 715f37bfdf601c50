package io.raybridge.processor.headsampling;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Creates {@code head_sampling} processors: X-Ray sampling rules decided on each trace's entry span
 * (reservoir, then a rate threshold on the trace id), applied to every span of the trace.
 */
public final class HeadSamplingFactory implements ProcessorFactory<HeadSamplingConfig> {

  /** The component type. */
  public static final String TYPE = "head_sampling";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<HeadSamplingConfig> configType() {
    return HeadSamplingConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, HeadSamplingConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    try {
      return new HeadSampler(settings, config, config.samplingRules(), next);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rules_file " + config.rulesFile(), e);
    }
  }
}
