package io.raybridge.processor.memorylimiter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;

/**
 * Configuration of the {@code memory_limiter} processor, with the OpenTelemetry Collector's keys.
 * Memory is the JVM's used heap; percentages are of the maximum heap ({@code -Xmx}, {@link
 * Runtime#maxMemory()}). The hard limit is {@code limit_mib} or {@code limit_percentage}; the soft
 * limit, above which data is refused, is the hard limit minus the spike limit.
 *
 * @param checkInterval how often the heap is measured
 * @param limitMib the hard limit in MiB; 0 when {@code limit_percentage} is used
 * @param spikeLimitMib the headroom below {@code limit_mib}; 0 for 20% of the limit
 * @param limitPercentage the hard limit in percent of the maximum heap; 0 when {@code limit_mib} is
 *     used, 80 when neither is set
 * @param spikeLimitPercentage the headroom in percent of the maximum heap; 0 for 20% of the limit
 * @param minGcIntervalWhenSoftLimited the least time between two forced garbage collections while
 *     above the soft limit
 * @param minGcIntervalWhenHardLimited the least time between two forced garbage collections while
 *     above the hard limit
 */
public record MemoryLimiterProcessorConfig(
    @JsonProperty("check_interval") Duration checkInterval,
    @JsonProperty("limit_mib") Long limitMib,
    @JsonProperty("spike_limit_mib") Long spikeLimitMib,
    @JsonProperty("limit_percentage") Integer limitPercentage,
    @JsonProperty("spike_limit_percentage") Integer spikeLimitPercentage,
    @JsonProperty("min_gc_interval_when_soft_limited") Duration minGcIntervalWhenSoftLimited,
    @JsonProperty("min_gc_interval_when_hard_limited") Duration minGcIntervalWhenHardLimited) {

  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);

  /** The hard limit when neither {@code limit_mib} nor {@code limit_percentage} is set. */
  public static final int DEFAULT_LIMIT_PERCENTAGE = 80;

  public static final Duration DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED = Duration.ZERO;

  public MemoryLimiterProcessorConfig {
    checkInterval = checkInterval == null ? DEFAULT_CHECK_INTERVAL : checkInterval;
    limitMib = limitMib == null ? 0L : limitMib;
    spikeLimitMib = spikeLimitMib == null ? 0L : spikeLimitMib;
    if (limitPercentage == null) {
      limitPercentage = limitMib == 0 ? DEFAULT_LIMIT_PERCENTAGE : 0;
    }
    spikeLimitPercentage = spikeLimitPercentage == null ? 0 : spikeLimitPercentage;
    minGcIntervalWhenSoftLimited =
        minGcIntervalWhenSoftLimited == null
            ? DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED
            : minGcIntervalWhenSoftLimited;
    minGcIntervalWhenHardLimited =
        minGcIntervalWhenHardLimited == null
            ? DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED
            : minGcIntervalWhenHardLimited;

    Violations v = new Violations();
    v.check(
        !checkInterval.isNegative() && !checkInterval.isZero(),
        "check_interval",
        "check_interval (" + Durations.format(checkInterval) + ") must be > 0s");
    v.check(limitMib >= 0, "limit_mib", "limit_mib (" + limitMib + ") must be >= 0");
    v.check(
        spikeLimitMib >= 0,
        "spike_limit_mib",
        "spike_limit_mib (" + spikeLimitMib + ") must be >= 0");
    v.check(
        limitPercentage >= 0 && limitPercentage <= 100,
        "limit_percentage",
        "limit_percentage (" + limitPercentage + ") must be between 0 and 100");
    v.check(
        spikeLimitPercentage >= 0 && spikeLimitPercentage <= 100,
        "spike_limit_percentage",
        "spike_limit_percentage (" + spikeLimitPercentage + ") must be between 0 and 100");
    if (limitMib > 0 && limitPercentage > 0) {
      v.add(
          "limit_mib",
          "set either limit_mib ("
              + limitMib
              + ") or limit_percentage ("
              + limitPercentage
              + "), not both");
    } else if (limitMib <= 0 && limitPercentage <= 0) {
      v.add("limit_mib", "one of limit_mib or limit_percentage must be > 0");
    }
    if (limitMib > 0) {
      v.check(
          spikeLimitPercentage == 0,
          "spike_limit_percentage",
          "spike_limit_percentage ("
              + spikeLimitPercentage
              + ") goes with limit_percentage; with limit_mib use spike_limit_mib");
      v.check(
          spikeLimitMib < limitMib,
          "spike_limit_mib",
          "spike_limit_mib (" + spikeLimitMib + ") must be < limit_mib (" + limitMib + ")");
    }
    if (limitPercentage > 0) {
      v.check(
          spikeLimitMib == 0,
          "spike_limit_mib",
          "spike_limit_mib ("
              + spikeLimitMib
              + ") goes with limit_mib; with limit_percentage use spike_limit_percentage");
      v.check(
          spikeLimitPercentage < limitPercentage,
          "spike_limit_percentage",
          "spike_limit_percentage ("
              + spikeLimitPercentage
              + ") must be < limit_percentage ("
              + limitPercentage
              + ")");
    }
    v.check(
        !minGcIntervalWhenSoftLimited.isNegative(),
        "min_gc_interval_when_soft_limited",
        "min_gc_interval_when_soft_limited ("
            + Durations.format(minGcIntervalWhenSoftLimited)
            + ") must be >= 0s");
    v.check(
        !minGcIntervalWhenHardLimited.isNegative(),
        "min_gc_interval_when_hard_limited",
        "min_gc_interval_when_hard_limited ("
            + Durations.format(minGcIntervalWhenHardLimited)
            + ") must be >= 0s");
    v.throwIfAny();
  }

  /** The defaults: what {@code {}} binds to (a hard limit of 80% of the maximum heap). */
  public static MemoryLimiterProcessorConfig defaults() {
    return new MemoryLimiterProcessorConfig(null, null, null, null, null, null, null);
  }
}
