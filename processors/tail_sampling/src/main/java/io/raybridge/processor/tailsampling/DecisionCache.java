package io.raybridge.processor.tailsampling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Remembers decisions after a trace left the buffer, so that its late spans follow it: kept trace
 * ids with the index of the policy that kept them, dropped ones apart, each in a bounded LRU map.
 * Thread-safe.
 */
final class DecisionCache {

  /** The value of a dropped trace. */
  static final int NOT_SAMPLED = -1;

  /** The value of a trace kept without a policy (no policies configured). */
  static final int KEPT = -2;

  private final Map<TraceKey, Integer> sampled;
  private final Map<TraceKey, Boolean> notSampled;

  DecisionCache(int sampledSize, int notSampledSize) {
    this.sampled = lru(sampledSize);
    this.notSampled = lru(notSampledSize);
  }

  private static <V> Map<TraceKey, V> lru(int size) {
    return new LinkedHashMap<>(Math.min(size, 1 << 16), 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<TraceKey, V> eldest) {
        return size() > size;
      }
    };
  }

  /** The decision for {@code key}: a policy index, {@link #KEPT}, {@link #NOT_SAMPLED} or null. */
  synchronized Integer get(TraceKey key) {
    Integer policy = sampled.get(key);
    if (policy != null) {
      return policy;
    }
    return notSampled.get(key) != null ? NOT_SAMPLED : null;
  }

  synchronized void put(TraceKey key, int decision) {
    if (decision == NOT_SAMPLED) {
      notSampled.put(key, Boolean.TRUE);
    } else {
      sampled.put(key, decision);
    }
  }

  /** Every remembered decision, dropped ones first, each kind least recently used first. */
  synchronized void forEach(BiConsumer<TraceKey, Integer> action) {
    for (TraceKey key : notSampled.keySet()) {
      action.accept(key, NOT_SAMPLED);
    }
    for (Map.Entry<TraceKey, Integer> e : sampled.entrySet()) {
      action.accept(e.getKey(), e.getValue());
    }
  }

  synchronized int size() {
    return sampled.size() + notSampled.size();
  }
}
