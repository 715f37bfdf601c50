package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A segment or subsegment document (XRAY-REFERENCE §1). Nested {@link #subsegments()} use the same
 * type. Times are seconds since the Unix epoch; {@code null} means the member is absent.
 *
 * <p>Use {@link #builder()} / {@link #toBuilder()} rather than the canonical constructor.
 */
public record Segment(
    String name,
    String id,
    String traceId,
    String parentId,
    String type,
    Double startTime,
    Double endTime,
    Boolean inProgress,
    String namespace,
    String origin,
    String user,
    String resourceArn,
    Service service,
    Http http,
    Aws aws,
    Sql sql,
    Boolean error,
    Boolean fault,
    Boolean throttle,
    Cause cause,
    Map<String, AnnotationValue> annotations,
    Map<String, JsonNode> metadata,
    List<Segment> subsegments,
    List<String> precursorIds,
    List<Link> links,
    Boolean traced,
    Map<String, JsonNode> extra) {

  /** The value of {@code type} for subsegments sent as their own document. */
  public static final String TYPE_SUBSEGMENT = "subsegment";

  public Segment {
    annotations = annotations == null ? null : Extras.copyOrdered(annotations);
    metadata = metadata == null ? null : Extras.copyOrdered(metadata);
    subsegments = subsegments == null ? null : List.copyOf(subsegments);
    precursorIds = precursorIds == null ? null : List.copyOf(precursorIds);
    links = links == null ? null : List.copyOf(links);
    extra = Extras.copy(extra);
  }

  /** True if {@code type} is {@code "subsegment"}. */
  public boolean isSubsegmentType() {
    return TYPE_SUBSEGMENT.equals(type);
  }

  /** Subsegments, never null. */
  public List<Segment> subsegmentList() {
    return subsegments == null ? List.of() : subsegments;
  }

  /** Number of (sub)segments in this document, counting this one. */
  public int count() {
    int n = 1;
    for (Segment s : subsegmentList()) {
      n += s.count();
    }
    return n;
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this segment's members. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.id = id;
    b.traceId = traceId;
    b.parentId = parentId;
    b.type = type;
    b.startTime = startTime;
    b.endTime = endTime;
    b.inProgress = inProgress;
    b.namespace = namespace;
    b.origin = origin;
    b.user = user;
    b.resourceArn = resourceArn;
    b.service = service;
    b.http = http;
    b.aws = aws;
    b.sql = sql;
    b.error = error;
    b.fault = fault;
    b.throttle = throttle;
    b.cause = cause;
    b.annotations = annotations == null ? null : new LinkedHashMap<>(annotations);
    b.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
    b.subsegments = subsegments == null ? null : new ArrayList<>(subsegments);
    b.precursorIds = precursorIds;
    b.links = links;
    b.traced = traced;
    b.extra = extra.isEmpty() ? null : new LinkedHashMap<>(extra);
    return b;
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String name;
    private String id;
    private String traceId;
    private String parentId;
    private String type;
    private Double startTime;
    private Double endTime;
    private Boolean inProgress;
    private String namespace;
    private String origin;
    private String user;
    private String resourceArn;
    private Service service;
    private Http http;
    private Aws aws;
    private Sql sql;
    private Boolean error;
    private Boolean fault;
    private Boolean throttle;
    private Cause cause;
    private Map<String, AnnotationValue> annotations;
    private Map<String, JsonNode> metadata;
    private List<Segment> subsegments;
    private List<String> precursorIds;
    private List<Link> links;
    private Boolean traced;
    private Map<String, JsonNode> extra;

    private Builder() {}

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder traceId(String v) {
      traceId = v;
      return this;
    }

    public Builder parentId(String v) {
      parentId = v;
      return this;
    }

    public Builder type(String v) {
      type = v;
      return this;
    }

    public Builder startTime(Double v) {
      startTime = v;
      return this;
    }

    public Builder endTime(Double v) {
      endTime = v;
      return this;
    }

    public Builder inProgress(Boolean v) {
      inProgress = v;
      return this;
    }

    public Builder namespace(String v) {
      namespace = v;
      return this;
    }

    public Builder origin(String v) {
      origin = v;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder resourceArn(String v) {
      resourceArn = v;
      return this;
    }

    public Builder service(Service v) {
      service = v;
      return this;
    }

    public Builder http(Http v) {
      http = v;
      return this;
    }

    public Builder aws(Aws v) {
      aws = v;
      return this;
    }

    public Builder sql(Sql v) {
      sql = v;
      return this;
    }

    public Builder error(Boolean v) {
      error = v;
      return this;
    }

    public Builder fault(Boolean v) {
      fault = v;
      return this;
    }

    public Builder throttle(Boolean v) {
      throttle = v;
      return this;
    }

    public Builder cause(Cause v) {
      cause = v;
      return this;
    }

    public Builder annotations(Map<String, AnnotationValue> v) {
      annotations = v;
      return this;
    }

    /** Adds one annotation, creating the map if needed. */
    public Builder annotation(String key, AnnotationValue value) {
      if (annotations == null) {
        annotations = new LinkedHashMap<>();
      }
      annotations.put(key, value);
      return this;
    }

    public Builder metadata(Map<String, JsonNode> v) {
      metadata = v;
      return this;
    }

    public Builder subsegments(List<Segment> v) {
      subsegments = v;
      return this;
    }

    /** Appends one subsegment, creating the list if needed. */
    public Builder subsegment(Segment v) {
      if (subsegments == null) {
        subsegments = new ArrayList<>();
      }
      subsegments.add(v);
      return this;
    }

    public Builder precursorIds(List<String> v) {
      precursorIds = v;
      return this;
    }

    public Builder links(List<Link> v) {
      links = v;
      return this;
    }

    public Builder traced(Boolean v) {
      traced = v;
      return this;
    }

    public Builder extra(Map<String, JsonNode> v) {
      extra = v;
      return this;
    }

    /** Adds one unknown member. */
    public Builder extra(String key, JsonNode value) {
      if (extra == null) {
        extra = new LinkedHashMap<>();
      }
      extra.put(key, value);
      return this;
    }

    public Map<String, AnnotationValue> annotations() {
      return annotations;
    }

    public Map<String, JsonNode> metadata() {
      return metadata;
    }

    public List<Segment> subsegments() {
      return subsegments;
    }

    public Segment build() {
      return new Segment(
          name,
          id,
          traceId,
          parentId,
          type,
          startTime,
          endTime,
          inProgress,
          namespace,
          origin,
          user,
          resourceArn,
          service,
          http,
          aws,
          sql,
          error,
          fault,
          throttle,
          cause,
          annotations,
          metadata,
          subsegments,
          precursorIds,
          links,
          traced,
          extra);
    }
  }
}
