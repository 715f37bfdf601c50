package io.raybridge.xray.sampling;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-second quota: at most {@code perSecond} takes in each calendar second (the second of the
 * epoch-millisecond timestamp the caller passes, so the caller's clock decides, and a fake clock in
 * tests). Lock-free and thread-safe.
 */
public final class Reservoir {

  private final int perSecond;
  // High 32 bits: the epoch second; low 32 bits: takes in that second.
  private final AtomicLong state = new AtomicLong(Long.MIN_VALUE);

  public Reservoir(int perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("perSecond must be >= 0, was " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** The quota per second. */
  public int perSecond() {
    return perSecond;
  }

  /** Takes one from the quota of the second holding {@code epochMillis}; false if spent. */
  public boolean tryTake(long epochMillis) {
    if (perSecond == 0) {
      return false;
    }
    // Fast path, no division: a take within the second the state already counts.
    long seen = state.get();
    while (seen != Long.MIN_VALUE) {
      long sinceSecond = epochMillis - (seen >> 32) * 1000L;
      if (sinceSecond < 0 || sinceSecond >= 1000L) {
        break;
      }
      if ((seen & 0xffff_ffffL) >= perSecond) {
        return false;
      }
      if (state.compareAndSet(seen, seen + 1)) {
        return true;
      }
      seen = state.get();
    }
    long second = Math.floorDiv(epochMillis, 1000L);
    while (true) {
      long current = state.get();
      long currentSecond = current >> 32;
      long taken = current & 0xffff_ffffL;
      long next;
      if (current == Long.MIN_VALUE || currentSecond != second) {
        if (current != Long.MIN_VALUE && second < currentSecond) {
          // A clock that went backwards spends the current second's quota, never a fresh one.
          if (taken >= perSecond) {
            return false;
          }
          next = current + 1;
        } else {
          next = (second << 32) | 1L;
        }
      } else if (taken >= perSecond) {
        return false;
      } else {
        next = current + 1;
      }
      if (state.compareAndSet(current, next)) {
        return true;
      }
    }
  }
}
