package io.raybridge.testing.sample;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.exporter.ExporterHelper;
import java.util.concurrent.atomic.AtomicLong;

/** An exporter whose destination is a counter, built with the exporter helper. */
public final class SampleExporterFactory implements ExporterFactory<SampleExporterConfig> {

  /** Spans that reached the destination, across instances. */
  public static final AtomicLong EXPORTED = new AtomicLong();

  @Override
  public String type() {
    return "sample_counter";
  }

  @Override
  public Class<SampleExporterConfig> configType() {
    return SampleExporterConfig.class;
  }

  @Override
  public Exporter create(ComponentSettings settings, SampleExporterConfig config) {
    return ExporterHelper.builder(
            settings, (traces, timeout) -> EXPORTED.addAndGet(traces.spanCount()))
        .timeout(config.timeout())
        .retry(config.retryOnFailure())
        .queue(config.sendingQueue())
        .build();
  }
}
