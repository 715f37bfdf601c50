package io.raybridge.processor.tailsampling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Recycles the byte arrays that hold buffered spans. A buffered trace lives for {@code
 * decision_wait}, long enough for its arrays to be promoted to the old generation, where they die
 * once the trace is decided; without recycling, the old generation fills with them and every few
 * seconds a full collection has to reclaim them (at 60k spans/s, one of ~80 ms every 2.5 s). Arrays
 * taken from the pool are already old, so span bytes are copied straight into them and nothing but
 * the small per-trace objects is promoted.
 *
 * <p>Capacities come in four classes per power of two (at most a quarter, on average an eighth,
 * more than asked for), from {@value #MIN_CAPACITY} bytes; arrays above {@value #MAX_POOLED} bytes
 * are neither pooled nor rounded. The pool keeps at most {@code maxBytes} of free arrays: enough to
 * absorb what one decision round releases before ingestion takes it again. Thread-safe.
 */
final class SpanBytesPool {

  static final int MIN_CAPACITY = 256;
  static final int MAX_POOLED = 1 << 20;

  private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_CAPACITY);
  private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX_POOLED);

  private final long maxBytes;
  private final List<ArrayDeque<byte[]>> free = new ArrayList<>();
  private long freeBytes;

  SpanBytesPool(long maxBytes) {
    this.maxBytes = maxBytes;
    for (int i = 0; i <= (MAX_SHIFT - MIN_SHIFT) * 4; i++) {
      free.add(new ArrayDeque<>());
    }
  }

  /** The capacity an array for {@code n} bytes gets: its class, or {@code n} above the classes. */
  static int capacity(int n) {
    if (n <= MIN_CAPACITY) {
      return MIN_CAPACITY;
    }
    if (n > MAX_POOLED) {
      return n;
    }
    int k = 31 - Integer.numberOfLeadingZeros(n - 1); // 2^k < n <= 2^(k+1)
    int base = 1 << k;
    int quarter = base >> 2;
    return base + (n - base + quarter - 1) / quarter * quarter;
  }

  /** The class of a capacity {@link #capacity} returned, or -1 when it is not pooled. */
  private static int classOf(int capacity) {
    if (capacity == MIN_CAPACITY) {
      return 0;
    }
    if (capacity > MAX_POOLED) {
      return -1;
    }
    int k = 31 - Integer.numberOfLeadingZeros(capacity - 1);
    int base = 1 << k;
    if ((capacity - base) % (base >> 2) != 0) {
      return -1;
    }
    return (k - MIN_SHIFT) * 4 + (capacity - base) / (base >> 2);
  }

  /** An array of at least {@code n} bytes (its {@link #capacity}); its contents are arbitrary. */
  synchronized byte[] take(int n) {
    int capacity = capacity(n);
    int c = classOf(capacity);
    if (c >= 0) {
      byte[] b = free.get(c).pollLast();
      if (b != null) {
        freeBytes -= b.length;
        return b;
      }
    }
    return new byte[capacity];
  }

  /** Gives back an array no longer used; kept while the pool has room, else left to the GC. */
  synchronized void give(byte[] b) {
    int c = classOf(b.length);
    if (c < 0 || freeBytes + b.length > maxBytes) {
      return;
    }
    free.get(c).addLast(b);
    freeBytes += b.length;
  }

  /** Bytes held in free arrays. */
  synchronized long freeBytes() {
    return freeBytes;
  }
}
