package io.raybridge.processor.probabilisticsampler;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code probabilistic_sampler} processors: stateless, per-span consistent sampling on the
 * trace id, compatible with the OpenTelemetry Collector's processor of the same name.
 */
public final class ProbabilisticSamplerFactory
    implements ProcessorFactory<ProbabilisticSamplerConfig> {

  /** The component type. */
  public static final String TYPE = "probabilistic_sampler";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<ProbabilisticSamplerConfig> configType() {
    return ProbabilisticSamplerConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, ProbabilisticSamplerConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new ProbabilisticSampler(settings, config, next);
  }
}
