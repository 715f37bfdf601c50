package io.raybridge.pipeline;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;

/**
 * What the runtime supplies to a component when it creates it, as opposed to the component's
 * config, which is what the user wrote.
 *
 * @param id the component's id in the config
 * @param kind whether it is a receiver, processor or exporter
 * @param logger a logger named after the component
 * @param clock the clock to read time from (tests pass a fake one)
 * @param threadFactory creates daemon threads named {@code raybridge-<kind>-<id>-N}
 * @param telemetry the component's metrics
 */
public record ComponentSettings(
    ComponentId id,
    ComponentKind kind,
    Logger logger,
    Clock clock,
    ThreadFactory threadFactory,
    ComponentTelemetry telemetry) {

  public ComponentSettings {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(threadFactory, "threadFactory");
    Objects.requireNonNull(telemetry, "telemetry");
  }
}
