package io.raybridge.xray;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small helpers for OTLP attribute lists. */
final class Attrs {
  private Attrs() {}

  /**
   * Append-only attribute list builder.
   *
   * <p>Documents of one source repeat most attribute values (method, SDK, region, status code...),
   * so each thread remembers the last scalar attribute made per key: an equal value reuses that
   * immutable message instead of building a new value and key-value pair.
   */
  static final class Out {
    /** Slots of the per-thread cache of recent attributes (a power of two). */
    private static final int RECENT_SLOTS = 128;

    /** Longer strings are not remembered, which bounds what a thread keeps alive. */
    private static final int MAX_RECENT_LENGTH = 256;

    /**
     * What every list of a thread can share: the builders are only used within one call, and the
     * cache holds immutable messages.
     */
    private static final class Scratch {
      final KeyValue.Builder kv = KeyValue.newBuilder();
      final AnyValue.Builder any = AnyValue.newBuilder();
      final KeyValue[] recent = new KeyValue[RECENT_SLOTS];
      final Resource[] resources = new Resource[RESOURCE_SLOTS];
      int nextResource;
    }

    /** Resources remembered per thread: a stream of documents alternates between a few. */
    private static final int RESOURCE_SLOTS = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    final List<KeyValue> list = new ArrayList<>(16);

    private final KeyValue.Builder kv;
    private final AnyValue.Builder any;
    private final KeyValue[] recent;
    private final Scratch scratch;

    Out() {
      scratch = SCRATCH.get();
      kv = scratch.kv;
      any = scratch.any;
      recent = scratch.recent;
    }

    private void add(String key, AnyValue value) {
      list.add(kv.clear().setKey(key).setValue(value).build());
    }

    /**
     * A resource with this list's attributes: a recent one of this thread if its attributes are the
     * very same messages (remembered values make that the usual case), else a new one.
     */
    Resource toResource() {
      Resource[] recentResources = scratch.resources;
      for (Resource r : recentResources) {
        if (r != null && sameMessages(r.getAttributesList(), list)) {
          return r;
        }
      }
      Resource made = Resource.newBuilder().addAllAttributes(list).build();
      recentResources[scratch.nextResource] = made;
      scratch.nextResource = (scratch.nextResource + 1) % RESOURCE_SLOTS;
      return made;
    }

    private static boolean sameMessages(List<KeyValue> a, List<KeyValue> b) {
      int n = a.size();
      if (n != b.size()) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (a.get(i) != b.get(i)) {
          return false;
        }
      }
      return true;
    }

    private static int slotOf(String key) {
      return (key.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - 7); // top 7 bits: 0..127
    }

    /** The remembered attribute for {@code key} if its value has this case, else null. */
    private KeyValue recent(int slot, String key, AnyValue.ValueCase valueCase) {
      KeyValue last = recent[slot];
      return last != null
              && last.getValue().getValueCase() == valueCase
              && key.equals(last.getKey())
          ? last
          : null;
    }

    private void addRemembered(int slot, String key, AnyValue value) {
      KeyValue made = kv.clear().setKey(key).setValue(value).build();
      recent[slot] = made;
      list.add(made);
    }

    void put(String key, String v) {
      if (v == null) {
        return;
      }
      if (v.length() > MAX_RECENT_LENGTH) {
        add(key, any.clear().setStringValue(v).build());
        return;
      }
      int slot = slotOf(key);
      KeyValue last = recent(slot, key, AnyValue.ValueCase.STRING_VALUE);
      if (last != null && v.equals(last.getValue().getStringValue())) {
        list.add(last);
      } else {
        addRemembered(slot, key, any.clear().setStringValue(v).build());
      }
    }

    void put(String key, Long v) {
      if (v == null) {
        return;
      }
      int slot = slotOf(key);
      KeyValue last = recent(slot, key, AnyValue.ValueCase.INT_VALUE);
      if (last != null && v == last.getValue().getIntValue()) {
        list.add(last);
      } else {
        addRemembered(slot, key, any.clear().setIntValue(v).build());
      }
    }

    void put(String key, Boolean v) {
      if (v == null) {
        return;
      }
      int slot = slotOf(key);
      KeyValue last = recent(slot, key, AnyValue.ValueCase.BOOL_VALUE);
      if (last != null && v == last.getValue().getBoolValue()) {
        list.add(last);
      } else {
        addRemembered(slot, key, v ? TRUE : FALSE);
      }
    }

    void putDouble(String key, double v) {
      add(key, any.clear().setDoubleValue(v).build());
    }

    void put(String key, List<String> v) {
      if (v == null) {
        return;
      }
      int slot = slotOf(key);
      KeyValue last = recent(slot, key, AnyValue.ValueCase.ARRAY_VALUE);
      if (last != null && sameStrings(last.getValue().getArrayValue(), v)) {
        list.add(last);
        return;
      }
      ArrayValue.Builder a = ArrayValue.newBuilder();
      int length = 0;
      for (String s : v) {
        a.addValues(str(s));
        length += s.length();
      }
      AnyValue value = any.clear().setArrayValue(a).build();
      if (length > MAX_RECENT_LENGTH) {
        add(key, value);
      } else {
        addRemembered(slot, key, value);
      }
    }

    private static boolean sameStrings(ArrayValue a, List<String> v) {
      int n = v.size();
      if (a.getValuesCount() != n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        AnyValue e = a.getValues(i);
        if (e.getValueCase() != AnyValue.ValueCase.STRING_VALUE
            || !e.getStringValue().equals(v.get(i))) {
          return false;
        }
      }
      return true;
    }

    void put(String key, AnyValue v) {
      add(key, v);
    }

