package io.raybridge.xray;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * How spans become segment documents. One record instead of positional flags; bound from YAML by
 * the exporter ({@code snake_case} keys).
 *
 * @param indexedAttributes attribute keys written as annotations (in this priority order)
 * @param indexAllAttributes write every scalar attribute as an annotation
 * @param annotationKeys how annotation keys are sanitized
 * @param awsLogGroups CloudWatch log group names used when the resource names none
 * @param traceIdPolicy what to do with W3C trace ids whose first 4 bytes are not a plausible epoch
 * @param maxAnnotations annotations per document; the rest go to metadata and are counted
 */
public record XRaySettings(
    @JsonProperty("indexed_attributes") List<String> indexedAttributes,
    @JsonProperty("index_all_attributes") boolean indexAllAttributes,
    @JsonProperty("annotation_keys") KeyMode annotationKeys,
    @JsonProperty("aws_log_groups") List<String> awsLogGroups,
    @JsonProperty("trace_id_policy") TraceIdPolicy traceIdPolicy,
    @JsonProperty("max_annotations") Integer maxAnnotations) {

  /** X-Ray indexes at most 50 annotations. */
  public static final int DEFAULT_MAX_ANNOTATIONS = 50;

  /** Defaults: nothing indexed, dots kept, W3C ids kept, 50 annotations. */
  public static final XRaySettings DEFAULTS =
      new XRaySettings(List.of(), false, null, List.of(), null, null);

  /** Annotation key sanitization. */
  public enum KeyMode {
    /** Replace every character except ASCII letters, digits, '_' and '.' with '_'. */
    @JsonProperty("keep_dots")
    KEEP_DOTS,
    /** Replace every character except ASCII letters, digits and '_' with '_'. */
    @JsonProperty("underscore")
    UNDERSCORE
  }

  /** Handling of trace ids whose epoch part is not a plausible time. */
  public enum TraceIdPolicy {
    /** Send them (X-Ray accepts W3C ids on the OTel path since 2023). */
    @JsonProperty("keep")
    KEEP,
    /** Drop the span and count it as {@link TranslationStats.Outcome#DROPPED_INVALID_TRACE_ID}. */
    @JsonProperty("drop")
    DROP
  }

  public XRaySettings {
    indexedAttributes = indexedAttributes == null ? List.of() : List.copyOf(indexedAttributes);
    awsLogGroups = awsLogGroups == null ? List.of() : List.copyOf(awsLogGroups);
    annotationKeys = annotationKeys == null ? KeyMode.KEEP_DOTS : annotationKeys;
    traceIdPolicy = traceIdPolicy == null ? TraceIdPolicy.KEEP : traceIdPolicy;
    maxAnnotations = maxAnnotations == null ? DEFAULT_MAX_ANNOTATIONS : maxAnnotations;
    List<String> problems = new ArrayList<>();
    if (maxAnnotations < 0 || maxAnnotations > DEFAULT_MAX_ANNOTATIONS) {
      problems.add("max_annotations (" + maxAnnotations + ") must be between 0 and 50");
    }
    for (String k : indexedAttributes) {
      if (k == null || k.isEmpty()) {
        problems.add("indexed_attributes must not contain empty keys");
        break;
      }
    }
    for (String g : awsLogGroups) {
      if (g == null || g.isEmpty()) {
        problems.add("aws_log_groups must not contain empty names");
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Whether these settings turn spans that {@link SegmentToSpan} read from a document, unchanged,
   * back into that document (up to the order of members and the spelling of numbers): true when no
   * setting adds annotations, log groups or a lower annotation limit. An exporter may then send a
   * batch's source documents as they arrived instead of converting its spans again.
   */
  public boolean reproducesDocuments() {
    return indexedAttributes.isEmpty()
        && !indexAllAttributes
        && annotationKeys == KeyMode.KEEP_DOTS
        && awsLogGroups.isEmpty()
        && maxAnnotations == DEFAULT_MAX_ANNOTATIONS;
  }

  /** A copy with other indexed attributes. */
  public XRaySettings withIndexedAttributes(List<String> keys) {
    return new XRaySettings(
        keys, indexAllAttributes, annotationKeys, awsLogGroups, traceIdPolicy, maxAnnotations);
  }

  /** A copy with {@code index_all_attributes} set. */
  public XRaySettings withIndexAllAttributes(boolean all) {
    return new XRaySettings(
        indexedAttributes, all, annotationKeys, awsLogGroups, traceIdPolicy, maxAnnotations);
  }

  /** A copy with another key mode. */
  public XRaySettings withAnnotationKeys(KeyMode mode) {
    return new XRaySettings(
        indexedAttributes, indexAllAttributes, mode, awsLogGroups, traceIdPolicy, maxAnnotations);
  }

  /** A copy with other log groups. */
  public XRaySettings withAwsLogGroups(List<String> groups) {
    return new XRaySettings(
        indexedAttributes,
        indexAllAttributes,
        annotationKeys,
        groups,
        traceIdPolicy,
        maxAnnotations);
  }

  /** A copy with another trace-id policy. */
  public XRaySettings withTraceIdPolicy(TraceIdPolicy policy) {
    return new XRaySettings(
        indexedAttributes,
        indexAllAttributes,
        annotationKeys,
        awsLogGroups,
        policy,
        maxAnnotations);
  }

  /** A copy with another annotation limit. */
  public XRaySettings withMaxAnnotations(int max) {
    return new XRaySettings(
        indexedAttributes, indexAllAttributes, annotationKeys, awsLogGroups, traceIdPolicy, max);
  }
}
