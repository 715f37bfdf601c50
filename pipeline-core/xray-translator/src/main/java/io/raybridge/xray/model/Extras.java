package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive-copy helpers shared by the model records. */
final class Extras {
  private Extras() {}

  static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
    return extra == null || extra.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  static <K, V> Map<K, V> copyOrdered(Map<K, V> map) {
    return map == null || map.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static <T> List<T> copy(List<T> list) {
    return list == null || list.isEmpty() ? List.of() : List.copyOf(list);
  }
}
