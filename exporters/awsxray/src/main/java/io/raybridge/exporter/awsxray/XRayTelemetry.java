package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * X-Ray self-telemetry as the daemon reports it: counts accumulated over an interval and sent with
 * PutTelemetryRecords, skipped when nothing was received in the interval. Counting is always on
 * (cheap atomics); sending only when {@code telemetry.enabled}. Thread-safe.
 */
final class XRayTelemetry {

  private final ComponentSettings settings;
  private final TelemetryConfig config;
  private final String resourceArn;
  private final Supplier<XRayClients.Opened> clients;
  private final RateLimitedLogger rateLimited;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong spillover = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timeout = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong http4xx = new AtomicLong();
  private final AtomicLong http5xx = new AtomicLong();
  private final AtomicLong unknownHost = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private final Object wakeUp = new Object();
  private volatile boolean stopped;
  private Thread thread;

  XRayTelemetry(
      ComponentSettings settings,
      AwsXRayExporterConfig config,
      Supplier<XRayClients.Opened> clients) {
    this.settings = settings;
    this.config = config.telemetry();
    this.resourceArn =
        config.telemetry().resourceArn() != null
            ? config.telemetry().resourceArn()
            : config.resourceArn();
    this.clients = clients;
    this.rateLimited =
        new RateLimitedLogger(
            settings.logger(), RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
  }

  void received(long n) {
    received.addAndGet(n);
  }

  void sent(long n) {
    sent.addAndGet(n);
  }

  void spillover(long n) {
    spillover.addAndGet(n);
  }

  void rejected(long n) {
    rejected.addAndGet(n);
  }

  void backendError(String kind) {
    switch (kind) {
      case "timeout" -> timeout.incrementAndGet();
      case "connection_refused" -> refused.incrementAndGet();
      case "http_4xx" -> http4xx.incrementAndGet();
      case "http_5xx" -> http5xx.incrementAndGet();
      case "unknown_host" -> unknownHost.incrementAndGet();
      default -> other.incrementAndGet();
    }
  }

  void start() {
    if (!config.enabled()) {
      return;
    }
    thread = settings.threadFactory().newThread(this::run);
    thread.start();
  }

  /** Stops the timer and sends what was counted since the last record. */
  void stop() {
    stopped = true;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long interval = config.interval().toMillis();
    while (!stopped) {
      synchronized (wakeUp) {
        try {
          long until = System.currentTimeMillis() + interval;
          for (long left = interval;
              left > 0 && !stopped;
              left = until - System.currentTimeMillis()) {
            wakeUp.wait(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      report();
    }
  }

  /** Sends one record with the counts since the previous one, if anything was received. */
  void report() {
    if (received.get() == 0) {
      return;
    }
    XRayClients.Opened c = clients.get();
    if (c == null) {
      return;
    }
    ObjectNode request = XRayApiClient.newObject();
    ObjectNode record = request.putArray("TelemetryRecords").addObject();
    record.put("Timestamp", Instant.now().toEpochMilli() / 1000.0);
    record.put("SegmentsReceivedCount", received.getAndSet(0));
    record.put("SegmentsSentCount", sent.getAndSet(0));
    record.put("SegmentsSpilloverCount", spillover.getAndSet(0));
    record.put("SegmentsRejectedCount", rejected.getAndSet(0));
    ObjectNode errors = record.putObject("BackendConnectionErrors");
    errors.put("TimeoutCount", timeout.getAndSet(0));
    errors.put("ConnectionRefusedCount", refused.getAndSet(0));
    errors.put("HTTPCode4XXCount", http4xx.getAndSet(0));
    errors.put("HTTPCode5XXCount", http5xx.getAndSet(0));
    errors.put("UnknownHostCount", unknownHost.getAndSet(0));
    errors.put("OtherCount", other.getAndSet(0));
    if (config.includeMetadata()) {
      request.put("Hostname", config.hostname() != null ? config.hostname() : localHostName());
      if (config.instanceId() != null) {
        request.put("EC2InstanceId", config.instanceId());
      }
      if (resourceArn != null) {
        request.put("ResourceARN", resourceArn);
      }
    }
    try {
      c.xray().putTelemetryRecords(request);
    } catch (Exception e) {
      rateLimited.warn(
          "telemetry-failed",
          "awsxray exporter {} could not send telemetry records: {}",
          settings.id(),
          e.getMessage());
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
