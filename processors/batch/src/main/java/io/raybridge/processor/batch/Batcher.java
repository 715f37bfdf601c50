package io.raybridge.processor.batch;

import io.raybridge.pipeline.Traces;
import java.util.ArrayList;
import java.util.List;

/**
 * The buffer of one batch (one per combination of {@code metadata_keys} values). It only decides
 * what to send; the caller sends it outside the lock, so that a slow downstream never blocks other
 * threads adding to the buffer. Thread-safe.
 */
final class Batcher {

  /** What a call decided to send, and whether the buffer was already closed. */
  record Drained(List<Traces> batches, boolean closed, int oversizedSpans) {
    static final Drained NONE = new Drained(List.of(), false, 0);
  }

  private final int sendBatchSize;
  private final int maxSpans;
  private final long maxBytes;
  private final long timeoutMillis;

  private final List<Traces> pending = new ArrayList<>();
  private int pendingSpans;
  private long pendingBytes;
  private long oldestMillis;
  private boolean closed;
  private boolean holdingRefused;

  /**
   * @param sendBatchSize the span count that triggers a send (0: every add)
   * @param maxSpans the most spans per sent batch (0: no limit)
   * @param maxBytes the most bytes per sent batch (0: no limit)
   * @param timeoutMillis how long the oldest span may wait (0: every add sends)
   */
  Batcher(int sendBatchSize, int maxSpans, long maxBytes, long timeoutMillis) {
    this.sendBatchSize = sendBatchSize;
    this.maxSpans = maxSpans;
    this.maxBytes = maxBytes;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Buffers {@code traces} and returns the batches that are full as a result: all of them once
   * {@code send_batch_size} spans or {@code send_batch_max_size_bytes} bytes are buffered, except a
   * remainder below both thresholds, which stays buffered with the arrival time of the oldest data.
   * When the buffer is closed nothing is buffered and {@code closed} is set: the caller sends
   * {@code traces} itself.
   */
  synchronized Drained add(Traces traces, long nowMillis) {
    if (closed) {
      return new Drained(List.of(), true, 0);
    }
    if (pendingSpans == 0) {
      oldestMillis = nowMillis;
    }
    pending.add(traces);
    pendingSpans += traces.spanCount();
    if (maxBytes > 0) {
      pendingBytes += traces.sizeBound();
    }
    boolean full =
        timeoutMillis == 0
            || pendingSpans >= sendBatchSize
            || (maxBytes > 0 && pendingBytes >= maxBytes);
    if (!full) {
      return Drained.NONE;
    }
    BatchSplitter splitter = new BatchSplitter(maxSpans, maxBytes);
    List<Traces> batches = splitter.split(takeAll());
    if (timeoutMillis > 0 && !batches.isEmpty()) {
      Traces last = batches.get(batches.size() - 1);
      boolean lastIsFull =
          last.spanCount() >= sendBatchSize
              || (maxBytes > 0 && last.sizeBound() >= maxBytes)
              || (maxSpans > 0 && last.spanCount() >= maxSpans);
      if (!lastIsFull) {
        // Keep the remainder; it keeps the oldest arrival time, so no span waits past the timeout.
        long oldest = oldestMillis;
        batches = batches.subList(0, batches.size() - 1);
        pending.add(last);
        pendingSpans = last.spanCount();
        pendingBytes = maxBytes > 0 ? last.sizeBound() : 0;
        oldestMillis = oldest;
      }
    }
    return new Drained(List.copyOf(batches), false, splitter.oversizedSpans());
  }

  /**
   * Everything buffered, cut to the size limits, if the oldest data has waited for the timeout;
   * otherwise nothing.
   */
  synchronized Drained drainIfExpired(long nowMillis) {
    if (pendingSpans == 0 || nowMillis - oldestMillis < timeoutMillis) {
      return Drained.NONE;
    }
    return drainLocked();
  }

  /** Closes the buffer, so later adds are refused, and returns everything it held. */
  synchronized Drained close() {
    closed = true;
    return drainLocked();
  }

  /**
   * Puts batches the next consumer refused with a retryable error back at the front of the buffer,
   * in order, to be sent again at {@code retryAtMillis} (by the timer, with whatever else is
   * buffered by then), and makes {@link #refusing} true until a send succeeds. Once closed, nothing
   * is put back: the caller handles the batches.
   *
   * @return whether the batches were put back
   */
  synchronized boolean putBack(List<Traces> batches, long retryAtMillis) {
    if (closed) {
      return false;
    }
    for (int i = batches.size() - 1; i >= 0; i--) {
      Traces t = batches.get(i);
      pending.add(0, t);
      pendingSpans += t.spanCount();
      if (maxBytes > 0) {
        pendingBytes += t.sizeBound();
      }
    }
    oldestMillis = retryAtMillis - timeoutMillis;
    holdingRefused = true;
    return true;
  }

  /** Whether the buffer holds data the next consumer refused, so new data should be refused. */
  synchronized boolean refusing() {
    return holdingRefused && !closed;
  }

  /** A send from this buffer succeeded: the next consumer takes data again. */
  synchronized void delivered() {
    holdingRefused = false;
  }

  /** When the oldest buffered data reaches the timeout; {@code Long.MAX_VALUE} when empty. */
  synchronized long deadlineMillis() {
    return pendingSpans == 0 ? Long.MAX_VALUE : oldestMillis + timeoutMillis;
  }

  synchronized int pendingSpans() {
    return pendingSpans;
  }

  private Drained drainLocked() {
    if (pendingSpans == 0) {
      return Drained.NONE;
    }
    BatchSplitter splitter = new BatchSplitter(maxSpans, maxBytes);
    List<Traces> batches = splitter.split(takeAll());
    return new Drained(batches, false, splitter.oversizedSpans());
  }

  private Traces takeAll() {
    Traces all = BatchSplitter.merge(pending);
    pending.clear();
    pendingSpans = 0;
    pendingBytes = 0;
    return all;
  }
}
