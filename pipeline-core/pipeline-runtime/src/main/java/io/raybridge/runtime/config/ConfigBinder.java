package io.raybridge.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Binds one YAML mapping to a config record strictly: unknown keys and wrong types are reported for
 * the whole mapping at once (see {@link SchemaChecker}), then the record is built, and the
 * violations its constructor throws ({@link InvalidConfigException}) are reported with their full
 * path. The runtime binds every component section through here, and the test kit's fixture binder
 * delegates to it, so that tests see exactly the messages users see.
 *
 * <p>Durations are Go-style ({@code 200ms}, {@code 1h30m}, see {@link GoDuration}); enums match
 * case-insensitively. Thread-safe.
 */
public final class ConfigBinder {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .addModule(
              new SimpleModule("raybridge-config")
                  .addDeserializer(Duration.class, new DurationDeserializer()))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .build();

  private ConfigBinder() {}

  /**
   * The record bound from {@code value}, or the violations (paths relative to {@code value}).
   *
   * @param value the bound record, or null when there are violations
   * @param violations every problem found, in document order; empty when {@code value} is set
   */
  record Outcome<C>(C value, List<ConfigViolation> violations) {
    boolean ok() {
      return violations.isEmpty();
    }
  }

  /**
   * Binds {@code yaml}, one component section such as {@code "endpoint: 127.0.0.1:4317"}, to {@code
   * type}. An empty text or {@code {}} binds to the defaults. {@code ${env:...}} references are not
   * expanded.
   *
   * @throws InvalidConfigException holding every violation, with paths relative to the section
   */
  public static <C> C bind(String yaml, Class<C> type) {
    return bind(yaml, type, Map.of());
  }

  /**
   * Like {@link #bind(String, Class)}, expanding {@code ${env:NAME}} references from {@code env}.
   */
  public static <C> C bind(String yaml, Class<C> type, Map<String, String> env) {
    Outcome<C> outcome = bindText(yaml, type, env);
    if (!outcome.ok()) {
      throw new InvalidConfigException(outcome.violations());
    }
    return outcome.value();
  }

  /**
   * The problems with binding {@code yaml} to {@code type}, each rendered as {@code path: message}
   * (or just {@code message} for the section itself), exactly as {@code raybridge validate} prints
   * them after the file name and section path; empty when the section is valid.
   */
  public static List<String> violations(String yaml, Class<?> type) {
    return bindText(yaml, type, Map.of()).violations().stream()
        .map(ConfigViolation::toString)
        .toList();
  }

