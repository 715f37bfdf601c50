package io.raybridge.processor.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHeapTest {

  private static final long MIB = 1024 * 1024;

  private static long currentUse() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Waits for the collection report, which the JVM delivers on its own thread. */
  private static void collect(LiveHeap heap) throws InterruptedException {
    long before = heap.afterLastCollection();
    System.gc();
    for (int i = 0; i < 200 && heap.afterLastCollection() == before; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void countsLiveDataButNotGarbageAllocatedSinceTheLastCollection() throws Exception {
    LiveHeap heap = LiveHeap.get();
    List<byte[]> live = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      live.add(new byte[(int) MIB]);
    }
    collect(heap);
    long withLive = heap.getAsLong();
    assertThat(withLive).as("live data after a collection").isGreaterThanOrEqualTo(64 * MIB);

    // Garbage: allocated and dropped at once, 4 MiB at a time, without a collection in between
    // as far as the young generation allows.
    long garbage = 0;
    for (int i = 0; i < 32; i++) {
      byte[] dropped = new byte[(int) (4 * MIB)];
      garbage += dropped.length;
    }
    assertThat(garbage).isEqualTo(128 * MIB);
    assertThat(heap.getAsLong())
        .as("garbage is not counted; the current use may be higher")
        .isLessThanOrEqualTo(Math.max(withLive, currentUse()))
        .isLessThan(withLive + 64 * MIB);

    live.clear();
    collect(heap);
    assertThat(heap.getAsLong())
        .as("after the live data was dropped")
        .isLessThan(withLive - 32 * MIB);
  }
}
