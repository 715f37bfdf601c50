package io.raybridge.processor.tailsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code tail_sampling} processor's configuration. Keys shared with the OpenTelemetry
 * Collector's {@code tail_sampling} processor have its names and defaults; {@code
 * max_buffered_bytes}, {@code max_trace_bytes}, {@code on_shutdown} and {@code storage} are
 * Raybridge's own.
 *
 * <p>Every policy, sub-policies included, is validated here rather than in its own record, so that
 * one bad value deep inside an {@code and} is reported once, with its full path.
 *
 * @param decisionWait how long after a trace's first span it is decided; default 30s
 * @param decisionWaitAfterRootReceived when positive, a trace is decided this long after its root
 *     span arrived, if that is earlier than {@code decision_wait}; default 0 (off)
 * @param numTraces the most traces held at once; beyond it the oldest is decided early; default
 *     50000
 * @param expectedNewTracesPerSec sizing hint for the buffer; default 0
 * @param decisionCache how many decisions are remembered for late spans
 * @param sampleOnFirstMatch stop evaluating at the first policy that samples (drop policies are
 *     always evaluated first); default false
 * @param policies the policies, evaluated in order; none keeps every trace
 * @param maxBufferedBytes the heap the buffered spans may take; beyond it the oldest traces are
 *     decided early; default 128 MiB
 * @param maxTraceBytes the heap one trace may take; a trace reaching it is decided at once; default
 *     4 MiB
 * @param onShutdown what happens to buffered traces on shutdown; default {@code decide}
 * @param storage when set, the buffer and the decision cache are kept in a journal on disk and
 *     survive a restart; default none (memory only)
 */
public record TailSamplingConfig(
    @JsonProperty("decision_wait") Duration decisionWait,
    @JsonProperty("decision_wait_after_root_received") Duration decisionWaitAfterRootReceived,
    @JsonProperty("num_traces") Integer numTraces,
    @JsonProperty("expected_new_traces_per_sec") Integer expectedNewTracesPerSec,
    @JsonProperty("decision_cache") DecisionCacheConfig decisionCache,
    @JsonProperty("sample_on_first_match") Boolean sampleOnFirstMatch,
    @JsonProperty("policies") List<PolicyConfig> policies,
    @JsonProperty("max_buffered_bytes") Long maxBufferedBytes,
    @JsonProperty("max_trace_bytes") Long maxTraceBytes,
    @JsonProperty("on_shutdown") OnShutdown onShutdown,
    @JsonProperty("storage") StorageConfig storage) {

  public static final Duration DEFAULT_DECISION_WAIT = Duration.ofSeconds(30);
  public static final int DEFAULT_NUM_TRACES = 50_000;
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 128L << 20;
  public static final long DEFAULT_MAX_TRACE_BYTES = 4L << 20;

  /** What shutdown does with traces still buffered. */
  public enum OnShutdown {
    /** Decide each on the spans that have arrived, and forward the kept ones. */
    @JsonProperty("decide")
    DECIDE,
    /** Drop them, counting the spans. */
    @JsonProperty("drop")
    DROP
  }

  /**
   * Sizes of the caches that remember decisions after a trace left the buffer, so that late spans
   * follow their trace. 0 (the default) remembers the last {@code num_traces} decisions of that
   * kind, as long as the Collector remembers a decision in its trace ring.
   *
   * @param sampledCacheSize trace ids remembered as kept
   * @param nonSampledCacheSize trace ids remembered as dropped
   */
  public record DecisionCacheConfig(
      @JsonProperty("sampled_cache_size") Integer sampledCacheSize,
      @JsonProperty("non_sampled_cache_size") Integer nonSampledCacheSize) {

    public DecisionCacheConfig {
      sampledCacheSize = sampledCacheSize == null ? 0 : sampledCacheSize;
      nonSampledCacheSize = nonSampledCacheSize == null ? 0 : nonSampledCacheSize;
      Violations v = new Violations();
      v.check(sampledCacheSize >= 0, "sampled_cache_size", "must be >= 0, was " + sampledCacheSize);
      v.check(
          nonSampledCacheSize >= 0,
          "non_sampled_cache_size",
          "must be >= 0, was " + nonSampledCacheSize);
      v.throwIfAny();
    }
  }

  public TailSamplingConfig {
    decisionWait = decisionWait == null ? DEFAULT_DECISION_WAIT : decisionWait;
    decisionWaitAfterRootReceived =
        decisionWaitAfterRootReceived == null ? Duration.ZERO : decisionWaitAfterRootReceived;
    numTraces = numTraces == null ? DEFAULT_NUM_TRACES : numTraces;
    expectedNewTracesPerSec = expectedNewTracesPerSec == null ? 0 : expectedNewTracesPerSec;
    decisionCache = decisionCache == null ? new DecisionCacheConfig(null, null) : decisionCache;
    sampleOnFirstMatch = sampleOnFirstMatch != null && sampleOnFirstMatch;
    policies = policies == null ? List.of() : List.copyOf(policies);
    maxBufferedBytes = maxBufferedBytes == null ? DEFAULT_MAX_BUFFERED_BYTES : maxBufferedBytes;
    maxTraceBytes = maxTraceBytes == null ? DEFAULT_MAX_TRACE_BYTES : maxTraceBytes;
    onShutdown = onShutdown == null ? OnShutdown.DECIDE : onShutdown;

    Violations v = new Violations();
    v.check(
        decisionWait.compareTo(Duration.ZERO) > 0,
        "decision_wait",
        "must be > 0, was " + decisionWait);
    v.check(
        !decisionWaitAfterRootReceived.isNegative(),
        "decision_wait_after_root_received",
        "must be >= 0, was " + decisionWaitAfterRootReceived);
    v.check(numTraces > 0, "num_traces", "must be > 0, was " + numTraces);
    v.check(
        expectedNewTracesPerSec >= 0,
        "expected_new_traces_per_sec",
        "must be >= 0, was " + expectedNewTracesPerSec);
    v.check(maxTraceBytes > 0, "max_trace_bytes", "must be > 0, was " + maxTraceBytes);
    v.check(
        maxBufferedBytes >= maxTraceBytes,
        "max_buffered_bytes",
        "max_buffered_bytes ("
            + maxBufferedBytes
            + ") must be >= max_trace_bytes ("
            + maxTraceBytes
            + ")");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < policies.size(); i++) {
      PolicyConfig p = policies.get(i);
      String path = "policies[" + i + "]";
      if (p == null) {
        v.add(path, "must not be empty");
        continue;
      }
      p.validate(v, path, 0);
      if (p.name() != null && !names.add(p.name())) {
        v.add(path + ".name", "duplicate policy name \"" + p.name() + "\"");
      }
    }
    v.throwIfAny();
  }
}
