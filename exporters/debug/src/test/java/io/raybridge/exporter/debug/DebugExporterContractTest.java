package io.raybridge.exporter.debug;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.TestSettings;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

class DebugExporterContractTest extends ComponentContractTest<DebugExporterConfig> {

  private static final Pattern SPANS =
      Pattern.compile("^Traces: resource spans: \\d+, spans: (\\d+)");

  /** Adds up the span counts of the lines the exporter logs, its only destination. */
  private final AtomicLong logged = new AtomicLong();

  @Override
  protected ComponentFactory<DebugExporterConfig> factory() {
    return new DebugExporterFactory();
  }

  @Override
  protected ComponentSettings settings() {
    return TestSettings.builder(kind(), factory().type())
        .telemetry(telemetry)
        .logger(new CountingLogger())
        .build();
  }

  @Override
  protected long exportedSpanCount() {
    return logged.get();
  }

  private final class CountingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    CountingLogger() {
      this.name = "debug";
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String msg, Object[] arguments, Throwable throwable) {
      Matcher m = SPANS.matcher(msg);
      if (level == Level.INFO && m.find()) {
        logged.addAndGet(Long.parseLong(m.group(1)));
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}
