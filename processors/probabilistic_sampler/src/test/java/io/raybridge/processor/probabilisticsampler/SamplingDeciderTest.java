package io.raybridge.processor.probabilisticsampler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplingDeciderTest {

  @Test
  void encodesThresholdsWithoutTrailingZeros() {
    assertThat(OtelTraceState.encodeThreshold(SamplingDecider.thresholdOf(0.25))).isEqualTo("c");
    assertThat(OtelTraceState.encodeThreshold(SamplingDecider.thresholdOf(0.5))).isEqualTo("8");
    assertThat(OtelTraceState.encodeThreshold(SamplingDecider.thresholdOf(1.0))).isEqualTo("0");
    assertThat(
            OtelTraceState.encodeThreshold(
                SamplingDecider.roundThreshold(SamplingDecider.thresholdOf(0.1), 4)))
        .isEqualTo("e666");
  }

  @Test
  void precisionDoesNotCountLeadingFs() {
    // 1 % = 0xfd70a3d70a3d70 before rounding: two digits of precision after the leading f.
    assertThat(
            OtelTraceState.encodeThreshold(
                SamplingDecider.roundThreshold(SamplingDecider.thresholdOf(0.01), 2)))
        .isEqualTo("fd7");
  }

  @Test
  void keepsOtherTracestateEntriesAndMovesOtFirst() {
    OtelTraceState s = OtelTraceState.parse("a=1, ot=th:8;x:y ,b=2");
    assertThat(s.threshold()).isEqualTo(1L << 55);
    assertThat(s.withThreshold(3L << 54).encode()).isEqualTo("ot=th:c;x:y,a=1,b=2");
  }
}
