package io.raybridge.receiver.awsxray;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * The UDP side of the receiver, in two stages so that reading the socket never waits for
 * processing:
 *
 * <ol>
 *   <li>{@value #READERS} reader thread only copies datagrams from the socket into arrays of their
 *       exact size and puts them on a queue bounded in bytes ({@code udp_queue_max_bytes}), in
 *       groups of up to {@value #MAX_BATCH_DOCUMENTS}: what one pass over the socket found. When
 *       the queue is full the datagram is dropped at once, counted in {@value #DROPPED_DATAGRAMS}
 *       and in the refused spans, and a warning is logged (rate-limited): a reader that waited
 *       instead would let the kernel drop datagrams silently once the socket buffer is full. With a
 *       socket buffer of at least {@value #PAUSE_MIN_RECEIVE_BUFFER} bytes, while datagrams keep
 *       arriving, the reader pauses {@link #READ_PAUSE} between passes instead of waking for each
 *       datagram; once a pass finds the socket empty it waits for the socket again, so an idle
 *       receiver never wakes and a lone datagram is read at once.
 *   <li>{@value #WORKERS} worker threads decode the queued datagrams and hand what they gathered to
 *       the next consumer in one call once {@value #MAX_BATCH_DOCUMENTS} documents are pending or
 *       the oldest pending document waited {@link #LINGER}. A slow or blocking pipeline holds up
 *       only the workers.
 * </ol>
 *
 * <p>On shutdown the readers drain what the socket still holds into the queue, then the workers
 * convert and pass on everything queued before they stop; what is still queued when the timeout
 * runs out is counted as dropped.
 *
 * <p>UDP cannot push back, so what the pipeline refuses is counted as refused and logged
 * (rate-limited), and bad datagrams are counted by reason; nothing stops the threads but shutdown.
 */
final class UdpServer {

  /**
   * Reader threads. One thread reads a loopback socket at well over 100k datagrams/s; a second one,
   * waiting on the same socket, was woken for every datagram only to find it taken.
   */
  static final int READERS = 1;

  /**
   * The pause between two passes over the socket while datagrams keep arriving: a steady stream is
   * then read a millisecond's worth at a time, one wakeup per pass instead of per datagram. Only
   * with a socket buffer of at least {@link #PAUSE_MIN_RECEIVE_BUFFER} bytes, which holds a
   * millisecond of datagrams at any rate the receiver keeps up with.
   */
  static final Duration READ_PAUSE = Duration.ofMillis(1);

  /**
   * The smallest socket receive buffer (as the kernel reports it) with which the reader pauses. The
   * default Linux buffer (212,992 bytes) fills with about 90 datagrams of 1 KB, which an X-Ray
   * SDK's burst outruns within a pause, so with it the reader reads without pausing.
   */
  static final int PAUSE_MIN_RECEIVE_BUFFER = 1 << 20;

  /** Threads that decode datagrams and call the pipeline. */
  static final int WORKERS = 2;

  /** The most documents handed on in one {@code consume} call. */
  static final int MAX_BATCH_DOCUMENTS = 64;

  /** The longest a decoded document waits for companions before it is handed on. */
  static final Duration LINGER = Duration.ofMillis(5);

  /** Counter of refused documents by reason. */
  static final String BAD_SEGMENTS = "raybridge_receiver_xray_bad_segments";

  /** Counter of datagrams dropped because the queue between readers and workers was full. */
  static final String DROPPED_DATAGRAMS = "raybridge_receiver_xray_dropped_datagrams";

  private static final Duration BAD_INPUT_LOG_INTERVAL = Duration.ofMinutes(1);

  /** How long an idle worker waits for a datagram before it checks for shutdown again. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");

  private final ComponentSettings settings;
  private final Logger logger;
  private final String endpoint;
  private final int receiveBufferBytes;
  private final int queueMaxBytes;
  private final int maxDatagramBytes;
  private final TracesConsumer next;
  private final ReceiverObservability observability;
  private final LongCounter badSegments;
  private final LongCounter droppedDatagrams;
  private final Attributes attributes;
  private final Map<String, Attributes> reasonAttributes = new ConcurrentHashMap<>();
  private final RateLimitedLogger badInputLog;
  private final RateLimitedLogger downstreamLog;
  private final List<Thread> readers = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final List<Selector> selectors = new ArrayList<>();

  /**
   * Groups of datagrams read and waiting for a worker; bounded in bytes by {@link #queuedBytes}.
   * One element per pass over the socket, so a worker is woken once for what a pass found.
   */
  private final LinkedBlockingQueue<List<Datagram>> queue = new LinkedBlockingQueue<>();

  private final AtomicLong queuedBytes = new AtomicLong();
  private final LongAdder datagramsRead = new LongAdder();

  private volatile boolean running;
  private volatile boolean readersDone;
  private DatagramChannel channel;

  UdpServer(
      ComponentSettings settings,
      String endpoint,
      int receiveBufferBytes,
      int queueMaxBytes,
      int maxDatagramBytes,
      TracesConsumer next) {
    this.settings = settings;
    this.logger = settings.logger();
    this.endpoint = endpoint;
    this.receiveBufferBytes = receiveBufferBytes;
    this.queueMaxBytes = queueMaxBytes;
    this.maxDatagramBytes = maxDatagramBytes;
    this.next = next;
    this.observability = ReceiverObservability.create(settings, "udp");
    this.badSegments =
        settings
            .telemetry()
            .counter(
                BAD_SEGMENTS,
                "{documents}",
                "X-Ray segment documents refused because they could not be read, by reason.");
    this.droppedDatagrams =
        settings
            .telemetry()
            .counter(
                DROPPED_DATAGRAMS,
                "{datagrams}",
                "Datagrams read from the socket and dropped because the receiver's queue"
                    + " (udp_queue_max_bytes) was full.");
    this.attributes = settings.telemetry().attributes();
    this.badInputLog = new RateLimitedLogger(logger, BAD_INPUT_LOG_INTERVAL, settings.clock());
    this.downstreamLog =
        new RateLimitedLogger(logger, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
  }

  synchronized void start() throws IOException {
    InetSocketAddress address = Endpoints.resolve(endpoint);
    DatagramChannel ch = DatagramChannel.open();
    int granted;
    try {
      if (receiveBufferBytes > 0) {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
      }
      granted = ch.getOption(StandardSocketOptions.SO_RCVBUF);
      if (receiveBufferBytes > 0) {
        receiveBufferWarning(receiveBufferBytes, granted, readRmemMax(), isLinux())
            .ifPresent(logger::warn);
      }
      ch.bind(address);
      ch.configureBlocking(false);
    } catch (BindException e) {
      ch.close();
      throw new IOException("cannot listen on UDP " + endpoint + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    channel = ch;
    running = true;
    readersDone = false;
    for (int i = 0; i < WORKERS; i++) {
      Thread t = settings.threadFactory().newThread(new Worker());
      workers.add(t);
      t.start();
    }
    for (int i = 0; i < READERS; i++) {
      Selector selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
      selectors.add(selector);
      Thread t =
          settings
              .threadFactory()
              .newThread(
                  new Reader(
                      ch, selector, granted >= PAUSE_MIN_RECEIVE_BUFFER ? READ_PAUSE : null));
      readers.add(t);
      t.start();
    }
    logger.info(
        "awsxray receiver listening for segments on UDP {} (socket receive buffer {} bytes,"
            + " queue {} bytes)",
        boundAddress(),
        granted,
        queueMaxBytes);
  }

  /**
   * The warning to log when the kernel granted less receive buffer than asked for, if any. Linux
   * doubles the requested size for its bookkeeping and caps the request at {@code
   * net.core.rmem_max}, so there a grant is short when {@code rmem_max} is below the request.
   *
   * @param rmemMax {@code net.core.rmem_max}, or -1 when unknown
   */
  static Optional<String> receiveBufferWarning(
      int requested, int granted, long rmemMax, boolean linux) {
    boolean capped = linux && rmemMax >= 0 ? rmemMax < requested : granted < requested;
    if (!capped) {
      return Optional.empty();
    }
    String limit = rmemMax >= 0 ? " by net.core.rmem_max (" + rmemMax + ")" : "";
    return Optional.of(
        String.format(
            Locale.ROOT,
            "udp_receive_buffer_bytes is %d but the kernel capped the socket receive buffer%s:"
                + " the effective SO_RCVBUF is %d bytes, so bursts may be dropped by the kernel;"
                + " raise the limit with 'sysctl -w net.core.rmem_max=%d' (persist it in"
                + " /etc/sysctl.d) or lower udp_receive_buffer_bytes",
            requested,
            limit,
            granted,
            requested));
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  }

  static long readRmemMax() {
    // One buffered read from offset 0: sysctl files answer reads at a later offset with EOF, so
    // reading them byte by byte returns only the first digit.
    try (BufferedReader r = Files.newBufferedReader(RMEM_MAX, StandardCharsets.US_ASCII)) {
      String line = r.readLine();
      return line == null ? -1 : Long.parseLong(line.trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The bound address (with the actual port when the endpoint asked for port 0). */
  InetSocketAddress boundAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /** Datagrams taken from the socket so far, whether queued or dropped. */
  long datagramsRead() {
    return datagramsRead.sum();
  }

  /** Bytes of datagrams on the queue now. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  synchronized void shutdown(Duration timeout) {
    if (channel == null) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    running = false;
    for (Selector s : selectors) {
      s.wakeup();
    }
    join(readers, deadline, timeout);
    readersDone = true;
    join(workers, deadline, timeout);
    try {
      channel.close();
      for (Selector s : selectors) {
        s.close();
      }
    } catch (IOException e) {
      logger.warn("closing UDP {} failed", endpoint, e);
    }
    int left = 0;
    for (List<Datagram> group; (group = queue.poll()) != null; ) {
      for (Datagram d : group) {
        queuedBytes.addAndGet(-d.bytes.length);
        left++;
      }
    }
    if (left > 0) {
      droppedDatagrams.add(left, attributes);
      observability.refused(left);
      logger.warn(
          "shutdown ran out of time with {} X-Ray datagrams still queued; they are dropped and"
              + " counted in {}",
          left,
          DROPPED_DATAGRAMS);
    }
    channel = null;
    readers.clear();
    workers.clear();
    selectors.clear();
    logger.info("awsxray receiver stopped listening on UDP {}", endpoint);
  }

  private void join(List<Thread> threads, long deadline, Duration timeout) {
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        logger.warn("UDP thread {} did not stop within {}", t.getName(), timeout);
      }
    }
  }

  private void reject(DatagramDecoder.Rejection r) {
    badSegments.add(
        1,
        reasonAttributes.computeIfAbsent(
            r.reason(), k -> settings.telemetry().attributes("reason", k)));
    observability.refused(r.spans());
    badInputLog.warn(
        "bad-" + r.reason(),
        "refused an X-Ray segment document ({}): {}; datagram: {}",
        r.reason(),
        r.message(),
        r.example());
  }

  private void deliver(Traces batch, int spans, int documents) {
    try {
      next.consume(batch);
      observability.accepted(spans);
    } catch (RuntimeException e) {
      ConsumerException ce = ConsumerException.from(e);
      observability.refused(spans);
      downstreamLog.warn(
          ce.isRetryable() ? "downstream-retryable" : "downstream-permanent",
          "the pipeline refused {} spans from {} X-Ray documents ({}); UDP senders cannot retry,"
              + " so they are dropped and counted in otelcol_receiver_refused_spans",
          spans,
          documents,
          ce.getMessage(),
          ce.isRetryable() ? null : ce);
    }
  }

  /**
   * A datagram's bytes, in an array of exactly its size: the queue's byte bound then counts what it
   * holds, and a short-lived array costs the young generation less than a pool would save.
   */
  private static final class Datagram {
    final byte[] bytes;

    Datagram(int length) {
      this.bytes = new byte[length];
    }
  }

  private void release(Datagram d) {
    queuedBytes.addAndGet(-d.bytes.length);
  }

  /** Counts a datagram into the queue's bound unless that would exceed it; never waits. */
  private boolean reserve(Datagram d) {
    long size = d.bytes.length;
    if (queuedBytes.addAndGet(size) > queueMaxBytes) {
      queuedBytes.addAndGet(-size);
      return false;
    }
    return true;
  }

  private void dropped(Datagram d) {
    droppedDatagrams.add(1, attributes);
    // Its span count is unknown without parsing it; a datagram holds one document.
    observability.refused(1);
    downstreamLog.warn(
        "queue-full",
        "the awsxray receiver's queue of {} bytes is full: datagrams are read faster than they are"
            + " converted and passed on, so they are dropped and counted in {} (raise"
            + " udp_queue_max_bytes for longer bursts, or find what slows the pipeline)",
        queueMaxBytes,
        DROPPED_DATAGRAMS);
  }

  /** One reader thread: moves datagrams from the socket to the queue and nothing else. */
  private final class Reader implements Runnable {
    private final DatagramChannel ch;
    private final Selector selector;

    /** One byte more than the limit, so that an oversized datagram is recognised as such. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(maxDatagramBytes + 1);

    /** Null: never pause. */
    private final Duration pause;

    Reader(DatagramChannel ch, Selector selector, Duration pause) {
      this.ch = ch;
      this.selector = selector;
      this.pause = pause;
    }

    @Override
    public void run() {
      try {
        long pauseNanos = pause == null ? 0 : pause.toNanos();
        while (running) {
          selector.select();
          selector.selectedKeys().clear();
          while (drain() > 0 && running && pauseNanos > 0) {
            LockSupport.parkNanos(pauseNanos);
          }
        }
        // Stopping: what already reached the socket was sent to us; queue it too.
        drain();
      } catch (ClosedChannelException | ClosedSelectorException e) {
        // Shutdown closed the socket under us (the join timed out).
      } catch (IOException | RuntimeException e) {
        logger.error("UDP reader failed; the receiver keeps its other readers", e);
      }
    }

    /**
     * Reads until the socket is empty and queues what it read in groups.
     *
     * @return the datagrams read
     */
    private int drain() throws IOException {
      int read = 0;
      List<Datagram> group = null;
      while (true) {
        buffer.clear();
        if (ch.receive(buffer) == null) {
          break;
        }
        buffer.flip();
        datagramsRead.increment();
        read++;
        int length = buffer.remaining();
        Datagram d = new Datagram(length);
        buffer.get(d.bytes);
        if (!reserve(d)) {
          dropped(d);
          continue;
        }
        if (group == null) {
          group = new ArrayList<>(Math.min(MAX_BATCH_DOCUMENTS, 16));
        }
        group.add(d);
        if (group.size() == MAX_BATCH_DOCUMENTS) {
          queue.add(group);
          group = null;
        }
      }
      if (group != null) {
        queue.add(group);
      }
      return read;
    }
  }

  /** One worker thread: decodes queued datagrams and passes batches on. */
  private final class Worker implements Runnable {
    private final List<Traces> pending = new ArrayList<>();
    private int pendingSpans;
    private int pendingDocuments;
    private long flushAtNanos;

    @Override
    public void run() {
      try {
        while (true) {
          long waitNanos = IDLE_POLL_NANOS;
          if (pendingDocuments > 0) {
            waitNanos = flushAtNanos - System.nanoTime();
            if (waitNanos <= 0) {
              flush();
              continue;
            }
          }
          List<Datagram> group = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
          if (group == null) {
            if (readersDone && queue.isEmpty()) {
              break;
            }
            continue;
          }
          for (Datagram d : group) {
            decode(d);
            if (pendingDocuments >= MAX_BATCH_DOCUMENTS) {
              flush();
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        logger.error("UDP worker failed; the receiver keeps its other workers", e);
      } finally {
        flush();
      }
    }

    private void decode(Datagram d) {
      DatagramDecoder.Decoded decoded;
      try {
        decoded = DatagramDecoder.decode(d.bytes, 0, d.bytes.length, maxDatagramBytes);
      } finally {
        // The decoded documents hold copies; the buffer can be reused at once.
        release(d);
      }
      decoded.rejections().forEach(UdpServer.this::reject);
      if (decoded.documents() > 0) {
        if (pendingDocuments == 0) {
          flushAtNanos = System.nanoTime() + LINGER.toNanos();
        }
        pending.add(decoded.traces());
        pendingSpans += decoded.traces().spanCount();
        pendingDocuments += decoded.documents();
      }
    }

    private void flush() {
      if (pendingDocuments == 0) {
        return;
      }
      Traces batch = Traces.concat(pending);
      int spans = pendingSpans;
      int documents = pendingDocuments;
      pending.clear();
      pendingSpans = 0;
      pendingDocuments = 0;
      deliver(batch, spans, documents);
    }
  }
}
