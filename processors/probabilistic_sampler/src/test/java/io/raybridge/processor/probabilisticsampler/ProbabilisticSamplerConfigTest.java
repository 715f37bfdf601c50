package io.raybridge.processor.probabilisticsampler;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.testing.ConfigFixtures;
import org.junit.jupiter.api.Test;

class ProbabilisticSamplerConfigTest {

  @Test
  void bindsEveryKey() {
    assertThat(
            ConfigFixtures.bind(
                ProbabilisticSamplerConfig.class,
                """
                sampling_percentage: 15.3
                hash_seed: 22
                mode: proportional
                fail_closed: false
                sampling_precision: 6
                """))
        .isEqualTo(
            new ProbabilisticSamplerConfig(
                15.3, 22L, ProbabilisticSamplerConfig.Mode.PROPORTIONAL, false, 6));
  }

  @Test
  void emptyConfigBindsToTheCollectorDefaults() {
    assertThat(ConfigFixtures.bind(ProbabilisticSamplerConfig.class, "{}"))
        .isEqualTo(
            new ProbabilisticSamplerConfig(
                0.0, 0L, ProbabilisticSamplerConfig.Mode.HASH_SEED, true, 4));
  }

  @Test
  void reportsEveryInvalidValue() {
    assertThat(
            ConfigFixtures.violations(
                ProbabilisticSamplerConfig.class,
                """
                sampling_percentage: -1
                hash_seed: 4294967296
                sampling_precision: 15
                """))
        .containsExactly(
            "sampling_percentage: must be >= 0, was -1.0",
            "hash_seed: must be between 0 and 4294967295 (a 32-bit unsigned integer), was"
                + " 4294967296",
            "sampling_precision: must be between 1 and 14, was 15");
  }

  @Test
  void rejectsAPercentageBelowWhatA56BitThresholdCanExpress() {
    assertThat(
            ConfigFixtures.violations(
                ProbabilisticSamplerConfig.class,
                "sampling_percentage: 1.0e-16\nmode: proportional"))
        .containsExactly(
            "sampling_percentage: (1.0E-16) is too small: the smallest non-zero percentage is"
                + " 2^-56 * 100 = "
                + ProbabilisticSamplerConfig.MIN_PERCENTAGE);
  }

  @Test
  void rejectsAnUnknownMode() {
    assertThat(ConfigFixtures.violations(ProbabilisticSamplerConfig.class, "mode: random"))
        .singleElement()
        .asString()
        .startsWith("mode: ");
  }
}
