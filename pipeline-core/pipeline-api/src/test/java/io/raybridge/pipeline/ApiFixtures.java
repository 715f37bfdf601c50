package io.raybridge.pipeline;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Small fakes for the pipeline-api's own tests (the full test kit lives in pipeline-testing, which
 * depends on this module).
 */
public final class ApiFixtures {

  private ApiFixtures() {}

  /** One resource named {@code service} with one scope holding {@code spans} spans. */
  public static ResourceSpans resource(String service, int spans) {
    return resource(service, List.of(spans));
  }

  /** One resource with one scope per entry, each holding that many spans. */
  public static ResourceSpans resource(String service, List<Integer> spansPerScope) {
    ResourceSpans.Builder rs =
        ResourceSpans.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("service.name")
                            .setValue(AnyValue.newBuilder().setStringValue(service))));
    int scopeIndex = 0;
    for (int n : spansPerScope) {
      String scope = service + "-scope-" + scopeIndex++;
      ScopeSpans.Builder ss =
          ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName(scope));
      for (int i = 0; i < n; i++) {
        ss.addSpans(Span.newBuilder().setName(scope + "-span-" + i));
      }
      rs.addScopeSpans(ss);
    }
    return rs.build();
  }

  /** A batch of {@code spans} spans under one resource. */
  public static Traces traces(int spans) {
    return Traces.of(resource("svc", spans));
  }

  /** Metrics a test can read. */
  public static final class Telemetry {
    public final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider =
        SdkMeterProvider.builder().registerMetricReader(reader).build();

    public ComponentTelemetry component(ComponentKind kind, ComponentId id) {
      return new ComponentTelemetry(provider.get("test"), kind, id);
    }

    /** The sum of every point of a long counter or gauge named {@code name}, 0 when absent. */
    public long value(String name) {
      Collection<MetricData> all = reader.collectAllMetrics();
      long sum = 0;
      for (MetricData m : all) {
        if (!m.getName().equals(name)) {
          continue;
        }
        Collection<LongPointData> points =
            switch (m.getType()) {
              case LONG_SUM -> m.getLongSumData().getPoints();
              case LONG_GAUGE -> m.getLongGaugeData().getPoints();
              default -> List.of();
            };
        for (LongPointData p : points) {
          sum += p.getValue();
        }
      }
      return sum;
    }
  }

  /** Settings with in-memory telemetry, a capturing logger and the given clock. */
  public static ComponentSettings settings(
      ComponentKind kind, String id, Telemetry telemetry, CapturingLogger logger, Clock clock) {
    ComponentId cid = ComponentId.parse(id);
    AtomicInteger n = new AtomicInteger();
    return new ComponentSettings(
        cid,
        kind,
        logger,
        clock,
        r -> {
          Thread t = new Thread(r, "test-" + kind.label() + "-" + id + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        telemetry.component(kind, cid));
  }

  /** A clock that moves only when told to. */
  public static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    public void advance(Duration d) {
      synchronized (this) {
        now = now.plus(d);
      }
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  public static boolean await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  /** An SLF4J logger that keeps every line at any level. */
  public static final class CapturingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    public final transient List<String> lines = new CopyOnWriteArrayList<>();

    public CapturingLogger() {
      this.name = "test";
    }

    /** Lines at {@code level}, rendered, prefixed with the level name. */
    public List<String> at(Level level) {
      List<String> out = new ArrayList<>();
      for (String l : lines) {
        if (l.startsWith(level.name() + " ")) {
          out.add(l.substring(level.name().length() + 1));
        }
      }
      return out;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String msg, Object[] args, Throwable throwable) {
      lines.add(level.name() + " " + MessageFormatter.basicArrayFormat(msg, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }
}
