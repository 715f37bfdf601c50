package io.raybridge.testing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentTelemetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * In-memory self-telemetry a test can read back: give {@link #component} to the component under
 * test (or use {@link TestSettings}), then read what it recorded, for instance {@code
 * telemetry.counterValue("otelcol_exporter_sent_spans")}.
 *
 * <p>Values are summed over every point of the metric, across attributes, unless an attribute
 * filter is given. Reading is a collection (the callbacks of observable gauges run), so it reflects
 * the moment of the call. Thread-safe.
 */
public final class TestTelemetry {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();

  /** A component's telemetry recording into this instance. */
  public ComponentTelemetry component(ComponentKind kind, ComponentId id) {
    return new ComponentTelemetry(provider.get("io.raybridge.testing"), kind, id);
  }

  /** Every metric recorded so far. */
  public Collection<MetricData> metrics() {
    return reader.collectAllMetrics();
  }

  /** The sum of counter {@code name}, 0 if it was never recorded. */
  public long counterValue(String name) {
    return (long) value(name, Attributes.empty());
  }

  /** The sum of counter {@code name} over points carrying {@code key=value}. */
  public long counterValue(String name, String key, String value) {
    return (long) value(name, Attributes.builder().put(key, value).build());
  }

  /** The value of gauge {@code name} (summed over attributes), if it was recorded. */
  public Optional<Long> gaugeValue(String name) {
    List<PointData> points = points(name, Attributes.empty());
    if (points.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((long) sum(points));
  }

  /** The sum of every point of {@code name} whose attributes include {@code filter}. */
  public double value(String name, Attributes filter) {
    return sum(points(name, filter));
  }

  private List<PointData> points(String name, Attributes filter) {
    List<PointData> out = new ArrayList<>();
    for (MetricData m : reader.collectAllMetrics()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      for (PointData p : m.getData().getPoints()) {
        if (includes(p.getAttributes(), filter)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static boolean includes(Attributes attributes, Attributes filter) {
    boolean[] ok = {true};
    filter.forEach((k, v) -> ok[0] &= v.equals(attributes.get(k)));
    return ok[0];
  }

  private static double sum(List<PointData> points) {
    double total = 0;
    for (PointData p : points) {
      if (p instanceof LongPointData l) {
        total += l.getValue();
      } else if (p instanceof DoublePointData d) {
        total += d.getValue();
      }
    }
    return total;
  }
}
