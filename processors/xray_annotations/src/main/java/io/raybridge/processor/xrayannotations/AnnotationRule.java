package io.raybridge.processor.xrayannotations;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code rules}: which attributes it selects, and how each becomes an annotation.
 * Exactly one of {@code key}, {@code key_glob} and {@code key_regex} is set.
 *
 * @param key the exact attribute key
 * @param keyGlob a glob over the key: {@code *} any run of characters (dots included), {@code ?}
 *     one character
 * @param keyRegex a Java regular expression the whole key must match
 * @param services limits the rule to these {@code service.name} values; empty means every service
 * @param spanKinds limits the rule to these span kinds; empty means every kind
 * @param from whether the rule reads span or resource attributes
 * @param as the annotation key (only with an exact {@code key})
 * @param stripPrefix removed from the front of the key when present
 * @param addPrefix put in front of the key (after {@code strip_prefix})
 * @param type the annotation's type; null keeps the attribute's type
 * @param keepAsMetadata whether the attribute also stays in metadata after promotion
 */
public record AnnotationRule(
    @JsonProperty("key") String key,
    @JsonProperty("key_glob") String keyGlob,
    @JsonProperty("key_regex") String keyRegex,
    @JsonProperty("services") List<String> services,
    @JsonProperty("span_kinds") List<SpanKindName> spanKinds,
    @JsonProperty("from") Source from,
    @JsonProperty("as") String as,
    @JsonProperty("strip_prefix") String stripPrefix,
    @JsonProperty("add_prefix") String addPrefix,
    @JsonProperty("type") ValueType type,
    @JsonProperty("keep_as_metadata") Boolean keepAsMetadata) {

  public static final Source DEFAULT_FROM = Source.SPAN;
  public static final boolean DEFAULT_KEEP_AS_METADATA = false;

  /** Where a rule reads attributes. */
  public enum Source {
    @JsonProperty("span")
    SPAN,
    /**
     * The resource's attributes. They are shared by every span of the resource and also feed the
     * segment's {@code aws} and {@code service} blocks, so they are copied, never removed.
     */
    @JsonProperty("resource")
    RESOURCE
  }

  /** The type an annotation value is coerced to. */
  public enum ValueType {
    @JsonProperty("string")
    STRING,
    @JsonProperty("int")
    INT,
    @JsonProperty("double")
    DOUBLE,
    @JsonProperty("bool")
    BOOL
  }

  /** Span kinds as written in YAML. */
  public enum SpanKindName {
    @JsonProperty("server")
    SERVER,
    @JsonProperty("client")
    CLIENT,
    @JsonProperty("producer")
    PRODUCER,
    @JsonProperty("consumer")
    CONSUMER,
    @JsonProperty("internal")
    INTERNAL
  }

  public AnnotationRule {
    boolean emptyService =
        services != null && services.stream().anyMatch(s -> s == null || s.isEmpty());
    boolean emptyKind = spanKinds != null && spanKinds.stream().anyMatch(Objects::isNull);
    services = services == null ? List.of() : services.stream().filter(Objects::nonNull).toList();
    spanKinds =
        spanKinds == null ? List.of() : spanKinds.stream().filter(Objects::nonNull).toList();
    from = from == null ? DEFAULT_FROM : from;
    keepAsMetadata = keepAsMetadata == null ? DEFAULT_KEEP_AS_METADATA : keepAsMetadata;
    Violations v = new Violations();
    int selectors = (key != null ? 1 : 0) + (keyGlob != null ? 1 : 0) + (keyRegex != null ? 1 : 0);
    v.check(
        selectors == 1,
        "",
        selectors == 0
            ? "one of key, key_glob or key_regex is required"
            : "only one of key, key_glob or key_regex may be set, found "
                + selectorNames(key, keyGlob, keyRegex));
    v.check(key == null || !key.isEmpty(), "key", "must not be empty");
    v.check(keyGlob == null || !keyGlob.isEmpty(), "key_glob", "must not be empty");
    if (keyRegex != null) {
      try {
        Pattern.compile(keyRegex);
      } catch (PatternSyntaxException e) {
        v.add(
            "key_regex",
            "invalid regular expression \""
                + keyRegex
                + "\": "
                + e.getDescription()
                + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
      }
    }
    v.check(as == null || !as.isEmpty(), "as", "must not be empty");
    v.check(
        as == null || key != null || selectors != 1,
        "as",
        "("
            + as
            + ") renames a single attribute and needs an exact key; with "
            + (keyGlob != null ? "key_glob" : "key_regex")
            + " use strip_prefix or add_prefix");
    v.check(
        as == null || (stripPrefix == null && addPrefix == null),
        "as",
        "cannot be combined with strip_prefix or add_prefix");
    v.check(stripPrefix == null || !stripPrefix.isEmpty(), "strip_prefix", "must not be empty");
    v.check(addPrefix == null || !addPrefix.isEmpty(), "add_prefix", "must not be empty");
    v.check(!emptyService, "services", "must not contain empty names");
    v.check(!emptyKind, "span_kinds", "must not contain empty kinds");
    v.throwIfAny();
  }

  private static String selectorNames(String key, String keyGlob, String keyRegex) {
    StringBuilder b = new StringBuilder();
    appendName(b, key, "key");
    appendName(b, keyGlob, "key_glob");
    appendName(b, keyRegex, "key_regex");
    return b.toString();
  }

  private static void appendName(StringBuilder b, String value, String name) {
    if (value != null) {
      b.append(b.length() == 0 ? "" : " and ").append(name).append(" (").append(value).append(')');
    }
  }

  /** A rule promoting span attribute {@code key} as it is. */
  public static AnnotationRule ofKey(String key) {
    return new AnnotationRule(key, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * The annotation key before sanitization, when it is the same for every attribute the rule
   * selects (an exact key); null for globs and regular expressions.
   */
  String fixedTarget() {
    if (key == null) {
      return null;
    }
    return as != null ? as : rename(key);
  }

  /** Applies {@code strip_prefix}, then {@code add_prefix}; {@code as} is handled by callers. */
  String rename(String attributeKey) {
    String k = attributeKey;
    if (stripPrefix != null && k.startsWith(stripPrefix)) {
      k = k.substring(stripPrefix.length());
    }
    if (addPrefix != null) {
      k = addPrefix + k;
    }
    return k;
  }

  /** The regular expression equivalent to the rule's selector. */
  Pattern pattern() {
    if (key != null) {
      return Pattern.compile(Pattern.quote(key));
    }
    if (keyRegex != null) {
      return Pattern.compile(keyRegex);
    }
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < keyGlob.length(); i++) {
      char c = keyGlob.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /** Whether this rule's and {@code other}'s service and kind limits can select the same span. */
  boolean overlaps(AnnotationRule other) {
    return (services.isEmpty()
            || other.services.isEmpty()
            || services.stream().anyMatch(other.services::contains))
        && (spanKinds.isEmpty()
            || other.spanKinds.isEmpty()
            || spanKinds.stream().anyMatch(other.spanKinds::contains));
  }
}
