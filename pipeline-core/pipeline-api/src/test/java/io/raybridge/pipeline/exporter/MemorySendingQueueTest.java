package io.raybridge.pipeline.exporter;

import static io.raybridge.pipeline.ApiFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.Traces;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemorySendingQueueTest {

  @Test
  void isFifoAndBoundedInRequests() throws Exception {
    MemorySendingQueue q = new MemorySendingQueue(QueueSizer.REQUESTS, 2, Long.MAX_VALUE);
    Traces a = traces(1);
    Traces b = traces(2);
    assertThat(q.offer(a, Duration.ZERO)).isTrue();
    assertThat(q.offer(b, Duration.ZERO)).isTrue();
    assertThat(q.offer(traces(1), Duration.ZERO)).isFalse();
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.take().traces()).isSameAs(a);
    assertThat(q.poll().traces()).isSameAs(b);
    assertThat(q.poll()).isNull();
    assertThat(q.size()).isZero();
  }

  @Test
  void countsSpansWithTheItemsSizer() throws Exception {
    MemorySendingQueue q = new MemorySendingQueue(QueueSizer.ITEMS, 5, Long.MAX_VALUE);
    assertThat(q.offer(traces(3), Duration.ZERO)).isTrue();
    assertThat(q.offer(traces(3), Duration.ZERO)).isFalse();
    assertThat(q.offer(traces(2), Duration.ZERO)).isTrue();
    assertThat(q.size()).isEqualTo(5);
  }

  @Test
  void isBoundedInEncodedBytes() throws Exception {
    Traces t = traces(10);
    MemorySendingQueue q =
        new MemorySendingQueue(QueueSizer.REQUESTS, 100, t.serializedSize() * 2L + 1);
    assertThat(q.offer(t, Duration.ZERO)).isTrue();
    assertThat(q.offer(t, Duration.ZERO)).isTrue();
    assertThat(q.offer(t, Duration.ZERO)).isFalse();
    assertThat(q.bytes()).isEqualTo(t.serializedSize() * 2L);
  }

  @Test
  void admitsAnOversizedBatchOnlyIntoAnEmptyQueue() throws Exception {
    MemorySendingQueue q = new MemorySendingQueue(QueueSizer.ITEMS, 2, Long.MAX_VALUE);
    assertThat(q.offer(traces(5), Duration.ZERO)).isTrue();
    assertThat(q.offer(traces(5), Duration.ZERO)).isFalse();
  }

  @Test
  void closedQueueRefusesOffersButHandsOutWhatItHolds() throws Exception {
    MemorySendingQueue q = new MemorySendingQueue(QueueSizer.REQUESTS, 10, Long.MAX_VALUE);
    Traces a = traces(1);
    q.offer(a, Duration.ZERO);
    q.close();
    assertThat(q.offer(traces(1), Duration.ofSeconds(5))).isFalse();
    assertThat(q.take().traces()).isSameAs(a);
    assertThat(q.take()).isNull();
  }

  @Test
  void closeWakesABlockedProducer() throws Exception {
    MemorySendingQueue q = new MemorySendingQueue(QueueSizer.REQUESTS, 1, Long.MAX_VALUE);
    q.offer(traces(1), Duration.ZERO);
    var result = new java.util.concurrent.CompletableFuture<Boolean>();
    Thread producer =
        new Thread(
            () -> {
              try {
                result.complete(q.offer(traces(1), Duration.ofMinutes(5)));
              } catch (InterruptedException e) {
                result.completeExceptionally(e);
              }
            });
    producer.start();
    q.close();
    assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
  }
}
