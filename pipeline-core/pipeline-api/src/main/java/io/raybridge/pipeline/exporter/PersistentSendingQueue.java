package io.raybridge.pipeline.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * The {@link SendingQueue} kept on disk ({@code sending_queue.storage}): every batch offered is
 * appended to a {@link WriteAheadLog} before {@code offer} returns, and is forgotten only when its
 * consumer calls {@link Entry#done()}; memory holds only an index (position and size per batch).
 *
 * <p><b>Bounds.</b> Full when {@code queue_size} (in {@code sizer} units, counting batches not yet
 * taken) or {@code storage.max_size_mib} (bytes of segment files on disk, including acknowledged
 * batches whose segment still holds a batch in flight) would be exceeded. As in memory, a batch
 * larger than a bound is admitted into an empty queue. Batches recovered at start are admitted
 * whatever the bounds, so a restart with smaller bounds loses nothing.
 *
 * <p><b>Lifecycle.</b> {@link #open()} takes the directory's lock and recovers what a previous
 * process left; it is called by the exporter's {@code start}. {@link #close()} stops accepting;
 * queued batches can still be taken (shutdown drains what it can). {@link #closeStorage()} ends
 * everything: {@code take} and {@code poll} return {@code null}, what is left stays on disk for the
 * next start, and the lock is released. An entry taken and neither done nor {@linkplain
 * PersistentEntry#keep() kept} before the process dies is sent again after the next start.
 *
 * <p><b>Durability.</b> Once {@code offer} returns true the batch is in the OS page cache: it
 * survives the process being killed ({@code kill -9}, OOM killer, JVM crash). A background thread
 * forces the log to the device every {@link #SYNC_INTERVAL}; a power loss or kernel crash can lose
 * batches accepted in the last interval, and acknowledgements of the last interval (those batches
 * are sent twice). A record torn by such a crash is detected by its CRC at the next start, skipped
 * and counted in {@code otelcol_exporter_queue_corrupt_records}.
 */
final class PersistentSendingQueue implements SendingQueue {

  /** How often the log is forced to the device: the most a power loss can lose. */
  static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);

  static final long MIN_SEGMENT_BYTES = 64 * 1024;
  static final long MAX_SEGMENT_BYTES = 8 * 1024 * 1024;

  private final ComponentSettings settings;
  private final QueueSizer sizer;
  private final long capacity;
  private final long maxDiskBytes;
  private final Path directory;
  private final long segmentBytes;
  private final Logger log;
  private final RateLimitedLogger rateLimited;
  private final Attributes attributes;
  private final LongCounter corruptRecords;
  private final LongCounter recoveredSpans;
  private final LongCounter redeliveredSpans;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private final CountDownLatch stopSyncer = new CountDownLatch(1);
  private long size;
  private boolean closed;
  private boolean storageClosed;
  private volatile WriteAheadLog wal;
  private volatile Thread syncer;

  PersistentSendingQueue(QueueConfig config, ComponentSettings settings) {
    this(
        config,
        settings,
        directoryFor(config.storage().path(), settings.id()),
        segmentBytesFor(config.storage().maxSizeBytes()));
  }

  PersistentSendingQueue(
      QueueConfig config, ComponentSettings settings, Path directory, long segmentBytes) {
    this.settings = settings;
    this.sizer = config.sizer();
    this.capacity = config.queueSize();
    this.maxDiskBytes = config.storage().maxSizeBytes();
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.log = settings.logger();
    this.rateLimited =
        new RateLimitedLogger(log, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    this.attributes = settings.telemetry().attributes();
    this.corruptRecords =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_queue_corrupt_records",
                "{records}",
                "Records of the persistent sending queue skipped because they were corrupt or"
                    + " unreadable (typically torn by a crash).");
    this.recoveredSpans =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_queue_recovered_spans",
                "{spans}",
                "Spans found in the persistent sending queue at start and queued again.");
    this.redeliveredSpans =
        settings
            .telemetry()
            .counter(
                "otelcol_exporter_queue_redelivered_spans",
                "{spans}",
                "Recovered spans that were being exported when the previous process stopped;"
                    + " the destination may receive them twice.");
  }

  /** The exporter's own sub-directory of {@code storage.directory}. */
  static Path directoryFor(Path base, ComponentId id) {
    return base.resolve(id.instanceName().map(n -> id.type() + "-" + n).orElse(id.type()));
  }

  /** Segments of 1/16 of the bound, so that a batch stuck in flight pins little disk. */
  static long segmentBytesFor(long maxDiskBytes) {
    return Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxDiskBytes / 16));
  }

  /**
   * Locks the directory, queues what a previous process left in it and starts the periodic sync.
   *
   * @throws IllegalStateException if another process holds the directory
   * @throws IOException if the directory cannot be created, read or written
   */
  void open() throws IOException {
    WriteAheadLog w;
    try {
      w = WriteAheadLog.open(directory, segmentBytes);
    } catch (IOException e) {
      throw new IOException(
          "cannot use sending_queue.storage.directory " + directory + ": " + e, e);
    }
    WriteAheadLog.Recovery r = w.recovery();
    lock.lock();
    try {
      for (WriteAheadLog.Record rec : r.pending()) {
        long units = sizer == QueueSizer.REQUESTS ? 1 : rec.spans();
        items.addLast(new Item(rec, units));
        size += units;
      }
      wal = w;
    } finally {
      lock.unlock();
    }
    if (r.corruptRecords() > 0) {
      corruptRecords.add(r.corruptRecords(), attributes);
      log.warn(
          "Exporter {} skipped {} corrupt records ({} bytes) in its persistent queue at {}"
              + " (files {}); they were most likely torn by a crash or power loss",
          settings.id(),
          r.corruptRecords(),
          r.corruptBytes(),
          directory,
          r.corruptFiles().stream().map(p -> p.getFileName().toString()).toList());
    }
    if (!r.pending().isEmpty()) {
      recoveredSpans.add(r.pendingSpans(), attributes);
      redeliveredSpans.add(r.dispatchedSpans(), attributes);
      log.info(
          "Exporter {} recovered {} batches ({} spans) from its persistent queue at {}; {} of"
              + " those spans were being exported when the previous process stopped and may be"
              + " delivered twice",
          settings.id(),
          r.pending().size(),
          r.pendingSpans(),
          directory,
          r.dispatchedSpans());
    } else {
      log.info("Exporter {} keeps its sending queue on disk at {}", settings.id(), directory);
    }
    syncer = settings.threadFactory().newThread(this::syncPeriodically);
    syncer.start();
  }

  private void syncPeriodically() {
    try {
      while (!stopSyncer.await(SYNC_INTERVAL.toNanos(), TimeUnit.NANOSECONDS)) {
        try {
          wal.sync();
        } catch (IOException e) {
          rateLimited.warn(
              "sync",
              "Exporter {} could not sync its persistent queue at {} to disk",
              settings.id(),
              directory,
              e);
        }
      }
    } catch (InterruptedException e) {
      // Stopping.
    }
  }

  @Override
  public boolean offer(Traces traces, Duration wait) throws InterruptedException {
    WriteAheadLog w = wal;
    if (w == null) {
      throw ConsumerException.retryable("the persistent sending queue is not open");
    }
    byte[] payload = traces.toRequestBytes();
    long units = sizer.sizeOf(traces);
    long bytes = WriteAheadLog.recordBytes(payload.length);
    long nanos = wait.toNanos();
    lock.lockInterruptibly();
    try {
      while (!closed && !fits(w, units, bytes)) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
      if (closed) {
        return false;
      }
      WriteAheadLog.Record rec;
      try {
        rec = w.append(payload, traces.spanCount());
      } catch (IOException e) {
        rateLimited.warn(
            "write",
            "Exporter {} could not write to its persistent queue at {}; refusing data",
            settings.id(),
            directory,
            e);
        throw ConsumerException.retryable(
            "could not write to the persistent sending queue: " + e.getMessage(), e);
      }
      items.addLast(new Item(rec, units));
      size += units;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean fits(WriteAheadLog w, long units, long bytes) {
    return items.isEmpty() || (size + units <= capacity && w.diskBytes() + bytes <= maxDiskBytes);
  }

  @Override
  public Entry take() throws InterruptedException {
    while (true) {
      Item item;
      lock.lockInterruptibly();
      try {
        while (items.isEmpty() && !closed && !storageClosed) {
          notEmpty.await();
        }
        if (storageClosed || items.isEmpty()) {
          return null;
        }
        item = removeFirst();
      } finally {
        lock.unlock();
      }
      Entry e = load(item);
      if (e != null) {
        return e;
      }
    }
  }

  @Override
  public Entry poll() {
    while (true) {
      Item item;
      lock.lock();
      try {
        if (storageClosed || items.isEmpty()) {
          return null;
        }
        item = removeFirst();
      } finally {
        lock.unlock();
      }
      Entry e = load(item);
      if (e != null) {
        return e;
      }
    }
  }

  private Item removeFirst() {
    Item item = items.removeFirst();
    size -= item.units;
    notFull.signalAll();
    return item;
  }

  /** Reads a batch back from disk; null (counted, acknowledged) if it cannot be read or parsed. */
  private Entry load(Item item) {
    WriteAheadLog w = wal;
    try {
      w.dispatched(item.record);
    } catch (IOException e) {
      // The mark only tells the next start that this batch may have been sent; carry on.
    }
    try {
      byte[] bytes = WriteAheadLog.read(item.record);
      Traces traces = Traces.fromEncodedRequest(bytes);
      return new PersistentEntry(item.record, traces);
    } catch (IOException e) {
      if (isStorageClosed()) {
        return null;
      }
      corruptRecords.add(1, attributes);
      rateLimited.warn(
          "unreadable",
          "Exporter {} skipped a batch of {} spans it could not read back from its persistent"
              + " queue at {}",
          settings.id(),
          item.record.spans(),
          directory,
          e);
      ack(item.record);
      return null;
    }
  }

  private boolean isStorageClosed() {
    lock.lock();
    try {
      return storageClosed;
    } finally {
      lock.unlock();
    }
  }

  private void ack(WriteAheadLog.Record rec) {
    try {
      wal.acked(rec);
    } catch (IOException e) {
      if (!isStorageClosed()) {
        rateLimited.warn(
            "ack",
            "Exporter {} could not record a delivery in its persistent queue at {}; the batch"
                + " will be sent again after a restart",
            settings.id(),
            directory,
            e);
      }
    }
    lock.lock();
    try {
      // The ack may have freed a segment, making room on disk.
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
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

  /**
   * Ends the queue: nothing more is handed out, the log is synced and closed and the directory
   * unlocked. Entries still in flight are sent again after the next start. Idempotent.
   */
  void closeStorage() {
    lock.lock();
    try {
      if (storageClosed) {
        return;
      }
      closed = true;
      storageClosed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    stopSyncer.countDown();
    if (syncer != null) {
      try {
        syncer.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    WriteAheadLog w = wal;
    if (w != null) {
      w.close();
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

  /** Batches and spans still queued (not taken), for the shutdown message. */
  long[] queuedBatchesAndSpans() {
    lock.lock();
    try {
      long spans = 0;
      for (Item i : items) {
        spans += i.record.spans();
      }
      return new long[] {items.size(), spans};
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of segment files on disk, for tests. */
  long diskBytes() {
    WriteAheadLog w = wal;
    return w == null ? 0 : w.diskBytes();
  }

  /** The directory of the log. */
  Path directory() {
    return directory;
  }

  private record Item(WriteAheadLog.Record record, long units) {}

  /** A batch taken from the persistent queue. */
  final class PersistentEntry implements Entry {
    private final WriteAheadLog.Record record;
    private final Traces traces;
    private final AtomicBoolean finished = new AtomicBoolean();

    private PersistentEntry(WriteAheadLog.Record record, Traces traces) {
      this.record = record;
      this.traces = traces;
    }

    @Override
    public Traces traces() {
      return traces;
    }

    /** Delivered or given up: the batch is deleted from disk. */
    @Override
    public void done() {
      if (finished.compareAndSet(false, true)) {
        ack(record);
      }
    }

    /**
     * Not delivered, but not given up either (the exporter is shutting down): the batch stays on
     * disk and is sent after the next start.
     */
    void keep() {
      if (finished.compareAndSet(false, true)) {
        try {
          wal.released(record);
        } catch (IOException e) {
          // It stays on disk either way; without the mark it is merely counted as redelivered.
        }
      }
    }
  }
}
