package io.raybridge.processor.headsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.xray.sampling.SamplingRule;

/**
 * The default rule of {@code head_sampling}: what applies to traces no other rule matches, and to
 * traces whose entry span did not arrive within {@code max_hold}. Defaults are X-Ray's: one trace
 * per second, then 5 %.
 *
 * @param fixedRate fraction sampled after the reservoir, 0..1
 * @param reservoirSize traces per second sampled before {@code fixed_rate}, per instance
 */
public record DefaultRuleConfig(
    @JsonProperty("fixed_rate") Double fixedRate,
    @JsonProperty("reservoir_size") Integer reservoirSize) {

  public DefaultRuleConfig {
    fixedRate = fixedRate == null ? SamplingRule.DEFAULT_FIXED_RATE : fixedRate;
    reservoirSize = reservoirSize == null ? SamplingRule.DEFAULT_RESERVOIR_SIZE : reservoirSize;
    new Violations()
        .check(
            fixedRate >= 0 && fixedRate <= 1,
            "fixed_rate",
            "must be between 0 and 1, was " + fixedRate)
        .check(reservoirSize >= 0, "reservoir_size", "must be >= 0, was " + reservoirSize)
        .throwIfAny();
  }

  SamplingRule toRule() {
    return SamplingRule.defaultRule(reservoirSize, fixedRate);
  }
}
