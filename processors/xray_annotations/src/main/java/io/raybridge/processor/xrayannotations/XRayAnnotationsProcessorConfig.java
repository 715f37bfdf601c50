package io.raybridge.processor.xrayannotations;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the {@code xray_annotations} processor.
 *
 * @param rules which attributes become annotations, evaluated in order (the first rule that selects
 *     an attribute decides for it)
 * @param metadata the metadata namespace of attributes that are not annotations
 * @param maxAnnotations annotations per span (each span becomes one segment or subsegment),
 *     annotations the span already carries counting first; 0..50
 * @param keySanitization how annotation keys are made acceptable to X-Ray
 * @param onInvalid what happens to an attribute X-Ray would refuse as an annotation
 * @param explain whether each changed span records, as metadata, which rule produced which
 *     annotation and why selected attributes were not promoted
 */
public record XRayAnnotationsProcessorConfig(
    @JsonProperty("rules") List<AnnotationRule> rules,
    @JsonProperty("metadata") MetadataRouting metadata,
    @JsonProperty("max_annotations") Integer maxAnnotations,
    @JsonProperty("key_sanitization") KeySanitization keySanitization,
    @JsonProperty("on_invalid") OnInvalid onInvalid,
    @JsonProperty("explain") Boolean explain) {

  /** X-Ray indexes at most 50 annotations. */
  public static final int DEFAULT_MAX_ANNOTATIONS = 50;

  public static final KeySanitization DEFAULT_KEY_SANITIZATION = KeySanitization.KEEP_DOTS;
  public static final OnInvalid DEFAULT_ON_INVALID = OnInvalid.METADATA;
  public static final boolean DEFAULT_EXPLAIN = false;

  /** How annotation keys are sanitized. */
  public enum KeySanitization {
    /** Every character except ASCII letters, digits, {@code _} and {@code .} becomes {@code _}. */
    @JsonProperty("keep_dots")
    KEEP_DOTS,
    /** Every character except ASCII letters, digits and {@code _} becomes {@code _}. */
    @JsonProperty("underscore")
    UNDERSCORE
  }

  /** What happens to an attribute that cannot be an annotation. */
  public enum OnInvalid {
    /** It stays, as metadata. */
    @JsonProperty("metadata")
    METADATA,
    /** It is removed from the span. */
    @JsonProperty("drop")
    DROP
  }

  public XRayAnnotationsProcessorConfig {
    boolean emptyRule = rules != null && rules.stream().anyMatch(Objects::isNull);
    rules = rules == null ? List.of() : rules.stream().filter(Objects::nonNull).toList();
    metadata = metadata == null ? MetadataRouting.defaults() : metadata;
    maxAnnotations = maxAnnotations == null ? DEFAULT_MAX_ANNOTATIONS : maxAnnotations;
    keySanitization = keySanitization == null ? DEFAULT_KEY_SANITIZATION : keySanitization;
    onInvalid = onInvalid == null ? DEFAULT_ON_INVALID : onInvalid;
    explain = explain == null ? DEFAULT_EXPLAIN : explain;
    Violations v = new Violations();
    v.check(maxAnnotations >= 0, "max_annotations", "(" + maxAnnotations + ") must be >= 0");
    v.check(
        maxAnnotations <= DEFAULT_MAX_ANNOTATIONS,
        "max_annotations",
        "(" + maxAnnotations + ") must be <= 50, the number of annotations X-Ray indexes");
    v.check(!emptyRule, "rules", "must not contain empty rules");
    // Two rules that can apply to the same span must not write the same annotation key: one
    // of them would silently lose.
    Map<String, Integer> targets = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      AnnotationRule r = rules.get(i);
      String target = r.fixedTarget();
      if (target == null) {
        continue;
      }
      String sanitized = KeySanitizer.sanitize(target, keySanitization);
      Integer earlier = targets.get(sanitized);
      if (earlier != null && rules.get(earlier).overlaps(r)) {
        v.add(
            "rules[" + i + "]" + (r.as() != null ? ".as" : ".key"),
            "annotation key ("
                + sanitized
                + ") is already produced by rules["
                + earlier
                + "] for the same spans; give each rule its own annotation key or limit them to"
                + " different services or span_kinds");
      } else if (earlier == null) {
        targets.put(sanitized, i);
      }
    }
    v.throwIfAny();
  }

  /** The defaults: no rules, 50 annotations, dots kept, invalid values kept as metadata. */
  public static XRayAnnotationsProcessorConfig defaults() {
    return new XRayAnnotationsProcessorConfig(null, null, null, null, null, null);
  }
}
