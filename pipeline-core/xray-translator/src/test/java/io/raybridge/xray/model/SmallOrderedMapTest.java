package io.raybridge.xray.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmallOrderedMapTest {

  private static LinkedHashMap<String, Integer> source(int n) {
    LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
    for (int i = n; i > 0; i--) {
      m.put("k" + i, i);
    }
    return m;
  }

  @Test
  void smallMapsAreCopiedInOrderAndBehaveLikeTheSource() {
    LinkedHashMap<String, Integer> m = source(5);
    Map<String, Integer> copy = Extras.copyOrdered(m);
    assertThat(copy).isInstanceOf(SmallOrderedMap.class);
    assertThat(copy).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(m).isEqualTo(copy);
    assertThat(new ArrayList<>(copy.keySet())).containsExactly("k5", "k4", "k3", "k2", "k1");
    assertThat(new ArrayList<>(copy.values())).containsExactly(5, 4, 3, 2, 1);
    List<String> seen = new ArrayList<>();
    copy.forEach((k, v) -> seen.add(k + "=" + v));
    assertThat(seen).containsExactly("k5=5", "k4=4", "k3=3", "k2=2", "k1=1");
    assertThat(copy.get("k3")).isEqualTo(3);
    assertThat(copy.get("nope")).isNull();
    assertThat(copy.containsKey("k1")).isTrue();
    assertThat(copy.containsKey(null)).isFalse();
    assertThat(copy.toString()).isEqualTo(m.toString());
    // A copy, not a view.
    m.put("k9", 9);
    assertThat(copy).hasSize(5);
  }

  @Test
  void isImmutable() {
    Map<String, Integer> copy = Extras.copyOrdered(source(3));
    assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.remove("k1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(copy::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(7))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Extras.copyOrdered(copy)).isSameAs(copy);
  }

  @Test
  void largerMapsAndMapsWithNullsKeepTheGeneralCopy() {
    assertThat(Extras.copyOrdered(source(SmallOrderedMap.MAX_SIZE + 1)))
        .isNotInstanceOf(SmallOrderedMap.class)
        .isEqualTo(source(SmallOrderedMap.MAX_SIZE + 1));
    Map<String, Integer> withNull = new HashMap<>();
    withNull.put("a", null);
    withNull.put("b", 2);
    assertThat(Extras.copyOrdered(withNull))
        .isNotInstanceOf(SmallOrderedMap.class)
        .isEqualTo(withNull);
    assertThat(Extras.copyOrdered(Map.of("a", 1, "b", 2))).isEqualTo(Map.of("a", 1, "b", 2));
  }
}
