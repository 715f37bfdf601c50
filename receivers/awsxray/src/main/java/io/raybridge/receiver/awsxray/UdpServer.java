package io.raybridge.receiver.awsxray;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import io.raybridge.pipeline.util.RateLimitedLogger;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The UDP side of the receiver: a non-blocking datagram channel read by a few threads, each of
 * which decodes datagrams and hands what it gathered to the next consumer in one call once {@value
 * #MAX_BATCH_DOCUMENTS} documents are pending or the oldest pending document waited {@link
 * #LINGER}. Under load this turns thousands of datagrams per second into a few hundred {@code
 * consume} calls; when idle a document is passed on within a few milliseconds. On shutdown each
 * reader drains what the socket still holds and passes it on before it stops.
 *
 * <p>UDP cannot push back, so what the pipeline refuses is counted as refused and logged
 * (rate-limited), and bad datagrams are counted by reason; nothing stops the readers but shutdown.
 */
final class UdpServer {

  /** Reader threads, as the daemon and the Collector use. */
  static final int READERS = 2;

  /** The most documents handed on in one {@code consume} call. */
  static final int MAX_BATCH_DOCUMENTS = 64;

  /** The longest a decoded document waits for companions before it is handed on. */
  static final Duration LINGER = Duration.ofMillis(5);

  /** Counter of refused documents by reason. */
  static final String BAD_SEGMENTS = "raybridge_receiver_xray_bad_segments";

  private static final Duration BAD_INPUT_LOG_INTERVAL = Duration.ofMinutes(1);

  private final ComponentSettings settings;
  private final Logger logger;
  private final String endpoint;
  private final int receiveBufferBytes;
  private final int maxDatagramBytes;
  private final TracesConsumer next;
  private final ReceiverObservability observability;
  private final LongCounter badSegments;
  private final Map<String, Attributes> reasonAttributes = new ConcurrentHashMap<>();
  private final RateLimitedLogger badInputLog;
  private final RateLimitedLogger downstreamLog;
  private final List<Thread> readers = new ArrayList<>();
  private final List<Selector> selectors = new ArrayList<>();

  private volatile boolean running;
  private DatagramChannel channel;

  UdpServer(
      ComponentSettings settings,
      String endpoint,
      int receiveBufferBytes,
      int maxDatagramBytes,
      TracesConsumer next) {
    this.settings = settings;
    this.logger = settings.logger();
    this.endpoint = endpoint;
    this.receiveBufferBytes = receiveBufferBytes;
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
    this.badInputLog = new RateLimitedLogger(logger, BAD_INPUT_LOG_INTERVAL, settings.clock());
    this.downstreamLog =
        new RateLimitedLogger(logger, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
  }

  synchronized void start() throws IOException {
    InetSocketAddress address = Endpoints.resolve(endpoint);
    DatagramChannel ch = DatagramChannel.open();
    try {
      if (receiveBufferBytes > 0) {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        int granted = ch.getOption(StandardSocketOptions.SO_RCVBUF);
        if (granted < receiveBufferBytes) {
          logger.warn(
              "udp_receive_buffer_bytes is {} but the operating system granted {} bytes"
                  + " (on Linux raise net.core.rmem_max)",
              receiveBufferBytes,
              granted);
        }
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
    for (int i = 0; i < READERS; i++) {
      Selector selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
      selectors.add(selector);
      Thread t = settings.threadFactory().newThread(new Reader(ch, selector));
      readers.add(t);
      t.start();
    }
    logger.info("awsxray receiver listening for segments on UDP {}", boundAddress());
  }

  /** The bound address (with the actual port when the endpoint asked for port 0). */
  InetSocketAddress boundAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  synchronized void shutdown(Duration timeout) {
    if (channel == null) {
      return;
    }
    running = false;
    for (Selector s : selectors) {
      s.wakeup();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : readers) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Thread t : readers) {
      if (t.isAlive()) {
        logger.warn("UDP reader {} did not stop within {}", t.getName(), timeout);
      }
    }
    try {
      channel.close();
      for (Selector s : selectors) {
        s.close();
      }
    } catch (IOException e) {
      logger.warn("closing UDP {} failed", endpoint, e);
    }
    channel = null;
    readers.clear();
    selectors.clear();
    logger.info("awsxray receiver stopped listening on UDP {}", endpoint);
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

  private void deliver(List<ResourceSpans> batch, int spans, int documents) {
    try {
      next.consume(Traces.of(batch));
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

  /** One reader thread: drains the socket, decodes, and passes batches on. */
  private final class Reader implements Runnable {
    private final DatagramChannel ch;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(maxDatagramBytes + 1);
    private final List<ResourceSpans> pending = new ArrayList<>();
    private int pendingSpans;
    private int pendingDocuments;
    private long flushAtNanos;

    Reader(DatagramChannel ch, Selector selector) {
      this.ch = ch;
      this.selector = selector;
    }

    @Override
    public void run() {
      try {
        while (running) {
          long waitMillis = 0;
          if (pendingDocuments > 0) {
            long remaining = flushAtNanos - System.nanoTime();
            if (remaining <= 0) {
              flush();
              continue;
            }
            waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
          }
          selector.select(waitMillis);
          selector.selectedKeys().clear();
          drain();
        }
        // Stopping: what already reached the socket was sent to us; pass it on too.
        while (!drain()) {
          // keep draining until the socket is empty
        }
      } catch (ClosedChannelException | ClosedSelectorException e) {
        // Shutdown closed the socket under us (the join timed out); deliver what we have.
      } catch (IOException | RuntimeException e) {
        logger.error("UDP reader failed; the receiver keeps its other readers", e);
      } finally {
        flush();
      }
    }

    /** Reads what the socket holds, up to a full batch; true when the socket is empty. */
    private boolean drain() throws IOException {
      boolean empty = false;
      while (pendingDocuments < MAX_BATCH_DOCUMENTS) {
        buffer.clear();
        if (ch.receive(buffer) == null) {
          empty = true;
          break;
        }
        buffer.flip();
        DatagramDecoder.Decoded d =
            DatagramDecoder.decode(buffer.array(), 0, buffer.limit(), maxDatagramBytes);
        d.rejections().forEach(UdpServer.this::reject);
        if (!d.resourceSpans().isEmpty()) {
          if (pendingDocuments == 0) {
            flushAtNanos = System.nanoTime() + LINGER.toNanos();
          }
          pending.addAll(d.resourceSpans());
          pendingSpans += d.spanCount();
          pendingDocuments += d.resourceSpans().size();
        }
      }
      if (pendingDocuments >= MAX_BATCH_DOCUMENTS) {
        flush();
      }
      return empty;
    }

    private void flush() {
      if (pendingDocuments == 0) {
        return;
      }
      List<ResourceSpans> batch = new ArrayList<>(pending);
      int spans = pendingSpans;
      int documents = pendingDocuments;
      pending.clear();
      pendingSpans = 0;
      pendingDocuments = 0;
      deliver(batch, spans, documents);
    }
  }
}
