package io.raybridge.processor.probabilisticsampler;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;

/**
 * Configuration of the {@code probabilistic_sampler} processor, with the OpenTelemetry Collector's
 * keys and defaults.
 *
 * @param samplingPercentage percentage of traces kept; 0 keeps none, 100 or more keeps all
 * @param hashSeed the seed of the trace-id hash in {@code hash_seed} mode; every instance of a tier
 *     must use the same seed
 * @param mode how the decision is made and recorded
 * @param failClosed whether spans whose sampling information is missing or broken (an all-zero
 *     trace id, a malformed or inconsistent {@code ot} tracestate entry) are dropped
 * @param samplingPrecision hexadecimal digits of the threshold written to {@code tracestate}, 1..14
 */
public record ProbabilisticSamplerConfig(
    @JsonProperty("sampling_percentage") Double samplingPercentage,
    @JsonProperty("hash_seed") Long hashSeed,
    @JsonProperty("mode") Mode mode,
    @JsonProperty("fail_closed") Boolean failClosed,
    @JsonProperty("sampling_precision") Integer samplingPrecision) {

  public static final double DEFAULT_SAMPLING_PERCENTAGE = 0;
  public static final long DEFAULT_HASH_SEED = 0;
  public static final Mode DEFAULT_MODE = Mode.HASH_SEED;
  public static final boolean DEFAULT_FAIL_CLOSED = true;
  public static final int DEFAULT_SAMPLING_PRECISION = 4;

  /** The smallest non-zero probability a 56-bit threshold can express, as a percentage. */
  static final double MIN_PERCENTAGE = 100.0 / (1L << 56);

  /** How the sampler decides. */
  public enum Mode {
    /** An FNV-1a hash of the seed and trace id, 14 bits, compared with the percentage. */
    @JsonProperty("hash_seed")
    HASH_SEED,
    /**
     * OpenTelemetry consistent probability sampling on the trace id's 56 random bits (or {@code
     * rv}), multiplying the probability already applied upstream by the percentage.
     */
    @JsonProperty("proportional")
    PROPORTIONAL,
    /**
     * Like {@code proportional}, but brings every item down to the configured probability: items
     * sampled upstream at that probability or less pass unchanged.
     */
    @JsonProperty("equalizing")
    EQUALIZING
  }

  public ProbabilisticSamplerConfig {
    samplingPercentage =
        samplingPercentage == null ? DEFAULT_SAMPLING_PERCENTAGE : samplingPercentage;
    hashSeed = hashSeed == null ? DEFAULT_HASH_SEED : hashSeed;
    mode = mode == null ? DEFAULT_MODE : mode;
    failClosed = failClosed == null ? DEFAULT_FAIL_CLOSED : failClosed;
    samplingPrecision = samplingPrecision == null ? DEFAULT_SAMPLING_PRECISION : samplingPrecision;
    Violations v = new Violations();
    v.check(
        !samplingPercentage.isNaN() && samplingPercentage >= 0,
        "sampling_percentage",
        "must be >= 0, was " + samplingPercentage);
    v.check(
        !(samplingPercentage > 0 && samplingPercentage < MIN_PERCENTAGE) || mode == Mode.HASH_SEED,
        "sampling_percentage",
        "("
            + samplingPercentage
            + ") is too small: the smallest non-zero percentage is 2^-56 * 100 = "
            + MIN_PERCENTAGE);
    v.check(
        hashSeed >= 0 && hashSeed <= 0xffff_ffffL,
        "hash_seed",
        "must be between 0 and 4294967295 (a 32-bit unsigned integer), was " + hashSeed);
    v.check(
        samplingPrecision >= 1 && samplingPrecision <= 14,
        "sampling_precision",
        "must be between 1 and 14, was " + samplingPrecision);
    v.throwIfAny();
  }

  /** The defaults: {@code hash_seed} mode at 0 %, seed 0, fail closed, precision 4. */
  public static ProbabilisticSamplerConfig defaults() {
    return new ProbabilisticSamplerConfig(null, null, null, null, null);
  }
}
