package io.raybridge.exporter.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.xray.model.BackendConnectionErrors;
import software.amazon.awssdk.services.xray.model.PutTelemetryRecordsRequest;
import software.amazon.awssdk.services.xray.model.TelemetryRecord;

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
    BackendConnectionErrors errors =
        BackendConnectionErrors.builder()
            .timeoutCount(toInt(timeout.getAndSet(0)))
            .connectionRefusedCount(toInt(refused.getAndSet(0)))
            .httpCode4XXCount(toInt(http4xx.getAndSet(0)))
            .httpCode5XXCount(toInt(http5xx.getAndSet(0)))
            .unknownHostCount(toInt(unknownHost.getAndSet(0)))
            .otherCount(toInt(other.getAndSet(0)))
            .build();
    TelemetryRecord record =
        TelemetryRecord.builder()
            .timestamp(Instant.now())
            .segmentsReceivedCount(toInt(received.getAndSet(0)))
            .segmentsSentCount(toInt(sent.getAndSet(0)))
            .segmentsSpilloverCount(toInt(spillover.getAndSet(0)))
            .segmentsRejectedCount(toInt(rejected.getAndSet(0)))
            .backendConnectionErrors(errors)
            .build();
    PutTelemetryRecordsRequest.Builder request =
        PutTelemetryRecordsRequest.builder().telemetryRecords(record);
    if (config.includeMetadata()) {
      request.hostname(config.hostname() != null ? config.hostname() : localHostName());
      if (config.instanceId() != null) {
        request.ec2InstanceId(config.instanceId());
      }
      if (resourceArn != null) {
        request.resourceARN(resourceArn);
      }
    }
    try {
      c.xray().putTelemetryRecords(request.build());
    } catch (Exception e) {
      rateLimited.warn(
          "telemetry-failed",
          "awsxray exporter {} could not send telemetry records: {}",
          settings.id(),
          e.getMessage());
    }
  }

  /** The API's counts are 32-bit; a count that large in one interval is reported saturated. */
  private static int toInt(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