    boolean isEmpty() {
      return list.isEmpty();
    }
  }

  private static final AnyValue TRUE = AnyValue.newBuilder().setBoolValue(true).build();
  private static final AnyValue FALSE = AnyValue.newBuilder().setBoolValue(false).build();

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  /**
   * A consumable view of an attribute list: lookups by key, with "taken" tracking so that what is
   * left can go to annotations and metadata. Later duplicates win.
   */
  static final class In {
    /** Up to this size a linear scan is cheaper than filling the hash table. */
    private static final int SCAN_LIMIT = 2;

    /** A view kept by a thread for reuse is not worth more bookkeeping than this. */
    private static final int MAX_RETAINED = 1024;

    private List<KeyValue> list;
    private boolean[] taken;

    /*
     * Lookups outnumber attributes several times over (each X-Ray member tries one or more
     * semantic-convention keys, and most are absent), so the keys are indexed once per list in an
     * open-addressing table: a miss usually costs one probe and no string comparison.
     */
    private String[] keys;

    /** Positions + 1 (0 = empty slot); only the first {@code mask + 1} entries are in use. */
    private int[] slots;

    private int mask;

    /**
     * One bit per key (from the top bits of its spread hash): most lookups are for absent keys, and
     * a clear bit answers them without touching the table.
     */
    private long present;

    /** Whether some key occurs twice (always assumed for scanned lists). */
    private boolean duplicates;

    In(List<KeyValue> list) {
      this.taken = new boolean[list.size()];
      this.keys = new String[list.size()];
      init(list);
    }

    /**
     * Makes this view look at {@code newList} with nothing taken, reusing the bookkeeping arrays;
     * for a per-thread view that serves one span at a time.
     */
    In reset(List<KeyValue> newList) {
      int n = newList.size();
      if (taken.length < n || taken.length > MAX_RETAINED) {
        taken = new boolean[n];
        keys = new String[n];
      } else {
        Arrays.fill(taken, 0, n, false);
      }
      init(newList);
      return this;
    }

    private void init(List<KeyValue> newList) {
      this.list = newList;
      int n = newList.size();
      for (int i = 0; i < n; i++) {
        keys[i] = newList.get(i).getKey();
      }
      if (n <= SCAN_LIMIT) {
        mask = -1;
        duplicates = true;
        return;
      }
      int capacity = Integer.highestOneBit(n * 2 - 1) << 1; // a power of two >= 2n
      if (slots == null || slots.length < capacity || slots.length > 2 * MAX_RETAINED) {
        slots = new int[capacity];
      } else {
        Arrays.fill(slots, 0, capacity, 0);
      }
      mask = capacity - 1;
      duplicates = false;
      present = 0;
      for (int i = 0; i < n; i++) {
        String key = keys[i];
        int h = spread(key);
        present |= 1L << (h >>> 26);
        int s = h & mask;
        // A later duplicate takes over its key's slot, so lookups see the last one.
        while (slots[s] != 0 && !keys[slots[s] - 1].equals(key)) {
          s = (s + 1) & mask;
        }
        duplicates |= slots[s] != 0;
        slots[s] = i + 1;
      }
    }

    private static int spread(String key) {
      int h = key.hashCode() * 0x9E3779B9; // good high bits for the filter
      return h ^ (h >>> 16); // and mixed low bits for the slot
    }

    /** Position of the last attribute with this key, or -1. */
    private int find(String key) {
      if (mask < 0) {
        for (int i = list.size() - 1; i >= 0; i--) {
          if (keys[i].equals(key)) {
            return i;
          }
        }
        return -1;
      }
      int h = spread(key);
      if ((present & (1L << (h >>> 26))) == 0) {
        return -1;
      }
      for (int s = h & mask; ; s = (s + 1) & mask) {
        int e = slots[s];
        if (e == 0) {
          return -1;
        }
        if (keys[e - 1].equals(key)) {
          return e - 1;
        }
      }
    }

    static In empty() {
      return new In(List.of());
    }

    /** The value of the first attribute with this key (not the last, as elsewhere), or null. */
    AnyValue first(String key) {
      if (!duplicates) {
        return peek(key);
      }
      for (int i = 0, n = list.size(); i < n; i++) {
        if (keys[i].equals(key)) {
          return list.get(i).getValue();
        }
      }
      return null;
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

    // The typed getters below look a key up once and mark its position, rather than a peek
    // followed by a take (two lookups).

    /** The string value, or null if absent or not a string (then left untaken). */
    String str(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      AnyValue v = list.get(i).getValue();
      if (v.getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
        return null;
      }
      taken[i] = true;
      return v.getStringValue();
    }

    /** Any scalar rendered as a string (ints as decimal); null if absent or not scalar. */
    String text(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      AnyValue v = list.get(i).getValue();
      String s =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Json.plain(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
          };
      if (s != null) {
        taken[i] = true;
      }
      return s;
    }

    /** Integer value (also from integral doubles and decimal strings); null otherwise. */
    Long lng(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      AnyValue v = list.get(i).getValue();
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
        taken[i] = true;
      }
      return out;
    }

    Boolean bool(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      AnyValue v = list.get(i).getValue();
      if (v.getValueCase() != AnyValue.ValueCase.BOOL_VALUE) {
        return null;
      }
      taken[i] = true;
      return v.getBoolValue();
    }

    /** A list of strings (a single string becomes a one-element list). */
    List<String> strings(String key) {
      int i = find(key);
      if (i < 0) {
        return null;
      }
      AnyValue v = list.get(i).getValue();
      if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
        taken[i] = true;
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
      taken[i] = true;
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
      return !taken[i] && find(keys[i]) == i;
    }

    /** Attributes not taken yet, in list order (last duplicate only). */
    List<KeyValue> remaining() {
      List<KeyValue> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!taken[i] && find(keys[i]) == i) {
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
