package io.raybridge.pipeline.exporter;

import io.raybridge.pipeline.Traces;
import java.time.Duration;

/**
 * The bounded buffer behind an exporter's {@code sending_queue}. The in-memory implementation is
 * the default; a persistent one can be plugged in with {@link ExporterHelper.Builder#sendingQueue}
 * and is the reason for {@link Entry#done()}: a persistent queue deletes an entry only once it has
 * been delivered or given up, so that entries in flight survive a crash.
 *
 * <p><b>Threading.</b> Implementations are thread-safe: many callers offer while several consumer
 * threads take.
 *
 * <p><b>Lifecycle.</b> After {@link #close()} offers are refused and waiting callers return at
 * once; what is queued can still be taken, and {@link #take()} returns {@code null} once the closed
 * queue is empty.
 */
public interface SendingQueue {

  /** A queued batch handed to a consumer. */
  interface Entry {
    Traces traces();

    /** The batch was delivered or definitively given up; a persistent queue may forget it. */
    void done();
  }

  /**
   * Adds {@code traces} if there is room, waiting up to {@code wait} for room (zero: not at all).
   *
   * @return whether the batch was queued; false when still full after {@code wait}, or closed
   */
  boolean offer(Traces traces, Duration wait) throws InterruptedException;

  /**
   * The oldest entry, waiting while the queue is empty and open; {@code null} once closed and
   * empty.
   */
  Entry take() throws InterruptedException;

  /** The oldest entry without waiting, or {@code null} when empty. */
  Entry poll();

  /** Stops accepting and wakes every waiting caller and consumer. Idempotent. */
  void close();

  /** The current size in {@link QueueSizer} units. */
  long size();

  /** The capacity in {@link QueueSizer} units. */
  long capacity();
}
