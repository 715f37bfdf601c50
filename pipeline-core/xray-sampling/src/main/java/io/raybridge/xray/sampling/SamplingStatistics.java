package io.raybridge.xray.sampling;

import java.time.Instant;
import java.util.Objects;

/**
 * One {@code SamplingStatisticsDocument} of a {@code GetSamplingTargets} request: what one client
 * saw for one rule since its previous report.
 *
 * @param ruleName the rule
 * @param clientId the reporting client, 24 hex characters
 * @param timestamp when the client took the counts
 * @param requestCount requests that matched the rule, >= 0
 * @param sampledCount of those, sampled, >= 0
 * @param borrowCount of the sampled, sampled by borrowing, >= 0
 */
public record SamplingStatistics(
    String ruleName,
    String clientId,
    Instant timestamp,
    long requestCount,
    long sampledCount,
    long borrowCount) {

  public SamplingStatistics {
    Objects.requireNonNull(ruleName, "ruleName");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(timestamp, "timestamp");
    if (requestCount < 0 || sampledCount < 0 || borrowCount < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, were " + requestCount + ", " + sampledCount + ", " + borrowCount);
    }
  }

  /** Whether {@code clientId} has the form X-Ray requires: exactly 24 hexadecimal characters. */
  public static boolean isValidClientId(String clientId) {
    return clientId != null && clientId.matches("[0-9a-fA-F]{24}");
  }
}
