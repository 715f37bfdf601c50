package io.raybridge.processor.memorylimiter;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use, not counting garbage that no collection has reclaimed yet: the heap's use right
 * after the latest collection, or the current use when that is lower (no collection yet, or one
 * whose report has not arrived). The JVM lets garbage pile up until a collection is due, so its
 * current heap use says little about live data: a limiter reading it would refuse data at a soft
 * limit far below the heap while most of what it counts is garbage. Live data that grows between
 * collections is seen at the next one, which allocation brings soon; the limiter also forces one
 * when the current use reaches its hard limit.
 */
final class LiveHeap implements LongSupplier {

  private static final LiveHeap INSTANCE = new LiveHeap();

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Set<String> heapPools = new HashSet<>();
  private volatile long afterLastGc = Long.MAX_VALUE;

  private LiveHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(this::collected, null, null);
      }
    }
  }

  /** The process-wide instance; it listens to every collector once. */
  static LiveHeap get() {
    return INSTANCE;
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    afterLastGc = used;
  }

  /** The heap's use right after the latest collection (Long.MAX_VALUE before the first). */
  long afterLastCollection() {
    return afterLastGc;
  }

  /** The heap's current use, garbage not yet collected included. */
  long withGarbage() {
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Override
  public long getAsLong() {
    return Math.min(memory.getHeapMemoryUsage().getUsed(), afterLastGc);
  }
}