  private static <C> Outcome<C> bindText(String yaml, Class<C> type, Map<String, String> env) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(type, "type");
    YamlDocument doc = YamlDocument.parse("yaml", 0, yaml, env);
    if (!doc.problems().isEmpty()) {
      return new Outcome<>(
          null,
          doc.problems().stream()
              .map(
                  p ->
                      new ConfigViolation(
                          p.path(),
                          p.line() > 0 ? p.message() + " (line " + p.line() + ")" : p.message()))
              .toList());
    }
    return bindNode(doc.root(), type);
  }

  /** Binds {@code node} (null, a YAML null or {@code {}} give the defaults) to {@code type}. */
  static <C> Outcome<C> bindNode(JsonNode node, Class<C> type) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      node = JsonNodeFactory.instance.objectNode();
    }
    SchemaChecker.Result checked = SchemaChecker.check(node, type);
    List<ConfigViolation> violations = new ArrayList<>(checked.violations());
    if (checked.cleaned() == null) {
      return new Outcome<>(null, violations);
    }
    JsonNode cleaned = checked.cleaned();
    if (cleaned.isObject()) {
      violations.addAll(pruneInvalidNested((ObjectNode) cleaned, type, ""));
    }
    try {
      C value = MAPPER.treeToValue(cleaned, type);
      if (violations.isEmpty()) {
        return new Outcome<>(value, List.of());
      }
    } catch (JsonProcessingException e) {
      for (ConfigViolation v : translate(e)) {
        // The checker already explained what it removed; the record then only sees a default.
        boolean explained =
            checked.violations().stream().anyMatch(c -> ConfigPaths.isWithin(v.path(), c.path()));
        if (!explained) {
          violations.add(v);
        }
      }
    } catch (IllegalArgumentException e) {
      violations.add(new ConfigViolation("", message(e)));
    }
    return new Outcome<>(null, violations);
  }

  /**
   * Binds every nested record on its own, innermost first, and removes those that fail from {@code
   * node}, returning their violations. Jackson stops at the first constructor that throws; this way
   * the violations of a parent and of each of its nested records are all reported, the parent
   * seeing defaults where a nested record was invalid.
   */
  private static List<ConfigViolation> pruneInvalidNested(
      ObjectNode node, Class<?> record, String path) {
    List<ConfigViolation> violations = new ArrayList<>();
    if (!record.isRecord()) {
      return violations;
    }
    for (Map.Entry<String, RecordComponent> e : SchemaChecker.keys(record).entrySet()) {
      JsonNode child = node.get(e.getKey());
      if (child == null || child.isNull()) {
        continue;
      }
      String childPath = ConfigPaths.child(path, e.getKey());
      Type type = e.getValue().getGenericType();
      Class<?> raw = SchemaChecker.rawClass(type);
      if (raw == null) {
        continue;
      }
      if (raw.isRecord() && child.isObject()) {
        List<ConfigViolation> nested = bindAlone((ObjectNode) child, raw, childPath);
        if (!nested.isEmpty()) {
          violations.addAll(nested);
          node.remove(e.getKey());
        }
      } else if (List.class.isAssignableFrom(raw) && child.isArray()) {
        Class<?> element = SchemaChecker.rawClass(SchemaChecker.typeArgument(type, 0));
        boolean failed = false;
        for (int i = 0; element != null && element.isRecord() && i < child.size(); i++) {
          if (child.get(i).isObject()) {
            List<ConfigViolation> nested =
                bindAlone((ObjectNode) child.get(i), element, childPath + "[" + i + "]");
            violations.addAll(nested);
            failed |= !nested.isEmpty();
          }
        }
        if (failed) {
          node.remove(e.getKey());
        }
      } else if (Map.class.isAssignableFrom(raw) && child.isObject()) {
        Class<?> value = SchemaChecker.rawClass(SchemaChecker.typeArgument(type, 1));
        if (value == null || !value.isRecord()) {
          continue;
        }
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : child.properties()) {
          if (entry.getValue().isObject()) {
            List<ConfigViolation> nested =
                bindAlone(
                    (ObjectNode) entry.getValue(),
                    value,
                    ConfigPaths.child(childPath, entry.getKey()));
            violations.addAll(nested);
            if (!nested.isEmpty()) {
              bad.add(entry.getKey());
            }
          }
        }
        ((ObjectNode) child).remove(bad);
      }
    }
    return violations;
  }

  private static List<ConfigViolation> bindAlone(ObjectNode node, Class<?> record, String path) {
    List<ConfigViolation> violations = new ArrayList<>(pruneInvalidNested(node, record, path));
    try {
      MAPPER.treeToValue(node, record);
    } catch (JsonProcessingException e) {
      translate(e).forEach(v -> violations.add(v.under(path)));
    } catch (IllegalArgumentException e) {
      violations.add(new ConfigViolation(path, message(e)));
    }
    return violations;
  }

  private static List<ConfigViolation> translate(JsonProcessingException e) {
    String at = "";
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          at = ConfigPaths.child(at, ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          at = at + "[" + ref.getIndex() + "]";
        }
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidConfigException invalid) {
        String prefix = at;
        return invalid.violations().stream().map(v -> v.under(prefix)).toList();
      }
    }
    Throwable cause = e.getCause();
    if (cause != null && !(cause instanceof JsonProcessingException)) {
      return List.of(new ConfigViolation(at, message(cause)));
    }
    return List.of(new ConfigViolation(at, firstLine(e.getOriginalMessage())));
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
  }

  private static String firstLine(String s) {
    return s == null ? "invalid value" : s.strip().lines().findFirst().orElse("invalid value");
  }

  /** Go-style durations; see {@link GoDuration}. */
  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {

    private static final long serialVersionUID = 1L;

    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getLongValue() == 0) {
        return Duration.ZERO;
      }
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration)
            ctxt.handleUnexpectedToken(
                Duration.class,
                p.currentToken(),
                p,
                "expected a duration such as 200ms, 1s or 5m, got %s",
                p.getText());
      }
      try {
        return GoDuration.parse(p.getText());
      } catch (IllegalArgumentException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, p.getText(), e.getMessage());
      }
    }
  }
}
