package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The queue between the socket readers and the workers: never blocks reading, counts drops. */
class UdpQueueTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TRACE = "1-5759e988-bd862e3fe1be46a994272793";

  private static String document(int i) {
    return Harness.HEADER
        + "{\"name\":\"queued\",\"id\":\""
        + String.format("%016x", i + 1)
        + "\",\"trace_id\":\""
        + TRACE
        + "\",\"start_time\":1478293361.271,\"end_time\":1478293361.449"
        // About 1 KB, so the smallest queue holds a few dozen of them.
        + ",\"metadata\":{\"default\":{\"padding\":\""
        + "x".repeat(900)
        + "\"}}}";
  }

  /** Passes batches to a sink once released; until then every call waits. */
  private static final class GatedConsumer implements TracesConsumer {
    final TracesSink sink = new TracesSink();
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public void consume(Traces traces) {
      entered.countDown();
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sink.consume(traces);
    }
  }

  private static AwsXrayReceiverConfig smallQueue() {
    return new AwsXrayReceiverConfig(
        "127.0.0.1:0",
        null,
        null,
        AwsXrayReceiverConfig.MIN_UDP_QUEUE_MAX_BYTES,
        Harness.loopback().proxyServer());
  }

  @Test
  void keepsReadingTheSocketWhileThePipelineBlocksAndCountsWhatTheFullQueueDrops()
      throws Exception {
    int n = 400;
    // 64 KiB of datagrams of at least the first one's size, plus at most one batch per worker.
    long held =
        AwsXrayReceiverConfig.MIN_UDP_QUEUE_MAX_BYTES / document(0).length()
            + (long) UdpServer.WORKERS * UdpServer.MAX_BATCH_DOCUMENTS;
    GatedConsumer next = new GatedConsumer();
    try (Harness h = Harness.start(smallQueue(), next)) {
      for (int i = 0; i < n; i++) {
        h.send(document(i));
        // One at a time, so the kernel never has a reason to drop one: every loss is ours.
        int sent = i + 1;
        Poll.await(
            () -> h.receiver.udpDatagramsRead() == sent,
            WAIT,
            () -> "read " + h.receiver.udpDatagramsRead() + " of " + sent);
      }
      assertThat(next.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // The pipeline has not returned once, yet every datagram was taken from the socket.
      assertThat(h.receiver.udpDatagramsRead()).isEqualTo(n);
      assertThat(h.accepted()).isZero();
      assertThat(h.dropped()).isGreaterThanOrEqualTo(n - held);
      assertThat(h.refused()).isEqualTo(h.dropped());

      next.gate.countDown();
      Poll.await(
          () -> h.accepted() + h.dropped() == n,
          WAIT,
          () -> "accepted " + h.accepted() + ", dropped " + h.dropped());
      assertThat(next.sink.spanCount()).isEqualTo(h.accepted());
      assertThat(h.refused()).isEqualTo(h.dropped());
      assertThat(h.receiver.udpQueuedBytes()).isZero();
      assertThat(h.telemetry.counterValue(UdpServer.BAD_SEGMENTS)).isZero();
    }
  }

  @Test
  void dropsNothingWhenThePipelineKeepsUp() throws Exception {
    int n = 200;
    TracesSink sink = new TracesSink();
    // The default queue absorbs the first, slow conversions while the translator warms up.
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      for (int i = 0; i < n; i++) {
        h.send(document(i));
        int sent = i + 1;
        Poll.await(
            () -> h.receiver.udpDatagramsRead() == sent,
            WAIT,
            () -> "read " + h.receiver.udpDatagramsRead() + " of " + sent);
      }
      sink.awaitSpanCount(n, WAIT);
      Poll.await(() -> h.accepted() == n, WAIT, () -> "accepted " + h.accepted());
      assertThat(h.dropped()).isZero();
      assertThat(h.refused()).isZero();
      assertThat(h.receiver.udpQueuedBytes()).isZero();
    }
  }

  @Test
  void readsBurstsLargerThanOneGroupWithoutLosingAny() throws Exception {
    // The kernel's default buffer: the reader reads without pausing.
    readsBurstsWithoutLosingAny(Harness.loopback(), UdpServer.MAX_BATCH_DOCUMENTS + 7);
  }

  @Test
  void readsBurstsInPausedPassesWithALargeSocketBuffer() throws Exception {
    int buffer = 4 * 1024 * 1024;
    Assumptions.assumeTrue(
        UdpServer.readRmemMax() >= buffer, "net.core.rmem_max must allow a 4 MiB socket buffer");
    AwsXrayReceiverConfig config =
        new AwsXrayReceiverConfig(
            "127.0.0.1:0", null, buffer, null, Harness.loopback().proxyServer());
    // Bigger than one group, and more than the default buffer would hold during a pause.
    readsBurstsWithoutLosingAny(config, UdpServer.MAX_BATCH_DOCUMENTS * 4 + 7);
  }

  private static void readsBurstsWithoutLosingAny(AwsXrayReceiverConfig config, int perBurst)
      throws Exception {
    int bursts = 10;
    int n = bursts * perBurst;
    TracesSink sink = new TracesSink();
    try (Harness h = Harness.start(config, sink)) {
      for (int b = 0; b < bursts; b++) {
        // Back to back, so that one pass over the socket finds several groups' worth.
        for (int i = 0; i < perBurst; i++) {
          h.send(document(b * perBurst + i));
        }
        int sent = (b + 1) * perBurst;
        Poll.await(
            () -> h.receiver.udpDatagramsRead() == sent,
            WAIT,
            () -> "read " + h.receiver.udpDatagramsRead() + " of " + sent);
      }
      sink.awaitSpanCount(n, WAIT);
      Poll.await(() -> h.accepted() == n, WAIT, () -> "accepted " + h.accepted());
      assertThat(sink.spans()).extracting(s -> s.getSpanId()).doesNotHaveDuplicates().hasSize(n);
      assertThat(h.dropped()).isZero();
      assertThat(h.receiver.udpQueuedBytes()).isZero();
    }
  }

  @Test
  void theQueuedDatagramsReachThePipelineOnShutdown() throws Exception {
    int n = 30;
    TracesSink sink = new TracesSink();
    Harness h = Harness.start(Harness.loopback(), sink);
    for (int i = 0; i < n; i++) {
      h.send(document(i));
    }
    Poll.await(
        () -> h.receiver.udpDatagramsRead() == n,
        WAIT,
        () -> "read " + h.receiver.udpDatagramsRead());
    h.close();
    assertThat(sink.spanCount()).isEqualTo(n);
    assertThat(h.accepted()).isEqualTo(n);
    assertThat(h.dropped()).isZero();
  }

  @Test
  void warnsWhenLinuxCapsTheReceiveBufferBelowTheRequest() {
    // Linux grants twice the capped request: 2 x 212992 when rmem_max is 212992.
    assertThat(UdpServer.receiveBufferWarning(4_194_304, 425_984, 212_992, true))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("udp_receive_buffer_bytes is 4194304")
                    .contains("net.core.rmem_max (212992)")
                    .contains("effective SO_RCVBUF is 425984 bytes")
                    .contains("sysctl -w net.core.rmem_max=4194304"));
  }

  @Test
  void staysQuietWhenTheRequestIsGrantedEvenThoughLinuxReportsDoubleOrTheLimitIsUnknown() {
    assertThat(UdpServer.receiveBufferWarning(4_194_304, 8_388_608, 4_194_304, true)).isEmpty();
    assertThat(UdpServer.receiveBufferWarning(4_194_304, 4_194_304, -1, false)).isEmpty();
    assertThat(UdpServer.receiveBufferWarning(4_194_304, 1_048_576, -1, false))
        .hasValueSatisfying(w -> assertThat(w).contains("effective SO_RCVBUF is 1048576 bytes"));
  }
}
