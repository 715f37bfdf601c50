package io.raybridge.xray;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for OTLP attribute lists. */
final class Attrs {
  private Attrs() {}

  /** Append-only attribute list builder. */
  static final class Out {
    final List<KeyValue> list = new ArrayList<>();

    // Reused for every attribute of this list: build() copies, so one pair of builders serves all.
    private final KeyValue.Builder kv = KeyValue.newBuilder();
    private final AnyValue.Builder any = AnyValue.newBuilder();

    private void add(String key, AnyValue value) {
      list.add(kv.clear().setKey(key).setValue(value).build());
    }

    void put(String key, String v) {
      if (v != null) {
        add(key, any.clear().setStringValue(v).build());
      }
    }

    void put(String key, Long v) {
      if (v != null) {
        add(key, any.clear().setIntValue(v).build());
      }
    }

    void put(String key, Boolean v) {
      if (v != null) {
        add(key, any.clear().setBoolValue(v).build());
      }
    }

    void putDouble(String key, double v) {
      add(key, any.clear().setDoubleValue(v).build());
    }

    void put(String key, List<String> v) {
      if (v != null) {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (String s : v) {
          a.addValues(str(s));
        }
        add(key, any.clear().setArrayValue(a).build());
      }
    }

    void put(String key, AnyValue v) {
      add(key, v);
    }

    boolean isEmpty() {
      return list.isEmpty();
    }
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  /**
   * A consumable view of an attribute list: lookups by key, with "taken" tracking so that what is
   * left can go to annotations and metadata. Later duplicates win.
   */
  static final class In {
    /** Below this size a linear scan beats hashing and allocates nothing. */
    private static final int SCAN_LIMIT = 16;

    /** A view kept by a thread for reuse is not worth more bookkeeping than this. */
    private static final int MAX_RETAINED = 1024;

    private List<KeyValue> list;
    private Map<String, Integer> index;
    private boolean[] taken;

    In(List<KeyValue> list) {
      this.taken = new boolean[list.size()];
      init(list);
    }

    /**
     * Makes this view look at {@code newList} with nothing taken, reusing the bookkeeping array;
     * for a per-thread view that serves one span at a time.
     */
    In reset(List<KeyValue> newList) {
      int n = newList.size();
      if (taken.length < n || taken.length > MAX_RETAINED) {
        taken = new boolean[n];
      } else {
        Arrays.fill(taken, 0, n, false);
      }
      init(newList);
      return this;
    }

    private void init(List<KeyValue> newList) {
      this.list = newList;
      if (newList.size() > SCAN_LIMIT) {
        this.index = new HashMap<>(newList.size() * 2);
        for (int i = 0; i < newList.size(); i++) {
          index.put(newList.get(i).getKey(), i);
        }
      } else {
        this.index = null;
      }
    }

    /** Position of the last attribute with this key, or -1. */
    private int find(String key) {
      if (index != null) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
      }
      for (int i = list.size() - 1; i >= 0; i--) {
        if (list.get(i).getKey().equals(key)) {
          return i;
        }
      }
      return -1;
    }

    static In empty() {
      return new In(List.of());
    }

    AnyValue peek(String key) {
      int i = find(key);
      return i < 0 ? null : list.get(i).getValue();
    }

    AnyValue take(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      taken[i] = true;
      return list.get(i).getValue();
    }

    boolean has(String key) {
      return find(key) >= 0;
    }

    /** The string value, or null if absent or not a string (then left untaken). */
    String str(String key) {
      AnyValue v = peek(key);
      if (v == null || v.getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
        return null;
      }
      take(key);
      return v.getStringValue();
    }

    /** Any scalar rendered as a string (ints as decimal); null if absent or not scalar. */
    String text(String key) {
      AnyValue v = peek(key);
      if (v == null) {
        return null;
      }
      String s =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Json.plain(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
          };
      if (s != null) {
        take(key);
      }
      return s;
    }

    /** Integer value (also from integral doubles and decimal strings); null otherwise. */
    Long lng(String key) {
      AnyValue v = peek(key);
      if (v == null) {
        return null;
      }
      Long out =
          switch (v.getValueCase()) {
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> {
              double d = v.getDoubleValue();
              yield d == Math.rint(d) && Math.abs(d) < 9e18 ? (long) d : null;
            }
            case STRING_VALUE -> parseLong(v.getStringValue());
            default -> null;
          };
      if (out != null) {
        take(key);
      }
      return out;
    }

    Boolean bool(String key) {
      AnyValue v = peek(key);
      if (v == null || v.getValueCase() != AnyValue.ValueCase.BOOL_VALUE) {
        return null;
      }
      take(key);
      return v.getBoolValue();
    }

    /** A list of strings (a single string becomes a one-element list). */
    List<String> strings(String key) {
      AnyValue v = peek(key);
      if (v == null) {
        return null;
      }
      if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
        take(key);
        return List.of(v.getStringValue());
      }
      if (v.getValueCase() != AnyValue.ValueCase.ARRAY_VALUE) {
        return null;
      }
      List<String> out = new ArrayList<>(v.getArrayValue().getValuesCount());
      for (AnyValue e : v.getArrayValue().getValuesList()) {
        if (e.getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
          return null;
        }
        out.add(e.getStringValue());
      }
      take(key);
      return out;
    }

    /** Number of attributes in the list, for index-based iteration with {@link #remains}. */
    int size() {
      return list.size();
    }

    KeyValue get(int i) {
      return list.get(i);
    }

    /** True if attribute {@code i} is not taken and is the last one with its key. */
    boolean remains(int i) {
      return !taken[i] && find(list.get(i).getKey()) == i;
    }

    /** Attributes not taken yet, in list order (last duplicate only). */
    List<KeyValue> remaining() {
      List<KeyValue> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!taken[i] && find(list.get(i).getKey()) == i) {
          out.add(list.get(i));
        }
      }
      return out;
    }

    List<KeyValue> all() {
      return list;
    }
  }

  static Long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
