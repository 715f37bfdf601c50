package io.raybridge.pipeline.exporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;

/**
 * {@code retry_on_failure}: how an exporter retries a batch after a retryable failure, with the
 * keys and defaults of the OpenTelemetry Collector's exporterhelper. The delay starts at {@code
 * initial_interval}, is multiplied by {@code multiplier} after each attempt up to {@code
 * max_interval}, and each actual wait is drawn uniformly from {@code delay * (1 ±
 * randomization_factor)} so that many exporters failing together do not retry in lock step. A delay
 * the backend asks for ({@link io.raybridge.pipeline.ConsumerException#retryAfter()}) is a lower
 * bound for the next wait. Permanent failures are never retried.
 *
 * <p>Absent keys take their defaults; validation is skipped when {@code enabled} is false, as in
 * the Collector.
 *
 * @param enabled whether to retry at all (default true)
 * @param initialInterval the wait after the first failure (default 5s); must be > 0
 * @param randomizationFactor the jitter, in [0, 1] (default 0.5)
 * @param multiplier how much the wait grows per attempt, >= 1 (default 1.5)
 * @param maxInterval the upper bound of one wait (default 30s); must be >= initial_interval
 * @param maxElapsedTime how long to keep trying one batch (default 300s); 0 retries forever (until
 *     shutdown)
 */
public record RetryConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("initial_interval") Duration initialInterval,
    @JsonProperty("randomization_factor") Double randomizationFactor,
    @JsonProperty("multiplier") Double multiplier,
    @JsonProperty("max_interval") Duration maxInterval,
    @JsonProperty("max_elapsed_time") Duration maxElapsedTime) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(5);
  public static final double DEFAULT_RANDOMIZATION_FACTOR = 0.5;
  public static final double DEFAULT_MULTIPLIER = 1.5;
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_ELAPSED_TIME = Duration.ofSeconds(300);

  /** Fills in defaults for absent ({@code null}) values and validates the result. */
  public RetryConfig {
    enabled = enabled == null ? DEFAULT_ENABLED : enabled;
    initialInterval = initialInterval == null ? DEFAULT_INITIAL_INTERVAL : initialInterval;
    randomizationFactor =
        randomizationFactor == null ? DEFAULT_RANDOMIZATION_FACTOR : randomizationFactor;
    multiplier = multiplier == null ? DEFAULT_MULTIPLIER : multiplier;
    maxInterval = maxInterval == null ? DEFAULT_MAX_INTERVAL : maxInterval;
    maxElapsedTime = maxElapsedTime == null ? DEFAULT_MAX_ELAPSED_TIME : maxElapsedTime;
    if (enabled) {
      Violations v = new Violations();
      v.check(
          !initialInterval.isNegative() && !initialInterval.isZero(),
          "initial_interval",
          "must be > 0, was " + Durations.format(initialInterval));
      v.check(
          randomizationFactor >= 0 && randomizationFactor <= 1,
          "randomization_factor",
          "must be between 0 and 1, was " + randomizationFactor);
      v.check(multiplier >= 1, "multiplier", "must be >= 1, was " + multiplier);
      v.check(
          maxInterval.compareTo(initialInterval) >= 0,
          "max_interval",
          "max_interval ("
              + Durations.format(maxInterval)
              + ") must be >= initial_interval ("
              + Durations.format(initialInterval)
              + ")");
      v.check(
          !maxElapsedTime.isNegative(),
          "max_elapsed_time",
          "must be >= 0 (0 means no limit), was " + Durations.format(maxElapsedTime));
      v.throwIfAny();
    }
  }

  /** Every key at its default. */
  public static RetryConfig defaults() {
    return new RetryConfig(null, null, null, null, null, null);
  }

  /** No retries: one attempt per batch. */
  public static RetryConfig disabled() {
    return new RetryConfig(false, null, null, null, null, null);
  }

  /** Whether the elapsed-time bound applies ({@code max_elapsed_time} is not 0). */
  boolean hasMaxElapsedTime() {
    return !maxElapsedTime.isZero();
  }
}
