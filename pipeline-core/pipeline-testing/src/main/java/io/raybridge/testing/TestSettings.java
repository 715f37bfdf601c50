package io.raybridge.testing;

import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ComponentSettings} for tests: by default no-op telemetry, the system clock, a logger named
 * after the component and daemon threads named {@code raybridge-<kind>-<id>-N}, as the runtime
 * names them.
 *
 * <pre>{@code
 * TestTelemetry telemetry = new TestTelemetry();
 * ComponentSettings s =
 *     TestSettings.builder(ComponentKind.EXPORTER, "otlp/backend").telemetry(telemetry).build();
 * }</pre>
 */
public final class TestSettings {

  private TestSettings() {}

  /** Default test settings for component {@code id} ({@code type} or {@code type/name}). */
  public static ComponentSettings of(ComponentKind kind, String id) {
    return builder(kind, id).build();
  }

  public static Builder builder(ComponentKind kind, String id) {
    return new Builder(kind, ComponentId.parse(id));
  }

  /** Threads named as the runtime names them, daemon so that a failed test cannot hang the JVM. */
  public static ThreadFactory threadFactory(ComponentKind kind, ComponentId id) {
    AtomicInteger n = new AtomicInteger();
    String prefix = "raybridge-" + kind.label() + "-" + id + "-";
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Overrides the defaults one by one. */
  public static final class Builder {
    private final ComponentKind kind;
    private final ComponentId id;
    private Clock clock = Clock.systemUTC();
    private Logger logger;
    private ComponentTelemetry telemetry;
    private ThreadFactory threadFactory;

    private Builder(ComponentKind kind, ComponentId id) {
      this.kind = Objects.requireNonNull(kind, "kind");
      this.id = id;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder logger(Logger logger) {
      this.logger = Objects.requireNonNull(logger, "logger");
      return this;
    }

    /** Records metrics into {@code telemetry} so the test can read them. */
    public Builder telemetry(TestTelemetry telemetry) {
      this.telemetry = telemetry.component(kind, id);
      return this;
    }

    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    public ComponentSettings build() {
      return new ComponentSettings(
          id,
          kind,
          logger != null
              ? logger
              : LoggerFactory.getLogger("io.raybridge." + kind.label() + "." + id),
          clock,
          threadFactory != null ? threadFactory : TestSettings.threadFactory(kind, id),
          telemetry != null ? telemetry : ComponentTelemetry.noop(kind, id));
    }
  }
}
