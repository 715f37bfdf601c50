package io.raybridge.runtime.telemetry;

import com.sun.management.OperatingSystemMXBean;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The collector's own metrics: an OpenTelemetry SDK meter provider whose instruments components
 * record into, read by a Prometheus reader, plus the process metrics the OTel Collector reports
 * ({@code otelcol_process_*}).
 */
public final class SelfTelemetry implements AutoCloseable {

  private static final String SCOPE = "io.raybridge";

  private final SdkMeterProvider meterProvider;
  private final PrometheusMetricReader reader;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final long startNanos = System.nanoTime();

  public SelfTelemetry() {
    this.reader = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    this.meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    registerProcessMetrics(meter());
  }

  /** The meter every component records into. */
  public Meter meter() {
    return meterProvider.get(SCOPE);
  }

  /** The content type of {@link #writePrometheus}. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Writes every metric in the Prometheus text exposition format. */
  public void writePrometheus(OutputStream out) throws IOException {
    writer.write(out, reader.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
  }

  private void registerProcessMetrics(Meter meter) {
    meter
        .gaugeBuilder("otelcol_process_uptime")
        .setUnit("s")
        .setDescription("Uptime of the process")
        .buildWithCallback(m -> m.record((System.nanoTime() - startNanos) / 1e9));
    meter
        .gaugeBuilder("otelcol_process_memory_rss")
        .ofLongs()
        .setUnit("By")
        .setDescription("Total physical memory (resident set size)")
        .buildWithCallback(
            m -> {
              long rss = residentSetBytes();
              if (rss >= 0) {
                m.record(rss);
              }
            });
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    meter
        .gaugeBuilder("otelcol_process_runtime_heap_alloc_bytes")
        .ofLongs()
        .setUnit("By")
        .setDescription("Bytes of allocated heap objects")
        .buildWithCallback(m -> m.record(memory.getHeapMemoryUsage().getUsed()));
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      meter
          .counterBuilder("otelcol_process_cpu_seconds")
          .ofDoubles()
          .setUnit("s")
          .setDescription("Total CPU user and system time in seconds")
          .buildWithCallback(m -> m.record(os.getProcessCpuTime() / 1e9));
    }
  }

  /** VmRSS from /proc/self/status, or -1 where there is no procfs. */
  static long residentSetBytes() {
    try {
      List<String> lines =
          Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    meterProvider.close();
  }
}
