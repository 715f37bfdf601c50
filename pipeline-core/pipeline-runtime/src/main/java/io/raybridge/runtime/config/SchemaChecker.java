package io.raybridge.runtime.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.pipeline.config.ConfigViolation;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walks a YAML tree against the structure of a config record before Jackson binds it, reporting
 * every unknown key (with a suggestion) and every value of the wrong shape, where Jackson would
 * stop at the first. It returns a copy of the tree without the offending entries, so that binding
 * the copy still runs the records' own validation on everything that was well-formed.
 *
 * <p>Records are described by their components and {@code @JsonProperty} names; lists, sets, maps
 * with string keys, enums, {@link Duration}, strings, numbers and booleans are checked; any other
 * type is left to Jackson.
 */
final class SchemaChecker {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final List<ConfigViolation> violations = new ArrayList<>();

  private SchemaChecker() {}

  /** The outcome: the violations (paths relative to the checked node) and the cleaned tree. */
  record Result(List<ConfigViolation> violations, JsonNode cleaned) {}

  static Result check(JsonNode node, Type type) {
    SchemaChecker checker = new SchemaChecker();
    JsonNode cleaned = checker.walk(node, type, "");
    return new Result(List.copyOf(checker.violations), cleaned);
  }

  /** The YAML key names of a record's components, in declaration order. */
  static Map<String, RecordComponent> keys(Class<?> record) {
    Map<String, RecordComponent> keys = new LinkedHashMap<>();
    for (RecordComponent rc : record.getRecordComponents()) {
      keys.put(jsonName(rc), rc);
    }
    return keys;
  }

  private JsonNode walk(JsonNode node, Type type, String path) {
    if (node == null || node.isNull()) {
      return node;
    }
    Class<?> raw = rawClass(type);
    if (raw == null || raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
      return node;
    }
    if (raw.isRecord()) {
      return record(node, raw, path);
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
      return list(node, raw.isArray() ? raw.getComponentType() : typeArgument(type, 0), path);
    }
    if (Map.class.isAssignableFrom(raw)) {
      return map(node, typeArgument(type, 1), path);
    }
    if (raw == String.class || raw == CharSequence.class) {
      return expect(node.isValueNode(), node, path, "a string");
    }
    if (raw == Duration.class) {
      return duration(node, path);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      boolean ok =
          node.isBoolean()
              || (node.isTextual() && List.of("true", "false").contains(lower(node.asText())));
      return expect(ok, node, path, "a boolean (true or false)");
    }
    if (raw == int.class || raw == Integer.class) {
      return integer(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (raw == long.class || raw == Long.class) {
      return integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (raw == short.class || raw == Short.class) {
      return integer(node, path, Short.MIN_VALUE, Short.MAX_VALUE);
    }
    if (raw == double.class
        || raw == Double.class
        || raw == float.class
        || raw == Float.class
        || raw == BigDecimal.class) {
      return expect(node.isNumber() || isDecimal(node), node, path, "a number");
    }
    if (raw.isEnum()) {
      return enumValue(node, raw, path);
    }
    return node;
  }

  private JsonNode record(JsonNode node, Class<?> type, String path) {
    if (!node.isObject()) {
      return wrongType(node, path, "a mapping");
    }
    Map<String, RecordComponent> keys = keys(type);
    JsonIgnoreProperties ignore = type.getAnnotation(JsonIgnoreProperties.class);
    boolean ignoreUnknown = ignore != null && ignore.ignoreUnknown();
    ObjectNode cleaned = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String child = ConfigPaths.child(path, e.getKey());
      RecordComponent rc = keys.get(e.getKey());
      if (rc == null) {
        if (!ignoreUnknown) {
          violations.add(new ConfigViolation(child, unknownKey(e.getKey(), keys.keySet())));
        }
        continue;
      }
      JsonNode v = walk(e.getValue(), rc.getGenericType(), child);
      if (v != null) {
        cleaned.set(e.getKey(), v);
      }
    }
    return cleaned;
  }

  private JsonNode list(JsonNode node, Type element, String path) {
    if (!node.isArray()) {
      return wrongType(node, path, "a list");
    }
    ArrayNode cleaned = NODES.arrayNode();
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = walk(node.get(i), element, path + "[" + i + "]");
      ok &= v != null;
      cleaned.add(v);
    }
    // A list with a bad element is dropped whole: removing the element would shift the indices
    // the record's own messages refer to.
    return ok ? cleaned : null;
  }

  private JsonNode map(JsonNode node, Type value, String path) {
    if (!node.isObject()) {
      return wrongType(node, path, "a mapping");
    }
    ObjectNode cleaned = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = walk(e.getValue(), value, ConfigPaths.child(path, e.getKey()));
      if (v != null) {
        cleaned.set(e.getKey(), v);
      }
    }
    return cleaned;
  }

