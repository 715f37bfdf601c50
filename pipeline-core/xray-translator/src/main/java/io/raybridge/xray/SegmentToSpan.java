package io.raybridge.xray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.xray.SegmentValidator.Problem;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Aws;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.ExceptionDetail;
import io.raybridge.xray.model.Http;
import io.raybridge.xray.model.Link;
import io.raybridge.xray.model.Segment;
import io.raybridge.xray.model.Service;
import io.raybridge.xray.model.Sql;
import io.raybridge.xray.model.StackFrame;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * X-Ray → OTel (XRAY-REFERENCE §6, improved): one document becomes one {@link ResourceSpans} with
 * one {@link ScopeSpans} (scope {@link XRayAttributes#SCOPE_NAME}) holding the segment and every
 * nested subsegment in pre-order, parents linked by id.
 *
 * <p>Every member OTel has no place for is carried in {@code aws.xray.*} attributes (see the module
 * README), so that {@link SpanToSegment} rebuilds the same document. Stateless and thread-safe.
 */
public final class SegmentToSpan {

  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName(XRayAttributes.SCOPE_NAME).build();

  /** Keys written by this class; annotations with these keys are stored under a prefix. */
  static final Set<String> RESERVED =
      Set.of(
          "service.name",
          "service.version",
          "service.namespace",
          "service.instance.id",
          "cloud.provider",
          "cloud.platform",
          "cloud.account.id",
          "cloud.availability_zone",
          "host.id",
          "host.type",
          "host.image.id",
          "container.name",
          "container.id",
          "k8s.pod.name",
          "k8s.cluster.name",
          "aws.ecs.container.arn",
          "aws.ecs.task.arn",
          "aws.ecs.task.family",
          "aws.ecs.cluster.arn",
          "aws.ecs.launchtype",
          "aws.log.group.names",
          "aws.log.group.arns",
          "telemetry.sdk.name",
          "telemetry.sdk.version",
          "enduser.id",
          "http.request.method",
          "url.full",
          "user_agent.original",
          "client.address",
          "http.response.status_code",
          "http.response.body.size",
          "aws.account_id",
          "rpc.method",
          "rpc.system",
          "rpc.service",
          "aws.region",
          "aws.request_id",
          "aws.queue_url",
          "aws.table_name",
          "aws.dynamodb.table_names",
          "db.connection_string",
          "db.query.text",
          "db.system.name",
          "db.user");

  private static final ThreadLocal<Span.Builder> SPAN_BUILDER =
      ThreadLocal.withInitial(Span::newBuilder);

  private SegmentToSpan() {}

  /**
   * Parses {@code bytes} (see {@link SegmentCodec#parse(byte[])}) and converts every document.
   *
   * @throws SegmentFormatException if the bytes cannot be parsed or a document lacks valid ids or
   *     times
   */
  public static List<ResourceSpans> convert(byte[] bytes) {
    List<Segment> docs = SegmentCodec.parse(bytes);
    List<ResourceSpans> out = new ArrayList<>(docs.size());
    for (Segment s : docs) {
      out.add(convert(s));
    }
    return out;
  }

  /**
   * Converts one top-level document.
   *
   * @throws SegmentFormatException if ids, trace id or start times are missing or malformed
   */
  public static ResourceSpans convert(Segment document) {
    check(document);
    boolean segment = document.type() == null;
    Attrs.Out res = new Attrs.Out();
    if (segment) {
      res.put("service.name", document.name());
    }
    if (document.aws() != null || document.origin() != null) {
      res.put("cloud.provider", "aws");
    }
    String platform = platformOf(document.origin());
    res.put("cloud.platform", platform);
    ByteString traceId = Ids.traceId(document.traceId());
    List<Span> spans = new ArrayList<>(document.count());
    emit(document, traceId, Ids.spanId(document.parentId()), true, segment ? res : null, spans);
    return ResourceSpans.newBuilder()
        .setResource(res.toResource())
        .addScopeSpans(ScopeSpans.newBuilder().setScope(SCOPE).addAllSpans(spans))
        .build();
  }

  /**
   * The most bytes the {@code ResourceSpans} converted from a compact or spaced document of {@code
   * documentBytes} UTF-8 bytes encode to: eight times the document plus 512 bytes. Each JSON member
   * of a document takes at least six bytes ({@code "k":0,}) and becomes at most one attribute,
   * whose key gains a prefix of at most 25 characters ({@code aws.xray.annotation.}, {@code
   * aws.xray.metadata.}) and whose framing takes at most eight bytes, plus an entry in the
   * annotation key list; ids and times shrink from hex and decimal text to bytes. The constant
   * covers the resource and scope a document's spans are wrapped in. {@code EncodedSizeBoundTest}
   * holds conversion to it, including documents of nothing but the members that grow most.
   */
  public static int maxEncodedSize(int documentBytes) {
    return (int) Math.min(Integer.MAX_VALUE, 8L * documentBytes + 512);
  }

  /**
   * Checks what {@link #convert(Segment)} needs of a document (ids, trace id, start times) without
   * converting it: a document that passes converts without a {@link SegmentFormatException}.
   *
   * @throws SegmentFormatException naming every problem found, with the first one's reason
   */
  public static void check(Segment document) {
    Objects.requireNonNull(document, "document");
    List<Problem> problems = SegmentValidator.structuralProblems(document);
    if (!problems.isEmpty()) {
      throw new SegmentFormatException(
          problems.get(0).reason(),
          problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
    }
  }

  private static String platformOf(String origin) {
    if (origin == null) {
      return null;
    }
    return switch (origin) {
      case "AWS::EC2::Instance" -> "aws_ec2";
      case "AWS::ECS::Container", "AWS::ECS::EC2", "AWS::ECS::Fargate" -> "aws_ecs";
      case "AWS::EKS::Container" -> "aws_eks";
      case "AWS::ElasticBeanstalk::Environment" -> "aws_elastic_beanstalk";
      case "AWS::Lambda::Function", "AWS::Lambda" -> "aws_lambda";
      case "AWS::AppRunner::Service" -> "aws_app_runner";
      default -> null;
    };
  }

  /**
   * @param resource where segment-level {@code aws}/{@code service} data goes for a top-level
   *     segment; null to put it on the span
   */
  private static void emit(
      Segment s,
      ByteString traceId,
      ByteString parent,
      boolean top,
      Attrs.Out resource,
      List<Span> out) {
    ByteString spanId = Ids.spanId(s.id());
    // One builder per thread, cleared for each span: a span is built before its children are.
    Span.Builder span =
        SPAN_BUILDER
            .get()
            .clear()
            .setTraceId(traceId)
            .setSpanId(spanId)
            .setParentSpanId(parent)
            .setName(s.name())
            .setStartTimeUnixNano(Ids.nanos(s.startTime()));
    long end = s.endTime() == null ? 0 : Ids.nanos(s.endTime());
    span.setEndTimeUnixNano(end);
    boolean segment = top && s.type() == null;
    boolean remote = "aws".equals(s.namespace()) || "remote".equals(s.namespace());
    span.setKind(
        segment
            ? Span.SpanKind.SPAN_KIND_SERVER
            : remote ? Span.SpanKind.SPAN_KIND_CLIENT : Span.SpanKind.SPAN_KIND_INTERNAL);

    Attrs.Out a = new Attrs.Out();
    LazyObject unknown = new LazyObject();
    // Members without an OTel place.
    if (top) {
      a.put(XRayAttributes.TYPE, s.type());
    } else {
      // An embedded subsegment's own ids and type do not decide its place; keep them verbatim.
      unknown.putText("trace_id", s.traceId());
      unknown.putText("parent_id", s.parentId());
      unknown.putText("type", s.type());
    }
    a.put(XRayAttributes.IN_PROGRESS, s.inProgress());
    a.put(XRayAttributes.NAMESPACE, s.namespace());
    a.put(XRayAttributes.ORIGIN, s.origin());
    a.put(XRayAttributes.RESOURCE_ARN, s.resourceArn());
    a.put(XRayAttributes.ERROR, s.error());
    a.put(XRayAttributes.FAULT, s.fault());
    a.put(XRayAttributes.THROTTLE, s.throttle());
    a.put(XRayAttributes.TRACED, s.traced());
    a.put(XRayAttributes.PRECURSOR_IDS, s.precursorIds());
    a.put("enduser.id", s.user());
    if ("aws".equals(s.namespace())) {
      a.put("rpc.system", "aws-api");
      a.put("rpc.service", s.name());
    }
    if (s.service() != null) {
      Service v = s.service();
      Attrs.Out sink = resource != null ? resource : a;
      sink.put("service.version", v.version());
      sink.put(XRayAttributes.SERVICE_COMPILER, v.compiler());
      sink.put(XRayAttributes.SERVICE_COMPILER_VERSION, v.compilerVersion());
      block(
          unknown,
          "service",
          v.extra(),
          v.version() == null && v.compiler() == null && v.compilerVersion() == null);
    }
    if (s.http() != null) {
      http(s.http(), a, unknown);
    }
    if (s.aws() != null) {
      aws(s.aws(), a, resource != null ? resource : a, resource != null, unknown);
    }
    if (s.sql() != null) {
      Sql q = s.sql();
      a.put(XRayAttributes.SQL_URL, q.url());
      a.put("db.connection_string", q.connectionString());
      a.put("db.query.text", q.sanitizedQuery());
      a.put("db.system.name", q.databaseType());
      a.put(XRayAttributes.SQL_DATABASE_VERSION, q.databaseVersion());
      a.put(XRayAttributes.SQL_DRIVER_VERSION, q.driverVersion());
      a.put("db.user", q.user());
      a.put(XRayAttributes.SQL_PREPARATION, q.preparation());
      boolean empty =
          q.url() == null
              && q.connectionString() == null
              && q.sanitizedQuery() == null
              && q.databaseType() == null
              && q.databaseVersion() == null
              && q.driverVersion() == null
              && q.user() == null
              && q.preparation() == null;
      block(unknown, "sql", q.extra(), empty);
    }
    String statusMessage = null;
    long eventTime = end != 0 ? end : span.getStartTimeUnixNano();
    if (s.cause() instanceof Cause.ExceptionId c) {
      a.put(XRayAttributes.CAUSE_ID, c.id());
      statusMessage = c.id();
    } else if (s.cause() instanceof Cause.Details c) {
      a.put(XRayAttributes.CAUSE_WORKING_DIRECTORY, c.workingDirectory());
      a.put(XRayAttributes.CAUSE_PATHS, c.paths());
      ObjectNode cu = Json.NODES.objectNode();
      c.extra().forEach(cu::set);
      if (c.exceptions() != null && c.exceptions().isEmpty()) {
        cu.set("exceptions", Json.NODES.arrayNode());
      }
      if (!cu.isEmpty()
          || (c.workingDirectory() == null && c.paths() == null && c.exceptionList().isEmpty())) {
        unknown.set("cause", cu);
      }
      for (ExceptionDetail e : c.exceptionList()) {
        span.addEvents(exceptionEvent(e, eventTime));
        if (statusMessage == null) {
          statusMessage = e.message() != null ? e.message() : e.type();
        }
      }
      if (statusMessage == null) {
        statusMessage = "";
      }
    }
    // Annotations keep their types; the key list says which attributes they are.
    // (forEach: the record's read-only maps wrap every entry when iterated.)
    if (s.annotations() != null) {
      List<String> keys = new ArrayList<>(s.annotations().size());
      s.annotations()
          .forEach(
              (k, v) -> {
                keys.add(k);
                String attr =
                    RESERVED.contains(k) || k.startsWith("aws.xray.")
                        ? XRayAttributes.ANNOTATION_PREFIX + k
                        : k;
                putAnnotation(a, attr, v);
              });
      a.put(XRayAttributes.ANNOTATIONS, keys);
    }
    if (s.metadata() != null) {
      s.metadata().forEach((k, v) -> a.put(XRayAttributes.METADATA_PREFIX + k, Json.write(v)));
      if (s.metadata().isEmpty()) {
        unknown.set("metadata", Json.NODES.objectNode());
      }
    }
    if (s.links() != null) {
      for (Link l : s.links()) {
        span.addLinks(link(l));
      }
      if (s.links().isEmpty()) {
        unknown.set("links", Json.NODES.arrayNode());
      }
    }
    if (s.subsegments() != null && s.subsegments().isEmpty()) {
      unknown.set("subsegments", Json.NODES.arrayNode());
    }
    unknown.setAll(s.extra());
    if (!unknown.isEmpty()) {
      a.put(XRayAttributes.UNKNOWN, Json.write(unknown.node()));
    }
    span.addAllAttributes(a.list);
    span.setStatus(status(s, remote, statusMessage));
    out.add(span.build());
    for (Segment sub : s.subsegmentList()) {
      emit(sub, traceId, spanId, false, null, out);
    }
  }

  private static Status status(Segment s, boolean client, String causeMessage) {
    Long code =
        s.http() != null && s.http().response() != null ? s.http().response().status() : null;
    boolean clientError =
        Boolean.TRUE.equals(s.error())
            || Boolean.TRUE.equals(s.throttle())
            || (code != null && code >= 400 && code < 500);
    boolean failed =
        Boolean.TRUE.equals(s.fault())
            || (code != null && code >= 500)
            || (client && clientError)
            || s.cause() != null;
    if (!failed) {
      return Status.getDefaultInstance();
    }
    Status.Builder st = Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR);
    if (causeMessage != null) {
      st.setMessage(causeMessage);
    }
    return st.build();
  }

  private static void http(Http h, Attrs.Out a, LazyObject unknown) {
    LazyObject hu = new LazyObject();
    hu.setAll(h.extra());
    boolean mapped = false;
    if (h.request() != null) {
      Http.Request r = h.request();
      a.put("http.request.method", r.method());
      a.put("url.full", r.url());
      a.put("user_agent.original", r.userAgent());
      a.put("client.address", r.clientIp());
      a.put(XRayAttributes.X_FORWARDED_FOR, r.xForwardedFor());
      a.put(XRayAttributes.HTTP_REQUEST_TRACED, r.traced());
      boolean empty =
          r.method() == null
              && r.url() == null
              && r.userAgent() == null
              && r.clientIp() == null
              && r.xForwardedFor() == null
              && r.traced() == null;
      mapped |= !empty;
      block(hu, "request", r.extra(), empty);
    }
    if (h.response() != null) {
      Http.Response r = h.response();
      a.put("http.response.status_code", r.status());
      a.put("http.response.body.size", r.contentLength());
      boolean empty = r.status() == null && r.contentLength() == null;
      mapped |= !empty;
      block(hu, "response", r.extra(), empty);
    }
    if (!hu.isEmpty() || !mapped) {
      unknown.set("http", hu.node());
    }
  }

  private static void aws(
      Aws w, Attrs.Out a, Attrs.Out sink, boolean resourceSink, LazyObject unknown) {
    LazyObject au = new LazyObject();
    au.setAll(w.extra());
    int before = a.list.size() + (resourceSink ? sink.list.size() : 0);
    sink.put(resourceSink ? "cloud.account.id" : "aws.account_id", w.accountId());
    a.put("rpc.method", w.operation());
    a.put("aws.region", w.region());
    a.put("aws.request_id", w.requestId());
    a.put("aws.queue_url", w.queueUrl());
    a.put("aws.table_name", w.tableName());
    a.put("aws.dynamodb.table_names", w.tableNames());
    a.put(XRayAttributes.RETRIES, w.retries());
    if (w.ec2() != null) {
      Aws.Ec2 e = w.ec2();
      sink.put("host.id", e.instanceId());
      sink.put("host.type", e.instanceSize());
      sink.put("host.image.id", e.amiId());
      sink.put("cloud.availability_zone", e.availabilityZone());
      block(
          au,
          "ec2",
          e.extra(),
          e.instanceId() == null
              && e.instanceSize() == null
              && e.amiId() == null
              && e.availabilityZone() == null);
    }
    if (w.ecs() != null) {
      Aws.Ecs e = w.ecs();
      sink.put("container.name", e.container());
      sink.put("container.id", e.containerId());
      sink.put("aws.ecs.container.arn", e.containerArn());
      sink.put("aws.ecs.task.arn", e.taskArn());
      sink.put("aws.ecs.task.family", e.taskFamily());
      sink.put("aws.ecs.cluster.arn", e.clusterArn());
      sink.put(XRayAttributes.ECS_AVAILABILITY_ZONE, e.availabilityZone());
      sink.put("aws.ecs.launchtype", e.launchType());
      block(
          au,
          "ecs",
          e.extra(),
          e.container() == null
              && e.containerId() == null
              && e.containerArn() == null
              && e.taskArn() == null
              && e.taskFamily() == null
              && e.clusterArn() == null
              && e.availabilityZone() == null
              && e.launchType() == null);
    }
    if (w.eks() != null) {
      Aws.Eks e = w.eks();
      sink.put("k8s.pod.name", e.pod());
      sink.put("k8s.cluster.name", e.clusterName());
      sink.put(XRayAttributes.EKS_CONTAINER_ID, e.containerId());
      block(
          au,
          "eks",
          e.extra(),
          e.pod() == null && e.clusterName() == null && e.containerId() == null);
    }
    if (w.elasticBeanstalk() != null) {
      Aws.ElasticBeanstalk e = w.elasticBeanstalk();
      sink.put("service.namespace", e.environmentName());
      sink.put(XRayAttributes.BEANSTALK_VERSION_LABEL, e.versionLabel());
      sink.put(
          "service.instance.id", e.deploymentId() == null ? null : e.deploymentId().toString());
      block(
          au,
          "elastic_beanstalk",
          e.extra(),
          e.environmentName() == null && e.versionLabel() == null && e.deploymentId() == null);
    }
    if (w.xray() != null) {
      Aws.XRaySdk e = w.xray();
      sink.put("telemetry.sdk.name", e.sdk());
      sink.put("telemetry.sdk.version", e.sdkVersion());
      sink.put(XRayAttributes.AUTO_INSTRUMENTATION, e.autoInstrumentation());
      block(
          au,
          "xray",
          e.extra(),
          e.sdk() == null && e.sdkVersion() == null && e.autoInstrumentation() == null);
    }
    if (w.cloudwatchLogs() != null) {
      List<Aws.CloudWatchLog> logs = w.cloudwatchLogs();
      boolean simple = !logs.isEmpty();
      boolean allArns = true;
      boolean noArns = true;
      for (Aws.CloudWatchLog l : logs) {
        simple &= l.logGroup() != null && l.extra().isEmpty();
        allArns &= l.arn() != null;
        noArns &= l.arn() == null;
      }
      if (simple && (allArns || noArns)) {
        sink.put(
            "aws.log.group.names",
            logs.stream().map(Aws.CloudWatchLog::logGroup).collect(Collectors.toList()));
        if (allArns) {
          sink.put(
              "aws.log.group.arns",
              logs.stream().map(Aws.CloudWatchLog::arn).collect(Collectors.toList()));
        }
      } else {
        // Shapes the two parallel lists cannot express travel verbatim.
        ArrayNode arr = Json.NODES.arrayNode();
        for (Aws.CloudWatchLog l : logs) {
          ObjectNode o = arr.addObject();
          putText(o, "log_group", l.logGroup());
          putText(o, "arn", l.arn());
          l.extra().forEach(o::set);
        }
        au.set("cloudwatch_logs", arr);
      }
    }
    int after = a.list.size() + (resourceSink ? sink.list.size() : 0);
    if (!au.isEmpty() || after == before) {
      unknown.set("aws", au.node());
    }
  }

  /** Records a block's unknown members, or an empty object if nothing else marks its presence. */
  private static void block(
      LazyObject parent, String key, Map<String, JsonNode> extra, boolean noMappedMembers) {
    if (!extra.isEmpty() || noMappedMembers) {
      ObjectNode o = Json.NODES.objectNode();
      extra.forEach(o::set);
      parent.set(key, o);
    }
  }

  /**
   * An object node made on its first member: most documents have no members without an OTel place,
   * so the carrier of unknown members is usually never built.
   */
  private static final class LazyObject {
    private ObjectNode node;

    ObjectNode node() {
      if (node == null) {
        node = Json.NODES.objectNode();
      }
      return node;
    }

    void set(String key, JsonNode value) {
      node().set(key, value);
    }

    void setAll(Map<String, JsonNode> members) {
      if (!members.isEmpty()) {
        ObjectNode o = node();
        members.forEach(o::set);
      }
    }

    void putText(String key, String v) {
      if (v != null) {
        node().put(key, v);
      }
    }

    boolean isEmpty() {
      return node == null || node.isEmpty();
    }
  }

  private static void putText(ObjectNode o, String key, String v) {
    if (v != null) {
      o.put(key, v);
    }
  }

  private static void putAnnotation(Attrs.Out a, String key, AnnotationValue v) {
    if (v instanceof AnnotationValue.Str x) {
      a.put(key, x.value());
    } else if (v instanceof AnnotationValue.Int x) {
      a.put(key, x.value());
    } else if (v instanceof AnnotationValue.Dbl x) {
      a.putDouble(key, x.value());
    } else if (v instanceof AnnotationValue.Bool x) {
      a.put(key, x.value());
    }
  }

  private static Span.Event exceptionEvent(ExceptionDetail e, long time) {
    Attrs.Out a = new Attrs.Out();
    a.put("exception.type", e.type());
    a.put("exception.message", e.message());
    a.put(XRayAttributes.EXCEPTION_ID, e.id());
    a.put(XRayAttributes.EXCEPTION_REMOTE, e.remote());
    a.put(XRayAttributes.EXCEPTION_TRUNCATED, e.truncated());
    a.put(XRayAttributes.EXCEPTION_SKIPPED, e.skipped());
    a.put(XRayAttributes.EXCEPTION_CAUSE, e.cause());
    if (e.stack() != null) {
      a.put("exception.stacktrace", renderStack(e));
      a.put(XRayAttributes.EXCEPTION_STACK, stackJson(e.stack()));
    }
    if (!e.extra().isEmpty()) {
      ObjectNode u = Json.NODES.objectNode();
      e.extra().forEach(u::set);
      a.put(XRayAttributes.UNKNOWN, Json.write(u));
    }
    return Span.Event.newBuilder()
        .setName("exception")
        .setTimeUnixNano(time)
        .addAllAttributes(a.list)
        .build();
  }

  /** Java-style rendering, readable in any OTel backend. */
  static String renderStack(ExceptionDetail e) {
    StringBuilder b = new StringBuilder();
    b.append(e.type() == null ? "" : e.type());
    if (e.message() != null) {
      b.append(": ").append(e.message());
    }
    b.append('\n');
    for (StackFrame f : e.stack()) {
      b.append("\tat ").append(f.label() == null ? "" : f.label()).append('(');
      b.append(f.path() == null ? "Unknown Source" : f.path());
      if (f.line() != null) {
        b.append(':').append(f.line());
      }
      b.append(")\n");
    }
    return b.toString();
  }

  private static String stackJson(List<StackFrame> stack) {
    StringWriter w = new StringWriter(64 * (stack.size() + 1));
    try (var g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      SegmentCodec.writeStack(g, stack);
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    // {"stack":[...]} → [...]
    String s = w.toString();
    return s.substring("{\"stack\":".length(), s.length() - 1);
  }

  private static Span.Link link(Link l) {
    Span.Link.Builder b = Span.Link.newBuilder();
    Attrs.Out a = new Attrs.Out();
    if (l.traceId() != null && SegmentValidator.isTraceId(l.traceId())) {
      b.setTraceId(Ids.traceId(l.traceId()));
    } else {
      a.put(XRayAttributes.LINK_TRACE_ID, l.traceId() == null ? "" : l.traceId());
    }
    if (l.id() != null && SegmentValidator.isHex(l.id(), 16)) {
      b.setSpanId(Ids.spanId(l.id()));
    } else {
      a.put(XRayAttributes.LINK_ID, l.id() == null ? "" : l.id());
    }
    if (l.attributes() != null) {
      boolean scalars = !l.attributes().isEmpty();
      for (JsonNode v : l.attributes().values()) {
        scalars &=
            v.isTextual()
                || v.isBoolean()
                || v.isIntegralNumber() && v.canConvertToLong()
                || v.isFloatingPointNumber();
      }
      if (scalars) {
        for (Map.Entry<String, JsonNode> e : l.attributes().entrySet()) {
          a.put(e.getKey(), scalar(e.getValue()));
        }
      } else {
        ObjectNode o = Json.NODES.objectNode();
        l.attributes().forEach(o::set);
        a.put(XRayAttributes.LINK_ATTRIBUTES, Json.write(o));
      }
    }
    if (!l.extra().isEmpty()) {
      ObjectNode o = Json.NODES.objectNode();
      l.extra().forEach(o::set);
      a.put(XRayAttributes.UNKNOWN, Json.write(o));
    }
    return b.addAllAttributes(a.list).build();
  }

  static AnyValue scalar(JsonNode v) {
    if (v.isTextual()) {
      return Attrs.str(v.asText());
    }
    if (v.isBoolean()) {
      return AnyValue.newBuilder().setBoolValue(v.booleanValue()).build();
    }
    if (v.isIntegralNumber()) {
      return AnyValue.newBuilder().setIntValue(v.longValue()).build();
    }
    if (v.isNumber()) {
      return AnyValue.newBuilder().setDoubleValue(v.doubleValue()).build();
    }
    if (v.isArray()) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      v.forEach(e -> a.addValues(scalar(e)));
      return AnyValue.newBuilder().setArrayValue(a).build();
    }
    return Attrs.str(Json.write(v));
  }
}
