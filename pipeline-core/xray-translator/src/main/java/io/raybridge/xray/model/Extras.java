package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive-copy helpers shared by the model records. */
final class Extras {
  private Extras() {}

  private static final Class<?> SINGLETON_MAP = Collections.singletonMap("", "").getClass();

  static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
    return copyOrdered(extra);
  }

  static <K, V> Map<K, V> copyOrdered(Map<K, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map.getClass() == SINGLETON_MAP || map instanceof SmallOrderedMap) {
      return map; // already immutable
    }
    if (map.size() == 1) {
      // The common single-namespace case: an immutable singleton costs a fraction of a hash map.
      Map.Entry<K, V> e = map.entrySet().iterator().next();
      return Collections.singletonMap(e.getKey(), e.getValue());
    }
    if (map.size() <= SmallOrderedMap.MAX_SIZE) {
      SmallOrderedMap<K, V> small = SmallOrderedMap.tryCopy(map);
      if (small != null) {
        return small;
      }
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static <T> List<T> copy(List<T> list) {
    return list == null || list.isEmpty() ? List.of() : List.copyOf(list);
  }
}
