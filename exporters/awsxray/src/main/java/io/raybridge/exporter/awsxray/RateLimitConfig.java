package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;

/**
 * {@code rate_limit}: the budget of PutTraceSegments calls per second, adapted to throttling by
 * additive increase / multiplicative decrease (AIMD). The budget starts at {@code
 * max_calls_per_second} (0: unlimited). Each throttled call halves it, starting from the rate
 * actually achieved over the last second if that is lower, but never below {@code
 * min_calls_per_second}; every second without throttling adds {@code additive_increase} calls per
 * second, up to {@code max_calls_per_second}.
 *
 * @param enabled whether the budget adapts at all (default true)
 * @param minCallsPerSecond the floor of the budget (default 1)
 * @param maxCallsPerSecond the ceiling of the budget; 0 means no ceiling (default 0)
 * @param additiveIncrease calls per second added for each second without throttling (default 2)
 */
public record RateLimitConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("min_calls_per_second") Double minCallsPerSecond,
    @JsonProperty("max_calls_per_second") Double maxCallsPerSecond,
    @JsonProperty("additive_increase") Double additiveIncrease) {

  public static final double DEFAULT_MIN_CALLS_PER_SECOND = 1;
  public static final double DEFAULT_MAX_CALLS_PER_SECOND = 0;
  public static final double DEFAULT_ADDITIVE_INCREASE = 2;

  public RateLimitConfig {
    enabled = enabled == null || enabled;
    minCallsPerSecond =
        minCallsPerSecond == null ? DEFAULT_MIN_CALLS_PER_SECOND : minCallsPerSecond;
    maxCallsPerSecond =
        maxCallsPerSecond == null ? DEFAULT_MAX_CALLS_PER_SECOND : maxCallsPerSecond;
    additiveIncrease = additiveIncrease == null ? DEFAULT_ADDITIVE_INCREASE : additiveIncrease;
    Violations v = new Violations();
    v.check(minCallsPerSecond > 0, "min_calls_per_second", "must be > 0, was " + minCallsPerSecond);
    v.check(
        maxCallsPerSecond >= 0,
        "max_calls_per_second",
        "must be >= 0 (0 means no ceiling), was " + maxCallsPerSecond);
    v.check(
        maxCallsPerSecond == 0 || maxCallsPerSecond >= minCallsPerSecond,
        "max_calls_per_second",
        "max_calls_per_second ("
            + maxCallsPerSecond
            + ") must be >= min_calls_per_second ("
            + minCallsPerSecond
            + ")");
    v.check(additiveIncrease > 0, "additive_increase", "must be > 0, was " + additiveIncrease);
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static RateLimitConfig defaults() {
    return new RateLimitConfig(null, null, null, null);
  }
}
