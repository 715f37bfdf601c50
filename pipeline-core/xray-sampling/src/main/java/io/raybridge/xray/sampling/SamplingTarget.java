package io.raybridge.xray.sampling;

import java.time.Instant;
import java.util.Objects;

/**
 * One {@code SamplingTargetDocument} of a {@code GetSamplingTargets} response: what one client
 * should apply for one rule until it reports again.
 *
 * @param ruleName the rule
 * @param fixedRate the rate to apply once the quota is spent
 * @param reservoirQuota the client's share of the rule's reservoir, requests per second
 * @param reservoirQuotaTtl when the quota expires (the client then borrows again)
 * @param intervalSeconds how often the client should report
 */
public record SamplingTarget(
    String ruleName,
    double fixedRate,
    int reservoirQuota,
    Instant reservoirQuotaTtl,
    int intervalSeconds) {

  public SamplingTarget {
    Objects.requireNonNull(ruleName, "ruleName");
    Objects.requireNonNull(reservoirQuotaTtl, "reservoirQuotaTtl");
  }
}
