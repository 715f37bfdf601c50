package io.raybridge.xray.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map of a few entries in insertion order, in two arrays: the records' copy of small
 * annotation and metadata maps, at a fraction of a {@link java.util.LinkedHashMap}'s size. Equal to
 * (and hashing like) any map with the same entries.
 */
final class SmallOrderedMap<K, V> extends AbstractMap<K, V> {
  /** Larger maps are copied into a {@link java.util.LinkedHashMap}, where lookups stay O(1). */
  static final int MAX_SIZE = 8;

  private final Object[] keys;
  private final Object[] values;

  private SmallOrderedMap(Object[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /**
   * A copy of {@code map} (at most {@link #MAX_SIZE} entries), or null if it holds a null key or
   * value, which this map does not take.
   */
  static <K, V> SmallOrderedMap<K, V> tryCopy(Map<K, V> map) {
    int n = map.size();
    Object[] keys = new Object[n];
    Object[] values = new Object[n];
    int i = 0;
    for (Map.Entry<K, V> e : map.entrySet()) {
      if (i == n || e.getKey() == null || e.getValue() == null) {
        return null;
      }
      keys[i] = e.getKey();
      values[i] = e.getValue();
      i++;
    }
    return i == n ? new SmallOrderedMap<>(keys, values) : null;
  }

  @Override
  public int size() {
    return keys.length;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) values[i];
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept((K) keys[i], (V) values[i]);
    }
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<K, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Entry<K, V> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>((K) keys[i], (V) values[i]);
          }
        };
      }
    };
  }
}
