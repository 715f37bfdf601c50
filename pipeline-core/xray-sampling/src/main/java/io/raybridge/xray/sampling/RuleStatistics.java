package io.raybridge.xray.sampling;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counts X-Ray keeps per rule and reports in {@code GetSamplingTargets}: requests matched,
 * requests sampled, and requests sampled by borrowing (sampling before a quota was assigned).
 * Thread-safe.
 */
public final class RuleStatistics {

  /**
   * A snapshot of the counts.
   *
   * @param requestCount requests that matched the rule
   * @param sampledCount of those, sampled
   * @param borrowCount of the sampled, sampled by borrowing
   */
  public record Snapshot(long requestCount, long sampledCount, long borrowCount) {}

  private final LongAdder requests = new LongAdder();
  private final LongAdder sampled = new LongAdder();
  private final LongAdder borrowed = new LongAdder();

  /** Counts one matched request. */
  public void record(boolean wasSampled, boolean wasBorrowed) {
    requests.increment();
    if (wasSampled) {
      sampled.increment();
    }
    if (wasBorrowed) {
      borrowed.increment();
    }
  }

  /** Adds counts reported by a client. */
  public void add(long requestCount, long sampledCount, long borrowCount) {
    requests.add(requestCount);
    sampled.add(sampledCount);
    borrowed.add(borrowCount);
  }

  /** The counts so far. */
  public Snapshot snapshot() {
    return new Snapshot(requests.sum(), sampled.sum(), borrowed.sum());
  }

  /**
   * The counts since the last reset, and resets them (a count arriving during the call lands in
   * either this snapshot or the next, never in neither).
   */
  public Snapshot snapshotAndReset() {
    return new Snapshot(requests.sumThenReset(), sampled.sumThenReset(), borrowed.sumThenReset());
  }
}
