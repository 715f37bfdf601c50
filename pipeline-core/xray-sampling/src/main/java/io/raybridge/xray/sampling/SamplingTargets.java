package io.raybridge.xray.sampling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The bookkeeping behind a local {@code GetSamplingTargets} endpoint: it records the statistics
 * clients report and shares each rule's {@code ReservoirSize} (which X-Ray defines for all services
 * collectively) among the clients currently using the rule.
 *
 * <p>Allocation: a client is <i>active</i> for a rule from its report until {@code activeWindow}
 * after it (by default three report intervals). Each active client gets {@code ReservoirSize / n}
 * requests per second, and the first {@code ReservoirSize % n} clients in client-id order one more,
 * so the quotas of a rule never add up to more than its reservoir. A quota is valid for {@code
 * quotaTtl}; a client that stops reporting loses its share when its quota expires and its activity
 * lapses.
 *
 * <p>Thread-safe; every method takes the current time from the caller, so a fake clock can drive
 * it.
 */
public final class SamplingTargets {

  /** X-Ray clients report every 10 seconds unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** A quota is typically good for five minutes. */
  public static final Duration DEFAULT_QUOTA_TTL = Duration.ofMinutes(5);

  private final SamplingRules rules;
  private final Duration quotaTtl;
  private final Duration interval;
  private final Duration activeWindow;
  private final Map<String, RuleStatistics> statistics = new HashMap<>();
  // rule name -> client id -> last report time, in client-id order for a stable allocation.
  private final Map<String, TreeMap<String, Instant>> clients = new HashMap<>();

  /** Targets with the default interval (10 s) and quota TTL (5 min). */
  public SamplingTargets(SamplingRules rules) {
    this(rules, DEFAULT_QUOTA_TTL, DEFAULT_INTERVAL);
  }

  public SamplingTargets(SamplingRules rules, Duration quotaTtl, Duration interval) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.quotaTtl = positive(quotaTtl, "quotaTtl");
    this.interval = positive(interval, "interval");
    this.activeWindow = interval.multipliedBy(3);
    for (SamplingRule r : rules.rules()) {
      statistics.put(r.ruleName(), new RuleStatistics());
      clients.put(r.ruleName(), new TreeMap<>());
    }
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  /** The rules served. */
  public SamplingRules rules() {
    return rules;
  }

  /**
   * Records one client's report and returns the target it should apply, or empty if the rule is
   * unknown (the endpoint then lists the document under {@code UnprocessedStatistics}).
   */
  public synchronized Optional<SamplingTarget> report(SamplingStatistics report, Instant now) {
    Objects.requireNonNull(report, "report");
    RuleStatistics s = statistics.get(report.ruleName());
    if (s == null) {
      return Optional.empty();
    }
    s.add(report.requestCount(), report.sampledCount(), report.borrowCount());
    return quota(report.clientId(), report.ruleName(), now);
  }

  /**
   * Marks {@code clientId} active for {@code ruleName} and returns its share of the rule's
   * reservoir, or empty if the rule is unknown.
   */
  public synchronized Optional<SamplingTarget> quota(
      String clientId, String ruleName, Instant now) {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(now, "now");
    Optional<SamplingRule> rule = rules.rule(ruleName);
    if (rule.isEmpty()) {
      return Optional.empty();
    }
    TreeMap<String, Instant> active = clients.get(ruleName);
    active.put(clientId, now);
    Instant cutoff = now.minus(activeWindow);
    active.values().removeIf(seen -> seen.isBefore(cutoff));
    int n = active.size();
    int position = active.headMap(clientId).size();
    int size = rule.get().reservoirSize();
    int share = size / n + (position < size % n ? 1 : 0);
    return Optional.of(
        new SamplingTarget(
            ruleName,
            rule.get().fixedRate(),
            share,
            now.plus(quotaTtl),
            (int) interval.toSeconds()));
  }

  /** The clients active for {@code ruleName} at {@code now}, in client-id order. */
  public synchronized List<String> activeClients(String ruleName, Instant now) {
    TreeMap<String, Instant> active = clients.get(ruleName);
    if (active == null) {
      return List.of();
    }
    Instant cutoff = now.minus(activeWindow);
    List<String> out = new ArrayList<>();
    active.forEach(
        (id, seen) -> {
          if (!seen.isBefore(cutoff)) {
            out.add(id);
          }
        });
    return out;
  }

  /**
   * The counts reported per rule since the previous call, in evaluation order (what {@code
   * GetSamplingStatisticSummaries} shows), and resets them.
   */
  public Map<String, RuleStatistics.Snapshot> drainStatistics() {
    Map<String, RuleStatistics.Snapshot> out = new LinkedHashMap<>();
    for (SamplingRule r : rules.rules()) {
      out.put(r.ruleName(), statistics.get(r.ruleName()).snapshotAndReset());
    }
    return out;
  }
}
