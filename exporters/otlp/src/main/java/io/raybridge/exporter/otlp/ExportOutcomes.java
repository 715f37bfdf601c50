package io.raybridge.exporter.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.time.Duration;

/**
 * What both exporters do with an OTLP answer that is not a plain success: count and log partial
 * successes, and count and log permanent rejections once per minute (the helper drops the batch).
 */
final class ExportOutcomes {

  static final String PARTIAL_SUCCESS_METRIC = "raybridge_exporter_partial_success_rejected_spans";
  static final String PERMANENT_ERRORS_METRIC = "raybridge_exporter_permanent_errors";

  private final ComponentSettings settings;
  private final String destination;
  private final Attributes attributes;
  private final LongCounter partialRejected;
  private final LongCounter permanentErrors;
  private final RateLimitedLogger partialLog;
  private final RateLimitedLogger permanentLog;

  ExportOutcomes(ComponentSettings settings, String destination) {
    this.settings = settings;
    this.destination = destination;
    this.attributes = settings.telemetry().attributes();
    this.partialRejected =
        settings
            .telemetry()
            .counter(
                PARTIAL_SUCCESS_METRIC,
                "{spans}",
                "Spans the destination rejected in an otherwise accepted export (partial success).");
    this.permanentErrors =
        settings
            .telemetry()
            .counter(
                PERMANENT_ERRORS_METRIC,
                "{requests}",
                "Export requests the destination rejected permanently; they are not retried.");
    this.partialLog =
        new RateLimitedLogger(
            settings.logger(), RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    this.permanentLog =
        new RateLimitedLogger(settings.logger(), Duration.ofMinutes(1), settings.clock());
  }

  /** The destination accepted the request but rejected {@code rejected} of its spans. */
  void partialSuccess(long rejected, String message) {
    if (rejected <= 0 && (message == null || message.isEmpty())) {
      return;
    }
    if (rejected > 0) {
      partialRejected.add(rejected, attributes);
    }
    partialLog.warn(
        "partial-success",
        "Exporter {}: {} rejected {} spans of an export (partial success): {}",
        settings.id(),
        destination,
        rejected,
        message == null || message.isEmpty() ? "no reason given" : message);
  }

  /** Counts and logs (once per minute) a permanent rejection, and returns it to throw. */
  ConsumerException permanent(String reason) {
    permanentErrors.add(1, attributes);
    permanentLog.error(
        "permanent",
        "Exporter {}: {} rejected an export permanently, the batch is dropped: {}",
        settings.id(),
        destination,
        reason);
    return ConsumerException.permanent(destination + " rejected the export: " + reason);
  }

  /** A retryable failure, with the delay the destination asked for when it gave one. */
  static ConsumerException retryable(String message, Duration retryAfter) {
    return retryAfter == null
        ? ConsumerException.retryable(message)
        : ConsumerException.retryable(message, retryAfter);
  }
}
