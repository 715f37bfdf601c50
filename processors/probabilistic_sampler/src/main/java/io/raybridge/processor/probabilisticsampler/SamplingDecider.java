package io.raybridge.processor.probabilisticsampler;

import com.google.protobuf.ByteString;

/**
 * The per-span decision, a pure function of the config and the span's trace id, tracestate and
 * {@code sampling.priority}, so every instance decides alike. Thread-safe.
 */
final class SamplingDecider {

  /** What happens to a span. */
  enum Verdict {
    KEEP,
    DROP,
    /** The span's sampling information is missing or broken; {@code fail_closed} decides. */
    ERROR
  }

  /**
   * A decision.
   *
   * @param verdict keep, drop or error
   * @param traceState the tracestate the kept span carries (unchanged if no update is needed)
   * @param error what was wrong, for {@link Verdict#ERROR}
   */
  record Decision(Verdict verdict, String traceState, String error) {
    static Decision error(String message) {
      return new Decision(Verdict.ERROR, null, message);
    }
  }

  private static final int HASH_BITS = 14;
  private static final int HASH_BUCKETS = 1 << HASH_BITS;
  private static final Decision DROP = new Decision(Verdict.DROP, null, null);

  private final ProbabilisticSamplerConfig.Mode mode;
  private final double ratio;
  private final int precision;
  private final int hashSeed;
  private final int scaledRate;
  private final long configuredThreshold;

  SamplingDecider(ProbabilisticSamplerConfig config) {
    this.mode = config.mode();
    this.ratio = Math.min(1.0, config.samplingPercentage() / 100.0);
    this.precision = config.samplingPrecision();
    this.hashSeed = (int) (long) config.hashSeed();
    // As the Collector does: the percentage scaled to 2^14 buckets, truncated.
    this.scaledRate =
        config.samplingPercentage() >= 100
            ? HASH_BUCKETS
            : (int) (config.samplingPercentage() * HASH_BUCKETS / 100.0);
    this.configuredThreshold = roundThreshold(thresholdOf(ratio), precision);
  }

  /**
   * Decides one span.
   *
   * @param priority the span's {@code sampling.priority}, or null when it has none
   */
  Decision decide(ByteString traceId, String traceState, Double priority) {
    if (priority != null) {
      // The override: 0 drops, anything else keeps at 100 %, leaving the tracestate as it was.
      return priority == 0 ? DROP : new Decision(Verdict.KEEP, traceState, null);
    }
    if (traceId.size() != 16 || isAllZero(traceId)) {
      return Decision.error("the trace id is missing or all zero, so it carries no randomness");
    }
    OtelTraceState state;
    try {
      state = OtelTraceState.parse(traceState);
    } catch (IllegalArgumentException e) {
      return Decision.error(e.getMessage());
    }
    return switch (mode) {
      case HASH_SEED -> hashSeed(traceId, state);
      case PROPORTIONAL, EQUALIZING -> consistent(traceId, state);
    };
  }

  private Decision hashSeed(ByteString traceId, OtelTraceState state) {
    int hash = fnv1a(traceId) & (HASH_BUCKETS - 1);
    if (hash >= scaledRate) {
      return DROP;
    }
    if (state.threshold() > 0) {
      // Sampled upstream with other randomness: no single (th, rv) pair describes both samplings,
      // so the upstream record is left as it is rather than overwritten with a wrong one.
      return new Decision(Verdict.KEEP, null, null);
    }
    // Expressed as the spec's threshold test (keep when R >= T) on the hash's 14 bits, so that
    // later consistent samplers can use the same randomness.
    long randomness = (long) (HASH_BUCKETS - 1 - hash) << (56 - HASH_BITS);
    long threshold = (long) (HASH_BUCKETS - scaledRate) << (56 - HASH_BITS);
    return new Decision(
        Verdict.KEEP, state.withThreshold(threshold).withRandomness(randomness).encode(), null);
  }

  private Decision consistent(ByteString traceId, OtelTraceState state) {
    long randomness = state.randomness() >= 0 ? state.randomness() : lower56(traceId);
    long incoming = state.threshold() >= 0 ? state.threshold() : 0;
    if (randomness < incoming) {
      return Decision.error(
          "inconsistent tracestate: th "
              + OtelTraceState.encodeThreshold(incoming)
              + " rejects the span's own randomness");
    }
    long threshold;
    if (mode == ProbabilisticSamplerConfig.Mode.PROPORTIONAL) {
      double keepCount = (double) (OtelTraceState.MAX - incoming) * ratio;
      threshold = roundThreshold(OtelTraceState.MAX - Math.round(keepCount), precision);
    } else {
      threshold = configuredThreshold;
    }
    threshold = Math.max(threshold, incoming);
    if (threshold >= OtelTraceState.MAX || randomness < threshold) {
      return DROP;
    }
    String updated =
        threshold == state.threshold() ? null : state.withThreshold(threshold).encode();
    return new Decision(Verdict.KEEP, updated, null);
  }

  /** The rejection threshold of probability {@code p}: {@code round((1 - p) * 2^56)}. */
  static long thresholdOf(double p) {
    if (p >= 1) {
      return 0;
    }
    if (p <= 0) {
      return OtelTraceState.MAX;
    }
    return Math.min(OtelTraceState.MAX - 1, Math.max(1, Math.round((1 - p) * OtelTraceState.MAX)));
  }

  /**
   * Rounds {@code t} to {@code precision} significant hex digits, not counting leading {@code f}
   * digits (which small probabilities have many of), so the written {@code th} is short.
   */
  static long roundThreshold(long t, int precision) {
    if (t <= 0 || t >= OtelTraceState.MAX) {
      return t;
    }
    String hex = String.format("%014x", t);
    int leadingF = 0;
    while (leadingF < hex.length() && hex.charAt(leadingF) == 'f') {
      leadingF++;
    }
    int digits = Math.min(14, leadingF + precision);
    int shift = 4 * (14 - digits);
    if (shift == 0) {
      return t;
    }
    long rounded = ((t + (1L << (shift - 1))) >>> shift) << shift;
    if (rounded >= OtelTraceState.MAX) {
      rounded = OtelTraceState.MAX - (1L << shift);
    }
    return rounded;
  }

  private int fnv1a(ByteString traceId) {
    int h = 0x811c9dc5;
    for (int i = 0; i < 4; i++) {
      h ^= (hashSeed >>> (8 * i)) & 0xff;
      h *= 0x01000193;
    }
    for (int i = 0; i < 16; i++) {
      h ^= traceId.byteAt(i) & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  private static long lower56(ByteString traceId) {
    long r = 0;
    for (int i = 9; i < 16; i++) {
      r = (r << 8) | (traceId.byteAt(i) & 0xff);
    }
    return r;
  }

  private static boolean isAllZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