  private JsonNode duration(JsonNode node, String path) {
    if (node.isIntegralNumber() && node.asLong() == 0) {
      return node;
    }
    if (node.isNumber()) {
      violations.add(
          new ConfigViolation(
              path,
              "invalid duration "
                  + node.asText()
                  + ": a duration needs a unit, such as "
                  + node.asText()
                  + "s or "
                  + node.asText()
                  + "ms"));
      return null;
    }
    if (!node.isTextual()) {
      return wrongType(node, path, "a duration such as 200ms, 1s or 5m");
    }
    try {
      GoDuration.parse(node.asText());
      return node;
    } catch (IllegalArgumentException e) {
      violations.add(new ConfigViolation(path, e.getMessage()));
      return null;
    }
  }

  private JsonNode integer(JsonNode node, String path, long min, long max) {
    BigInteger value = null;
    if (node.isIntegralNumber()) {
      value = node.bigIntegerValue();
    } else if (node.isTextual() && node.asText().strip().matches("[-+]?[0-9]+")) {
      value = new BigInteger(node.asText().strip());
    }
    if (value == null) {
      return wrongType(node, path, "an integer");
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      violations.add(
          new ConfigViolation(
              path, "integer " + value + " is out of range (" + min + ".." + max + ")"));
      return null;
    }
    return node;
  }

  private JsonNode enumValue(JsonNode node, Class<?> type, String path) {
    List<String> allowed = new ArrayList<>();
    for (Field f : type.getFields()) {
      if (f.isEnumConstant()) {
        JsonProperty p = f.getAnnotation(JsonProperty.class);
        allowed.add(p != null && !p.value().isEmpty() ? p.value() : lower(f.getName()));
      }
    }
    if (!node.isValueNode()) {
      return wrongType(node, path, "one of " + String.join(", ", allowed));
    }
    String text = node.asText();
    for (String a : allowed) {
      if (a.equalsIgnoreCase(text)) {
        return node;
      }
    }
    violations.add(
        new ConfigViolation(
            path,
            "'"
                + text
                + "' is not one of "
                + String.join(", ", allowed)
                + Suggestions.didYouMean(text, allowed)));
    return null;
  }

  private JsonNode expect(boolean ok, JsonNode node, String path, String expected) {
    return ok ? node : wrongType(node, path, expected);
  }

  private JsonNode wrongType(JsonNode node, String path, String expected) {
    violations.add(new ConfigViolation(path, "expected " + expected + ", got " + describe(node)));
    return null;
  }

  static String unknownKey(String key, Collection<String> known) {
    String suggestion = Suggestions.didYouMean(key, known);
    if (!suggestion.isEmpty()) {
      return "unknown key" + suggestion;
    }
    return known.isEmpty()
        ? "unknown key (this section takes no settings)"
        : "unknown key (valid keys: " + String.join(", ", known) + ")";
  }

  /** How a value reads in a message: {@code a string 'abc'}, {@code a list}, {@code 1.5}. */
  static String describe(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    return node.asText();
  }

  private static boolean isDecimal(JsonNode node) {
    if (!node.isTextual()) {
      return false;
    }
    try {
      new BigDecimal(node.asText().strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String jsonName(RecordComponent rc) {
    JsonProperty p = rc.getAccessor().getAnnotation(JsonProperty.class);
    if (p == null) {
      try {
        p =
            rc.getDeclaringRecord()
                .getDeclaredField(rc.getName())
                .getAnnotation(JsonProperty.class);
      } catch (NoSuchFieldException e) {
        p = null;
      }
    }
    return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
  }

  static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return rawClass(p.getRawType());
    }
    if (type instanceof WildcardType w) {
      return rawClass(w.getUpperBounds()[0]);
    }
    return null;
  }

  static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
      return p.getActualTypeArguments()[index];
    }
    return Object.class;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
