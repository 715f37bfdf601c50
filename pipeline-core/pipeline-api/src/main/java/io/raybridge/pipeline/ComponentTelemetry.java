package io.raybridge.pipeline;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Objects;

/**
 * A component's view of the collector's self-telemetry: an OpenTelemetry {@link Meter} and the
 * attributes that identify the component ({@code receiver="otlp/internal"}), which every metric the
 * component records should carry. Metric names follow the OpenTelemetry Collector's ({@code
 * otelcol_<kind>_<what>}).
 */
public final class ComponentTelemetry {

  private final Meter meter;
  private final Attributes attributes;

  public ComponentTelemetry(Meter meter, ComponentKind kind, ComponentId id) {
    this.meter = Objects.requireNonNull(meter, "meter");
    this.attributes =
        Attributes.of(AttributeKey.stringKey(kind.label()), Objects.requireNonNull(id).toString());
  }

  /** Telemetry that records nothing, for tests and tools. */
  public static ComponentTelemetry noop(ComponentKind kind, ComponentId id) {
    return new ComponentTelemetry(OpenTelemetry.noop().getMeter("io.raybridge"), kind, id);
  }

  public Meter meter() {
    return meter;
  }

  /** The attributes naming this component; add them to every measurement. */
  public Attributes attributes() {
    return attributes;
  }

  /** The component's attributes plus {@code key=value}. */
  public Attributes attributes(String key, String value) {
    return attributes.toBuilder().put(key, value).build();
  }

  /** A counter of {@code unit} named {@code name}. */
  public LongCounter counter(String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
  }
}
