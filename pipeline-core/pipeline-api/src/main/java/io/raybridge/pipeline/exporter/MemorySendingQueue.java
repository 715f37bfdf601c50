package io.raybridge.pipeline.exporter;

import io.raybridge.pipeline.Traces;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory {@link SendingQueue}: a FIFO bounded both in sizer units and in encoded bytes. A
 * batch larger than a bound is admitted into an empty queue so that it cannot wait forever.
 */
final class MemorySendingQueue implements SendingQueue {

  private final QueueSizer sizer;
  private final long capacity;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<MemoryEntry> entries = new ArrayDeque<>();
  private long size;
  private long bytes;
  private boolean closed;

  MemorySendingQueue(QueueConfig config) {
    this(config.sizer(), config.queueSize(), config.maxSizeBytes());
  }

  MemorySendingQueue(QueueSizer sizer, long capacity, long maxBytes) {
    this.sizer = sizer;
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean offer(Traces traces, Duration wait) throws InterruptedException {
    long units = sizer.sizeOf(traces);
    long encoded = traces.estimatedSize();
    long nanos = wait.toNanos();
    lock.lockInterruptibly();
    try {
      while (!closed && !fits(units, encoded)) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
      if (closed) {
        return false;
      }
      entries.addLast(new MemoryEntry(traces, units, encoded));
      size += units;
      bytes += encoded;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean fits(long units, long encoded) {
    return entries.isEmpty() || (size + units <= capacity && bytes + encoded <= maxBytes);
  }

  @Override
  public Entry take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (entries.isEmpty()) {
        if (closed) {
          return null;
        }
        notEmpty.await();
      }
      return removeFirst();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Entry poll() {
    lock.lock();
    try {
      return entries.isEmpty() ? null : removeFirst();
    } finally {
      lock.unlock();
    }
  }

  private MemoryEntry removeFirst() {
    MemoryEntry e = entries.removeFirst();
    size -= e.units;
    bytes -= e.bytes;
    notFull.signalAll();
    return e;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long capacity() {
    return capacity;
  }

  /** Encoded bytes held, for tests. */
  long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private record MemoryEntry(Traces traces, long units, long bytes) implements Entry {
    @Override
    public void done() {
      // Nothing to forget: memory is released when the entry is taken.
    }
  }
}
