package io.raybridge.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.xray.TranslationStats.Outcome;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OTel → X-Ray (XRAY-REFERENCE §5, improved). Spans of one {@link ResourceSpans} whose parent is in
 * the same batch are embedded as subsegments of their parent's document; SERVER spans, root spans
 * and spans whose parent is elsewhere start a document (a segment, or an independent subsegment).
 *
 * <p>Spans of scope {@link XRayAttributes#SCOPE_NAME} (made by {@link SegmentToSpan}) are rebuilt
 * exactly from their attributes; other spans follow the mapping rules for both the older and the
 * current HTTP, database and RPC semantic conventions. Documents over 64 KB are split (subsegments
 * move out as independent subsegments) and, if still too large, their metadata is trimmed with a
 * marker. Instances are immutable and thread-safe; outcomes are counted in {@link #stats()}.
 */
public final class SpanToSegment {

  /** Metadata namespace of the marker left when metadata had to be trimmed. */
  public static final String TRIM_MARKER_NAMESPACE = "raybridge";

  private static final String RESOURCE_METADATA_PREFIX = "otel.resource.";

  private static final long TRACE_ID_MAX_AGE_SECONDS = 28L * 24 * 3600;
  private static final long TRACE_ID_MAX_SKEW_SECONDS = 300;

  private static final Set<String> SQL_SYSTEMS =
      Set.of(
          "db2",
          "derby",
          "hive",
          "mariadb",
          "mssql",
          "mysql",
          "oracle",
          "postgresql",
          "sqlite",
          "teradata",
          "other_sql",
          "ibm.db2",
          "microsoft.sql_server",
          "oracle.db",
          "h2",
          "hsqldb",
          "trino",
          "cockroachdb");

  private final XRaySettings settings;
  private final TranslationStats stats;

  /** A converter with its own statistics. */
  public SpanToSegment(XRaySettings settings) {
    this(settings, new TranslationStats());
  }

  /** A converter counting into {@code stats} (which may be shared). */
  public SpanToSegment(XRaySettings settings, TranslationStats stats) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  /** The counters of this converter. */
  public TranslationStats stats() {
    return stats;
  }

  /** The settings of this converter. */
  public XRaySettings settings() {
    return settings;
  }

  /** Converts and serializes: one compact JSON string per document, each at most 64 KB. */
  public List<String> convert(ResourceSpans resourceSpans) {
    List<Segment> docs = assemble(resourceSpans, true);
    List<String> out = new ArrayList<>(docs.size());
    for (Segment d : docs) {
      fit(d, out, null);
    }
    return out;
  }

  /** Converts to documents (after splitting), for callers that need the model. */
  public List<Segment> toSegments(ResourceSpans resourceSpans) {
    List<Segment> docs = assemble(resourceSpans, false);
    List<Segment> out = new ArrayList<>(docs.size());
    for (Segment d : docs) {
      fit(d, null, out);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Assembly

  private record Item(Span span, boolean exact, int index) {}

  /**
   * {@code serializing}: the documents are only written out, so {@code default} metadata may stay a
   * {@link DeferredDefaults} instead of a tree; callers of the model always get trees.
   */
  private List<Segment> assemble(ResourceSpans rs, boolean serializing) {
    Objects.requireNonNull(rs, "resourceSpans");
    Resource resource = rs.getResource();
    ResourceInfo info = new ResourceInfo(resource.getAttributesList(), serializing);
    int total = 0;
    for (int i = 0, n = rs.getScopeSpansCount(); i < n; i++) {
      total += rs.getScopeSpans(i).getSpansCount();
    }
    List<Item> items = new ArrayList<>(total);
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      boolean exact = XRayAttributes.SCOPE_NAME.equals(ss.getScope().getName());
      for (Span span : ss.getSpansList()) {
        if (!Ids.isValidSpanId(span.getSpanId())) {
          stats.increment(Outcome.DROPPED_INVALID_SPAN_ID);
          continue;
        }
        if (!exact && !acceptableTraceId(span)) {
          stats.increment(Outcome.DROPPED_INVALID_TRACE_ID);
          continue;
        }
        items.add(new Item(span, exact, items.size()));
      }
    }
    Map<ByteString, Item> byId = new HashMap<>(items.size() * 2);
    for (Item it : items) {
      byId.put(it.span().getSpanId(), it);
    }
    // Decide roots; children lists in batch order.
    Map<ByteString, List<Item>> children = new HashMap<>();
    List<Item> roots = new ArrayList<>();
    for (Item it : items) {
      Span s = it.span();
      Item parent = s.getParentSpanId().isEmpty() ? null : byId.get(s.getParentSpanId());
      boolean root =
          parent == null
              || !parent.span().getTraceId().equals(s.getTraceId())
              || parent == it
              || startsDocument(it);
      if (root) {
        roots.add(it);
      } else {
        children.computeIfAbsent(parent.span().getSpanId(), k -> new ArrayList<>()).add(it);
      }
    }
    List<Segment> docs = new ArrayList<>(roots.size());
    for (Item r : roots) {
      if (!r.exact() && isLocalRoot(r.span()) && isOutgoing(r.span())) {
        localRootPair(r, info, children, docs);
        continue;
      }
      Segment doc = build(r, true, info, children, 0);
      docs.add(limitAnnotations(doc));
    }
    return docs;
  }

  private static boolean startsDocument(Item it) {
    Span s = it.span();
    if (s.getKind() == Span.SpanKind.SPAN_KIND_SERVER) {
      return true;
    }
    if (it.exact()) {
      return hasKey(s.getAttributesList(), XRayAttributes.TYPE);
    }
    return isLocalRoot(s);
  }

  private static boolean isOutgoing(Span s) {
    return s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
        || s.getKind() == Span.SpanKind.SPAN_KIND_PRODUCER
        || s.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
  }

  private static final Set<String> REMOTE_ATTRIBUTES =
      Set.of("aws.remote.service", "aws.remote.operation", "remoteTarget", "K8s.RemoteNamespace");

  /**
   * A LOCAL_ROOT CLIENT/PRODUCER/CONSUMER span (XRAY-REFERENCE §5.4) stands for both the service
   * and its call: a service segment with a derived id {@code S}, and the call as an independent
   * subsegment whose parent is {@code S}. {@code S} is derived from the span id (not random) so the
   * output is reproducible.
   */
  private void localRootPair(
      Item it, ResourceInfo info, Map<ByteString, List<Item>> children, List<Segment> docs) {
    Span span = it.span();
    ByteString serviceId = ByteString.copyFrom(hexBytes(exceptionId(span, 7777)));
    boolean consumer = span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
    // 1. the dependency subsegment
    Span dependency = span.toBuilder().setParentSpanId(serviceId).build();
    Segment dep = build(new Item(dependency, false, it.index()), true, info, children, 0);
    Segment.Builder d = dep.toBuilder().type(Segment.TYPE_SUBSEGMENT).origin(null).service(null);
    if (dep.namespace() == null) {
      d.namespace("remote");
    }
    String remote = null;
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals("aws.remote.service")) {
        remote = nonEmpty(kv.getValue().getStringValue());
      }
    }
    if (remote != null) {
      d.name(sanitizeName(trimAwsPrefix(remote, span)));
    }
    if (consumer) {
      d.links(null);
    }
    // 2. the service segment
    Span.Builder svc = span.toBuilder().setSpanId(serviceId).clearAttributes().clearEvents();
    for (KeyValue kv : span.getAttributesList()) {
      if (!REMOTE_ATTRIBUTES.contains(kv.getKey())) {
        svc.addAttributes(kv);
      }
    }
    Segment service =
        derive(svc.setKind(Span.SpanKind.SPAN_KIND_SERVER).build(), true, info).build();
    Segment.Builder sb = service.toBuilder().http(null).type(null).namespace(null);
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals("aws.local.service") && !kv.getValue().getStringValue().isEmpty()) {
        sb.name(sanitizeName(kv.getValue().getStringValue()));
      }
    }
    if (service.aws() != null) {
      Aws a = service.aws();
      sb.aws(
          new Aws(
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              a.retries(),
              a.ec2(),
              a.ecs(),
              a.eks(),
              a.elasticBeanstalk(),
              a.xray(),
              a.cloudwatchLogs(),
              a.extra()));
    }
    if (service.metadata() != null) {
      Map<String, JsonNode> md = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : service.metadata().entrySet()) {
        JsonNode value = e.getValue();
        if (value instanceof DeferredDefaults deferred) {
          value = deferred.toTree();
        }
        if (value instanceof ObjectNode o) {
          ObjectNode kept = Json.NODES.objectNode();
          o.properties()
              .forEach(
                  f -> {
                    if (f.getKey().startsWith("otel.resource.")) {
                      kept.set(f.getKey(), f.getValue());
                    }
                  });
          md.put(e.getKey(), kept);
        }
      }
      sb.metadata(md);
    }
    if (!consumer) {
      sb.links(null);
    }
    sb.error(null).fault(null).throttle(null).cause(null).sql(null).annotations(null);
    docs.add(limitAnnotations(sb.build()));
    docs.add(limitAnnotations(d.build()));
  }

  private static String trimAwsPrefix(String name, Span span) {
    boolean awsSdk = false;
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals("rpc.system")) {
        awsSdk = "aws-api".equals(kv.getValue().getStringValue());
      }
    }
    if (!awsSdk) {
      return name;
    }
    return name.startsWith("AWS.SDK.")
        ? name.substring(8)
        : name.startsWith("AWS::") ? name.substring(5) : name;
  }

  private static byte[] hexBytes(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
    }
    return out;
  }

  private static boolean hasKey(List<KeyValue> attrs, String key) {
    for (int i = 0, n = attrs.size(); i < n; i++) {
      if (attrs.get(i).getKey().equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLocalRoot(Span s) {
    for (int i = 0, n = s.getAttributesCount(); i < n; i++) {
      KeyValue kv = s.getAttributes(i);
      if (kv.getKey().equals(XRayAttributes.AWS_SPAN_KIND)) {
        return "LOCAL_ROOT".equals(kv.getValue().getStringValue());
      }
    }
    return false;
  }

  private boolean acceptableTraceId(Span span) {
    if (!Ids.isValidTraceId(span.getTraceId())) {
      return false;
    }
    if (settings.traceIdPolicy() == XRaySettings.TraceIdPolicy.KEEP) {
      return true;
    }
    // Plausibility relative to the span's own start keeps the translation a pure function.
    long epoch = Ids.epochOf(span.getTraceId());
    long start = span.getStartTimeUnixNano() / 1_000_000_000L;
    return epoch >= start - TRACE_ID_MAX_AGE_SECONDS && epoch <= start + TRACE_ID_MAX_SKEW_SECONDS;
  }

  private static final int MAX_DEPTH = 400;

  private Segment build(
      Item it,
      boolean docRoot,
      ResourceInfo info,
      Map<ByteString, List<Item>> children,
      int depth) {
    Segment.Builder b =
        it.exact() ? exact(it.span(), docRoot, info) : derive(it.span(), docRoot, info);
    List<Item> kids = children.get(it.span().getSpanId());
    if (kids != null && depth < MAX_DEPTH) {
      List<Segment> subs = b.subsegments() == null ? new ArrayList<>(kids.size()) : b.subsegments();
      for (Item k : kids) {
        subs.add(build(k, false, info, children, depth + 1));
      }
      b.subsegments(subs);
    }
    return b.build();
  }

  // ------------------------------------------------------------------------------------------
  // Exact path: spans made from X-Ray documents.

  private Segment.Builder exact(Span span, boolean docRoot, ResourceInfo info) {
    Attrs.In a = new Attrs.In(span.getAttributesList());
    Segment.Builder b = Segment.builder();
    b.name(span.getName()).id(Ids.hex(span.getSpanId()));
    String type = a.str(XRayAttributes.TYPE);
    boolean topSegment = docRoot && type == null;
    if (docRoot) {
      b.traceId(Ids.xrayTraceId(span.getTraceId()));
      if (!span.getParentSpanId().isEmpty()) {
        b.parentId(Ids.hex(span.getParentSpanId()));
      }
      b.type(type);
    }
    b.startTime(Ids.seconds(span.getStartTimeUnixNano()));
    if (span.getEndTimeUnixNano() != 0) {
      b.endTime(Ids.seconds(span.getEndTimeUnixNano()));
    }
    b.inProgress(a.bool(XRayAttributes.IN_PROGRESS));
    String namespace = a.str(XRayAttributes.NAMESPACE);
    b.namespace(namespace);
    b.origin(a.str(XRayAttributes.ORIGIN));
    b.resourceArn(a.str(XRayAttributes.RESOURCE_ARN));
    b.error(a.bool(XRayAttributes.ERROR));
    b.fault(a.bool(XRayAttributes.FAULT));
    b.throttle(a.bool(XRayAttributes.THROTTLE));
    b.traced(a.bool(XRayAttributes.TRACED));
    b.precursorIds(a.strings(XRayAttributes.PRECURSOR_IDS));
    b.user(a.str("enduser.id"));
    if ("aws".equals(namespace)) {
      a.take("rpc.system");
      a.take("rpc.service");
    }
    ObjectNode unknown = parseObject(a.str(XRayAttributes.UNKNOWN));
    Attrs.In seg = topSegment ? info.exactView() : a;
    // service
    String version = seg.str("service.version");
    String compiler = seg.str(XRayAttributes.SERVICE_COMPILER);
    String compilerVersion = seg.str(XRayAttributes.SERVICE_COMPILER_VERSION);
    ObjectNode su = child(unknown, "service");
    if (version != null || compiler != null || compilerVersion != null || su != null) {
      b.service(new Service(version, compilerVersion, compiler, fields(su)));
    }
    // http
    String method = a.str("http.request.method");
    String url = a.str("url.full");
    String ua = a.str("user_agent.original");
    String clientIp = a.str("client.address");
    Boolean xff = a.bool(XRayAttributes.X_FORWARDED_FOR);
    Boolean reqTraced = a.bool(XRayAttributes.HTTP_REQUEST_TRACED);
    Long status = a.lng("http.response.status_code");
    Long length = a.lng("http.response.body.size");
    ObjectNode hu = child(unknown, "http");
    b.http(http(method, url, ua, clientIp, xff, reqTraced, status, length, hu));
    // aws
    b.aws(exactAws(a, seg, topSegment, child(unknown, "aws")));
    // sql
    String[] q = {
      a.str(XRayAttributes.SQL_URL),
      a.str("db.connection_string"),
      a.str("db.query.text"),
      a.str("db.system.name"),
      a.str(XRayAttributes.SQL_DATABASE_VERSION),
      a.str(XRayAttributes.SQL_DRIVER_VERSION),
      a.str("db.user"),
      a.str(XRayAttributes.SQL_PREPARATION)
    };
    ObjectNode qu = child(unknown, "sql");
    if (qu != null || anyNonNull(q)) {
      b.sql(new Sql(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], fields(qu)));
    }
    // cause
    String causeId = a.str(XRayAttributes.CAUSE_ID);
    if (causeId != null) {
      b.cause(new Cause.ExceptionId(causeId));
    } else {
      b.cause(causeOf(span, a, true, unknown));
    }
    // annotations chosen in the document, then the usual rules for anything added later
    Map<String, AnnotationValue> ann = null;
    List<String> keys = a.strings(XRayAttributes.ANNOTATIONS);
    if (keys != null) {
      ann = new LinkedHashMap<>();
      for (String k : keys) {
        AnyValue v = a.take(XRayAttributes.ANNOTATION_PREFIX + k);
        if (v == null) {
          v = a.take(k);
        }
        AnnotationValue av = v == null ? null : annotationValue(v);
        if (av != null) {
          ann.put(k, av);
        }
      }
    }
    Map<String, JsonNode> md = metadataOf(a, true);
    b.links(links(span));
    Segment.Builder done = finishAttributes(b, a, ann, md, false, info);
    mergeUnknown(done, unknown);
    return done;
  }

  private static boolean anyNonNull(Object[] values) {
    for (Object o : values) {
      if (o != null) {
        return true;
      }
    }
    return false;
  }

  private static Http http(
      String method,
      String url,
      String ua,
      String clientIp,
      Boolean xff,
      Boolean traced,
      Long status,
      Long length,
      ObjectNode hu) {
    ObjectNode ru = child(hu, "request");
    ObjectNode pu = child(hu, "response");
    Http.Request req = null;
    if (method != null
        || url != null
        || ua != null
        || clientIp != null
        || xff != null
        || traced != null
        || ru != null) {
      req = new Http.Request(method, url, ua, clientIp, xff, traced, fields(ru));
    }
    Http.Response resp = null;
    if (status != null || length != null || pu != null) {
      resp = new Http.Response(status, length, fields(pu));
    }
    if (req == null && resp == null && hu == null) {
      return null;
    }
    return new Http(req, resp, fields(hu, "request", "response"));
  }

  private static Aws exactAws(Attrs.In a, Attrs.In seg, boolean topSegment, ObjectNode au) {
    String account = seg.str(topSegment ? "cloud.account.id" : "aws.account_id");
    String operation = a.str("rpc.method");
    String region = a.str("aws.region");
    String requestId = a.str("aws.request_id");
    String queueUrl = a.str("aws.queue_url");
    String tableName = a.str("aws.table_name");
    List<String> tableNames = a.strings("aws.dynamodb.table_names");
    Long retries = a.lng(XRayAttributes.RETRIES);
    Aws.Ec2 ec2 = null;
    {
      String[] v = {
        seg.str("host.id"),
        seg.str("host.type"),
        seg.str("host.image.id"),
        seg.str("cloud.availability_zone")
      };
      ObjectNode u = child(au, "ec2");
      if (u != null || anyNonNull(v)) {
        ec2 = new Aws.Ec2(v[0], v[1], v[2], v[3], fields(u));
      }
    }
    Aws.Ecs ecs = null;
    {
      String[] v = {
        seg.str("container.name"),
        seg.str("container.id"),
        seg.str("aws.ecs.container.arn"),
        seg.str("aws.ecs.task.arn"),
        seg.str("aws.ecs.task.family"),
        seg.str("aws.ecs.cluster.arn"),
        seg.str(XRayAttributes.ECS_AVAILABILITY_ZONE),
        seg.str("aws.ecs.launchtype")
      };
      ObjectNode u = child(au, "ecs");
      if (u != null || anyNonNull(v)) {
        ecs = new Aws.Ecs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], fields(u));
      }
    }
    Aws.Eks eks = null;
    {
      String[] v = {
        seg.str("k8s.pod.name"),
        seg.str("k8s.cluster.name"),
        seg.str(XRayAttributes.EKS_CONTAINER_ID)
      };
      ObjectNode u = child(au, "eks");
      if (u != null || anyNonNull(v)) {
        eks = new Aws.Eks(v[0], v[1], v[2], fields(u));
      }
    }
    Aws.ElasticBeanstalk eb = null;
    {
      String env = seg.str("service.namespace");
      String label = seg.str(XRayAttributes.BEANSTALK_VERSION_LABEL);
      Long deployment = seg.lng("service.instance.id");
      ObjectNode u = child(au, "elastic_beanstalk");
      if (u != null || env != null || label != null || deployment != null) {
        eb = new Aws.ElasticBeanstalk(env, label, deployment, fields(u));
      }
    }
    Aws.XRaySdk xray = null;
    {
      String sdk = seg.str("telemetry.sdk.name");
      String sdkVersion = seg.str("telemetry.sdk.version");
      Boolean auto = seg.bool(XRayAttributes.AUTO_INSTRUMENTATION);
      ObjectNode u = child(au, "xray");
      if (u != null || sdk != null || sdkVersion != null || auto != null) {
        xray = new Aws.XRaySdk(sdk, sdkVersion, auto, fields(u));
      }
    }
    List<Aws.CloudWatchLog> logs =
        logGroups(seg.strings("aws.log.group.names"), seg.strings("aws.log.group.arns"));
    Map<String, JsonNode> extra = fields(au, "ec2", "ecs", "eks", "elastic_beanstalk", "xray");
    if (logs == null && extra.get("cloudwatch_logs") instanceof ArrayNode arr) {
      logs = typedLogs(arr);
      if (logs != null) {
        extra.remove("cloudwatch_logs");
      }
    }
    boolean any =
        account != null
            || operation != null
            || region != null
            || requestId != null
            || queueUrl != null
            || tableName != null
            || tableNames != null
            || retries != null
            || ec2 != null
            || ecs != null
            || eks != null
            || eb != null
            || xray != null
            || logs != null
            || au != null;
    if (!any) {
      return null;
    }
    return new Aws(
        account,
        operation,
        region,
        requestId,
        queueUrl,
        tableName,
        tableNames,
        retries,
        ec2,
        ecs,
        eks,
        eb,
        xray,
        logs,
        extra);
  }

  private static List<Aws.CloudWatchLog> logGroups(List<String> names, List<String> arns) {
    if (names == null) {
      return null;
    }
    List<Aws.CloudWatchLog> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String arn = arns != null && i < arns.size() ? arns.get(i) : null;
      out.add(new Aws.CloudWatchLog(names.get(i), arn, Map.of()));
    }
    return out;
  }

  private static List<Aws.CloudWatchLog> typedLogs(ArrayNode arr) {
    List<Aws.CloudWatchLog> out = new ArrayList<>();
    for (JsonNode e : arr) {
      if (!e.isObject()) {
        return null;
      }
      String group = null;
      String arn = null;
      Map<String, JsonNode> extra = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : e.properties()) {
        if (f.getKey().equals("log_group") && f.getValue().isTextual()) {
          group = f.getValue().asText();
        } else if (f.getKey().equals("arn") && f.getValue().isTextual()) {
          arn = f.getValue().asText();
        } else {
          extra.put(f.getKey(), f.getValue());
        }
      }
      out.add(new Aws.CloudWatchLog(group, arn, extra));
    }
    return out;
  }

  /** Applies the unknown-member carrier to a builder (exact inverse of SegmentToSpan). */
  private static void mergeUnknown(Segment.Builder b, ObjectNode unknown) {
    if (unknown == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : unknown.properties()) {
      String k = e.getKey();
      JsonNode v = e.getValue();
      switch (k) {
        case "http", "aws", "sql", "service", "cause" -> {
          if (!v.isObject()) {
            b.extra(k, v);
          } // objects were consumed while building the blocks
        }
        case "metadata" -> {
          if (v.isObject() && v.isEmpty()) {
            if (b.metadata() == null) {
              b.metadata(new LinkedHashMap<>());
            }
          } else {
            b.extra(k, v);
          }
        }
        case "links" -> {
          if (v.isArray() && v.isEmpty()) {
            b.links(List.of());
          } else {
            b.extra(k, v);
          }
        }
        case "subsegments" -> {
          if (v.isArray() && v.isEmpty()) {
            if (b.subsegments() == null) {
              b.subsegments(new ArrayList<>());
            }
          } else {
            b.extra(k, v);
          }
        }
        case "annotations" -> {
          if (b.annotations() == null) {
            b.annotations(new LinkedHashMap<>());
          }
          b.extra(k, v);
        }
        default -> b.extra(k, v);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Derived path: spans from OTel instrumentation.

  private Segment.Builder derive(Span span, boolean docRoot, ResourceInfo info) {
    // Nothing keeps the view after this method returns, so one per thread serves every span.
    Attrs.In a = SPAN_VIEW.get().reset(span.getAttributesList());
    Span.SpanKind kind = span.getKind();
    AnyValue spanKind = a.first(XRayAttributes.AWS_SPAN_KIND); // as isLocalRoot(span) reads it
    boolean localRoot = spanKind != null && "LOCAL_ROOT".equals(spanKind.getStringValue());
    if (localRoot) {
      a.take(XRayAttributes.AWS_SPAN_KIND);
    }
    boolean hasParent = !span.getParentSpanId().isEmpty();
    boolean segment =
        docRoot
            && (kind == Span.SpanKind.SPAN_KIND_SERVER
                || !hasParent
                || (localRoot && kind == Span.SpanKind.SPAN_KIND_INTERNAL));
    Segment.Builder b = Segment.builder();
    b.id(Ids.hex(span.getSpanId()));
    if (docRoot) {
      b.traceId(Ids.xrayTraceId(span.getTraceId()));
      if (hasParent) {
        b.parentId(Ids.hex(span.getParentSpanId()));
      }
      if (!segment) {
        b.type(Segment.TYPE_SUBSEGMENT);
      }
    }
    // name and namespace
    String rpcSystem = stringOf(a.peek("rpc.system"));
    boolean awsSdk = "aws-api".equals(rpcSystem);
    String name = null;
    boolean fromAwsService = false;
    boolean client =
        kind == Span.SpanKind.SPAN_KIND_CLIENT
            || kind == Span.SpanKind.SPAN_KIND_PRODUCER
            || kind == Span.SpanKind.SPAN_KIND_CONSUMER;
    if (kind == Span.SpanKind.SPAN_KIND_SERVER
        || (kind == Span.SpanKind.SPAN_KIND_INTERNAL && localRoot)) {
      name = nonEmpty(stringOf(a.peek("aws.local.service")));
    }
    if (name == null && client) {
      name = nonEmpty(stringOf(a.peek("aws.remote.service")));
      if (name != null && awsSdk) {
        name =
            name.startsWith("AWS.SDK.")
                ? name.substring(8)
                : name.startsWith("AWS::") ? name.substring(5) : name;
      }
    }
    if (name == null) {
      name = nonEmpty(stringOf(a.peek("peer.service")));
    }
    if (name == null) {
      name = nonEmpty(stringOf(a.peek("aws.service")));
      fromAwsService = name != null;
    }
    if (name == null) {
      String db = firstString(a, "db.namespace", "db.name");
      if (db != null) {
        String host = hostOf(stringOf(a.peek("db.connection_string")));
        if (host == null) {
          host = nonEmpty(stringOf(a.peek("server.address")));
        }
        name = host == null ? db : RECENT.get().dbName(db, host);
      }
    }
    if (name == null && kind == Span.SpanKind.SPAN_KIND_SERVER) {
      name = info.serviceName;
    }
    if (name == null) {
      name = firstString(a, "rpc.service", "http.host", "net.peer.name");
    }
    if (name == null && client) {
      name = nonEmpty(stringOf(a.peek("server.address")));
    }
    if (name == null) {
      name = span.getName();
    }
    b.name(sanitizeName(name));
    String explicitNs = a.str(XRayAttributes.NAMESPACE);
    if (!segment || explicitNs != null) {
      String ns = explicitNs;
      if (ns == null && (awsSdk || fromAwsService)) {
        ns = "aws";
      }
      if (ns == null
          && (kind == Span.SpanKind.SPAN_KIND_CLIENT || kind == Span.SpanKind.SPAN_KIND_PRODUCER)) {
        ns = "remote";
      }
      b.namespace(ns);
    }
    // times
    b.startTime(Ids.seconds(span.getStartTimeUnixNano()));
    Boolean inProgress = a.bool(XRayAttributes.IN_PROGRESS);
    if (Boolean.TRUE.equals(inProgress) || span.getEndTimeUnixNano() == 0) {
      b.inProgress(true);
    } else {
      b.endTime(Ids.seconds(span.getEndTimeUnixNano()));
    }
    // segment-only members
    if (segment) {
      String origin = a.str(XRayAttributes.ORIGIN);
      b.origin(origin != null ? origin : info.origin);
      b.service(info.service);
      b.resourceArn(a.str(XRayAttributes.RESOURCE_ARN));
    }
    b.user(firstString(a, "enduser.id", "user.id"));
    b.traced(a.bool(XRayAttributes.TRACED));
    b.precursorIds(a.strings(XRayAttributes.PRECURSOR_IDS));
    // http
    Http http = deriveHttp(span, a, kind);
    b.http(http);
    // flags
    Long code = http != null && http.response() != null ? http.response().status() : null;
    boolean statusError = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    Boolean error = null;
    Boolean fault = null;
    Boolean throttle = null;
    if (code != null && code >= 400 && code <= 499) {
      error = true;
      if (code == 429) {
        throttle = true;
      }
    } else if (code != null && code >= 500 && code <= 599) {
      fault = true;
    } else if (statusError) {
      fault = true;
    }
    Boolean e = a.bool(XRayAttributes.ERROR);
    Boolean f = a.bool(XRayAttributes.FAULT);
    Boolean t = a.bool(XRayAttributes.THROTTLE);
    b.error(e != null ? e : error);
    b.fault(f != null ? f : fault);
    b.throttle(t != null ? t : throttle);
    // cause
    String causeId = a.str(XRayAttributes.CAUSE_ID);
    if (causeId != null) {
      b.cause(new Cause.ExceptionId(causeId));
    } else {
      Cause.Details c = causeOf(span, a, false, null);
      if (c == null && statusError) {
        String msg = nonEmpty(span.getStatus().getMessage());
        if (msg == null) {
          msg = nonEmpty(a.str("http.status_text"));
        }
        if (msg != null) {
          c =
              new Cause.Details(
                  null,
                  null,
                  List.of(
                      new ExceptionDetail(
                          exceptionId(span, 0), msg, null, null, null, null, null, null, Map.of())),
                  Map.of());
        }
      }
      b.cause(c);
    }
    // aws
    b.aws(deriveAws(a, segment, info, awsSdk));
    // sql
    b.sql(deriveSql(a));
    b.links(links(span));
    Map<String, AnnotationValue> ann = null;
    List<String> perSpan = a.strings(XRayAttributes.ANNOTATIONS);
    Map<String, JsonNode> md = metadataOf(a, false);
    Segment.Builder done = finishAttributes(b, a, ann, md, segment, info, perSpan);
    mergeUnknown(done, parseObject(a.str(XRayAttributes.UNKNOWN)));
    return done;
  }

  private Http deriveHttp(Span span, Attrs.In a, Span.SpanKind kind) {
    String method = firstString(a, "http.request.method", "http.method");
    String fullUrl = firstString(a, "url.full", "http.url");
    String scheme = firstString(a, "url.scheme", "http.scheme");
    String host = a.str("http.host");
    String target = a.str("http.target");
    String serverName = a.str("http.server_name");
    String ua = firstString(a, "user_agent.original", "http.user_agent");
    Long status = firstLong(a, "http.response.status_code", "http.status_code");
    String clientIp = a.str("http.client_ip");
    if (clientIp == null) {
      clientIp = a.str("client.address");
    }
    boolean peerAddr = false;
    String peerIp = a.str("net.peer.ip");
    if (peerIp != null) {
      peerAddr = true;
    }
    String netPeerAddress = stringOf(a.peek("network.peer.address"));
    if (netPeerAddress != null && looksLikeIp(netPeerAddress)) {
      a.take("network.peer.address");
      peerAddr = true;
      if (peerIp == null) {
        peerIp = netPeerAddress;
      }
    }
    boolean fromPeer = false;
    if (clientIp == null && peerIp != null && kind == Span.SpanKind.SPAN_KIND_SERVER) {
      clientIp = peerIp;
      fromPeer = true;
    }
    String path = a.str("url.path");
    String query = a.str("url.query");
    Long length = firstLong(a, "http.response.body.size", "http.response_content_length");
    boolean any =
        method != null
            || fullUrl != null
            || status != null
            || host != null
            || target != null
            || serverName != null
            || ua != null
            || clientIp != null
            || scheme != null
            || path != null;
    if (!any) {
      return null;
    }
    String url = fullUrl;
    if (url == null) {
      boolean server = kind == Span.SpanKind.SPAN_KIND_SERVER;
      String h = host;
      String port = null;
      if (h == null) {
        if (server) {
          h = serverName != null ? serverName : firstString(a, "net.host.name", "server.address");
          port = firstText(a, "net.host.port", "server.port");
        } else {
          h = firstString(a, "net.peer.name", "server.address");
          if (h == null) {
            h = peerIp;
          }
          port = firstText(a, "net.peer.port", "server.port");
        }
      }
      if (h != null) {
        String sch = scheme == null ? "http" : scheme;
        StringBuilder u = new StringBuilder(96).append(sch).append("://").append(h);
        if (port != null
            && !port.isEmpty()
            && !(sch.equals("http") && port.equals("80"))
            && !(sch.equals("https") && port.equals("443"))) {
          u.append(':').append(port);
        }
        if (target != null) {
          u.append(target);
        } else {
          u.append(path == null ? "/" : path);
          if (query != null && !query.isEmpty()) {
            u.append(query.startsWith("?") ? "" : "?").append(query);
          }
        }
        url = u.toString();
      }
    }
    Boolean xff = a.bool(XRayAttributes.X_FORWARDED_FOR);
    if (xff == null
        && clientIp != null
        && !fromPeer
        && !peerAddr
        && kind == Span.SpanKind.SPAN_KIND_SERVER) {
      xff = true;
    }
    Boolean traced = a.bool(XRayAttributes.HTTP_REQUEST_TRACED);
    Http.Request req =
        method == null
                && url == null
                && ua == null
                && clientIp == null
                && xff == null
                && traced == null
            ? null
            : new Http.Request(method, url, ua, clientIp, xff, traced, Map.of());
    Http.Response resp =
        status == null && length == null ? null : new Http.Response(status, length, Map.of());
    if (req == null && resp == null) {
      return null;
    }
    return new Http(req, resp, Map.of());
  }

  private Aws deriveAws(Attrs.In a, boolean segment, ResourceInfo info, boolean awsSdk) {
    String operation = a.str("aws.operation");
    if (operation == null && awsSdk) {
      operation = a.str("rpc.method");
    }
    String account = a.str("aws.account_id");
    String region = a.str("aws.region");
    String requestId = firstString(a, "aws.request_id", "aws.requestId");
    String queueUrl = firstString(a, "aws.queue_url", "aws.queue.url", "aws.sqs.queue.url");
    String messagingUrl = stringOf(a.peek("messaging.url"));
    if (messagingUrl != null) {
      queueUrl = messagingUrl;
    }
    String tableName = firstString(a, "aws.table_name", "aws.table.name");
    List<String> tableNames = null;
    List<String> ddb = a.strings("aws.dynamodb.table_names");
    if (ddb != null) {
      if (ddb.size() == 1) {
        tableName = ddb.get(0);
      } else if (ddb.size() > 1) {
        tableNames = ddb;
        tableName = null;
      }
    }
    Long retries = a.lng(XRayAttributes.RETRIES);
    Aws base = segment ? info.segmentAws : null;
    if (base == null
        && operation == null
        && account == null
        && region == null
        && requestId == null
        && queueUrl == null
        && tableName == null
        && tableNames == null
        && retries == null) {
      return null;
    }
    if (base == null) {
      return new Aws(
          account,
          operation,
          region,
          requestId,
          queueUrl,
          tableName,
          tableNames,
          retries,
          null,
          null,
          null,
          null,
          null,
          null,
          Map.of());
    }
    return new Aws(
        account != null ? account : base.accountId(),
        operation,
        region,
        requestId,
        queueUrl,
        tableName,
        tableNames,
        retries,
        base.ec2(),
        base.ecs(),
        base.eks(),
        base.elasticBeanstalk(),
        base.xray(),
        base.cloudwatchLogs(),
        Map.of());
  }

  private static Sql deriveSql(Attrs.In a) {
    String system = stringOf(a.peek("db.system.name"));
    String systemKey = "db.system.name";
    if (system == null) {
      system = stringOf(a.peek("db.system"));
      systemKey = "db.system";
    }
    if (system == null || !SQL_SYSTEMS.contains(system)) {
      return null;
    }
    a.take(systemKey);
    String conn = a.str("db.connection_string");
    String db = firstString(a, "db.namespace", "db.name");
    String statement = firstString(a, "db.query.text", "db.statement");
    String user = a.str("db.user");
    String explicitUrl = a.str(XRayAttributes.SQL_URL);
    String url = explicitUrl;
    String connectionString = null;
    if (conn != null) {
      if (url == null && conn.contains("//")) {
        url = conn;
      } else {
        connectionString = conn;
      }
    } else if (url == null) {
      String host = a.str("server.address");
      AnyValue portValue = host == null ? null : a.peek("server.port");
      if (portValue != null && portValue.getValueCase() == AnyValue.ValueCase.INT_VALUE) {
        // Same text as the general case below, without a temporary string for the port.
        a.take("server.port");
        url = RECENT.get().sqlUrl(system, host, portValue.getIntValue(), db);
      } else if (host != null) {
        String port = a.text("server.port");
        url =
            system + "://" + host + (port == null ? "" : ":" + port) + "/" + (db == null ? "" : db);
      }
    }
    if (url == null && connectionString == null && db != null) {
      connectionString = "localhost/" + db;
    }
    return RECENT
        .get()
        .sql(
            url,
            connectionString,
            nonEmpty(statement),
            system,
            a.str(XRayAttributes.SQL_DATABASE_VERSION),
            a.str(XRayAttributes.SQL_DRIVER_VERSION),
            user,
            a.str(XRayAttributes.SQL_PREPARATION));
  }

  /**
   * The last database name, SQL URL and {@code sql} block made on this thread. Consecutive client
   * spans usually address the same database, so when the inputs are equal the previous (immutable)
   * result is shared instead of building an equal one per span.
   */
  private static final class RecentText {
    private String nameDb;
    private String nameHost;
    private String name;

    private String urlSystem;
    private String urlHost;
    private long urlPort;
    private String urlDb;
    private String url;

    private Sql sql;

    String dbName(String db, String host) {
      if (name == null || !db.equals(nameDb) || !host.equals(nameHost)) {
        nameDb = db;
        nameHost = host;
        name = db + "@" + host;
      }
      return name;
    }

    String sqlUrl(String system, String host, long port, String db) {
      if (url == null
          || port != urlPort
          || !system.equals(urlSystem)
          || !host.equals(urlHost)
          || !Objects.equals(db, urlDb)) {
        urlSystem = system;
        urlHost = host;
        urlPort = port;
        urlDb = db;
        url = system + "://" + host + ":" + port + "/" + (db == null ? "" : db);
      }
      return url;
    }

    Sql sql(
        String url,
        String connectionString,
        String sanitizedQuery,
        String databaseType,
        String databaseVersion,
        String driverVersion,
        String user,
        String preparation) {
      Sql last = sql;
      if (last == null
          || !Objects.equals(url, last.url())
          || !Objects.equals(connectionString, last.connectionString())
          || !Objects.equals(sanitizedQuery, last.sanitizedQuery())
          || !Objects.equals(databaseType, last.databaseType())
          || !Objects.equals(databaseVersion, last.databaseVersion())
          || !Objects.equals(driverVersion, last.driverVersion())
          || !Objects.equals(user, last.user())
          || !Objects.equals(preparation, last.preparation())) {
        last =
            new Sql(
                url,
                connectionString,
                sanitizedQuery,
                databaseType,
                databaseVersion,
                driverVersion,
                user,
                preparation,
                Map.of());
        sql = last;
      }
      return last;
    }
  }

  private static final ThreadLocal<Attrs.In> SPAN_VIEW =
      ThreadLocal.withInitial(() -> new Attrs.In(List.of()));

  private static final ThreadLocal<RecentText> RECENT = ThreadLocal.withInitial(RecentText::new);

  // ------------------------------------------------------------------------------------------
  // Shared pieces

  /** Exceptions from span events. */
  private Cause.Details causeOf(Span span, Attrs.In a, boolean exact, ObjectNode unknown) {
    String wd = a.str(XRayAttributes.CAUSE_WORKING_DIRECTORY);
    List<String> paths = a.strings(XRayAttributes.CAUSE_PATHS);
    ObjectNode cu = child(unknown, "cause");
    List<ExceptionDetail> exceptions = null;
    boolean remote =
        span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
            || span.getKind() == Span.SpanKind.SPAN_KIND_PRODUCER;
    boolean awsSdk = !exact && "aws-api".equals(stringOf(a.peek("rpc.system")));
    for (Span.Event ev : span.getEventsList()) {
      if (ev.getName().equals("exception")) {
        if (exceptions == null) {
          exceptions = new ArrayList<>();
        }
        Attrs.In ea = new Attrs.In(ev.getAttributesList());
        String id = ea.str(XRayAttributes.EXCEPTION_ID);
        if (id == null && !exact) {
          id = exceptionId(span, exceptions.size());
        }
        String type = ea.str("exception.type");
        String message = ea.str("exception.message");
        Boolean rem = ea.bool(XRayAttributes.EXCEPTION_REMOTE);
        if (rem == null && !exact && remote) {
          rem = true;
        }
        Long truncated = ea.lng(XRayAttributes.EXCEPTION_TRUNCATED);
        Long skipped = ea.lng(XRayAttributes.EXCEPTION_SKIPPED);
        String causeOf = ea.str(XRayAttributes.EXCEPTION_CAUSE);
        List<StackFrame> stack = null;
        String stackJson = ea.str(XRayAttributes.EXCEPTION_STACK);
        if (stackJson != null) {
          JsonNode node = Json.tryParse(stackJson);
          stack = node == null ? null : SegmentCodec.frames(node);
        }
        String trace = ea.str("exception.stacktrace");
        List<ExceptionDetail> chained = List.of();
        if (stack == null && trace != null && !exact) {
          JavaStack.Parsed parsed =
              JavaStack.parse(trace, id, rem, i -> exceptionId(span, 1000 + i));
          stack = parsed.frames().isEmpty() ? null : parsed.frames();
          chained = parsed.causes();
          if (!chained.isEmpty() && causeOf == null) {
            causeOf = chained.get(0).id();
          }
        }
        Map<String, JsonNode> extra = fields(parseObject(ea.str(XRayAttributes.UNKNOWN)));
        exceptions.add(
            new ExceptionDetail(id, message, type, rem, truncated, skipped, causeOf, stack, extra));
        exceptions.addAll(chained);
      } else if (awsSdk && ev.getName().equals("HTTP request failure")) {
        Attrs.In ea = new Attrs.In(ev.getAttributesList());
        String st = ea.text("http.response.status_code");
        String msg = ea.str("aws.http.error_message");
        if (st != null && msg != null) {
          if (exceptions == null) {
            exceptions = new ArrayList<>();
          }
          exceptions.add(
              new ExceptionDetail(
                  exceptionId(span, exceptions.size()),
                  st
                      + "@"
                      + String.format(Locale.ROOT, "%.6f", ev.getTimeUnixNano() / 1e9)
                      + "@"
                      + msg,
                  "aws.http.error.event",
                  true,
                  null,
                  null,
                  null,
                  null,
                  Map.of()));
        }
      }
    }
    if (exceptions == null && wd == null && paths == null && cu == null) {
      return null;
    }
    Map<String, JsonNode> extra = fields(cu);
    if (exceptions == null && extra.get("exceptions") instanceof ArrayNode arr && arr.isEmpty()) {
      extra.remove("exceptions");
      exceptions = List.of();
    } else if (exceptions != null) {
      extra.remove("exceptions");
    }
    return new Cause.Details(wd, paths, exceptions, extra);
  }

  /** Deterministic exception ids: a mix of the span id and the exception's position. */
  static String exceptionId(Span span, int index) {
    long x = span.getSpanId().size() == 8 ? bytesToLong(span.getSpanId()) : 0;
    x += 0x9E3779B97F4A7C15L * (index + 1);
    x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
    x = x ^ (x >>> 31);
    String h = Long.toHexString(x);
    return "0".repeat(16 - h.length()) + h;
  }

  private static long bytesToLong(ByteString b) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b.byteAt(i) & 0xff);
    }
    return v;
  }

  private List<Link> links(Span span) {
    if (span.getLinksCount() == 0) {
      return null;
    }
    List<Link> out = new ArrayList<>(span.getLinksCount());
    for (Span.Link l : span.getLinksList()) {
      Attrs.In la = new Attrs.In(l.getAttributesList());
      String traceId = la.str(XRayAttributes.LINK_TRACE_ID);
      if (traceId == null && l.getTraceId().size() == 16) {
        traceId = Ids.xrayTraceId(l.getTraceId());
      }
      String id = la.str(XRayAttributes.LINK_ID);
      if (id == null && l.getSpanId().size() == 8) {
        id = Ids.hex(l.getSpanId());
      }
      Map<String, JsonNode> extra = fields(parseObject(la.str(XRayAttributes.UNKNOWN)));
      Map<String, JsonNode> attrs = null;
      String attrJson = la.str(XRayAttributes.LINK_ATTRIBUTES);
      ObjectNode parsedAttrs = parseObject(attrJson);
      if (parsedAttrs != null) {
        attrs = fields(parsedAttrs);
      }
      for (KeyValue kv : la.remaining()) {
        JsonNode v = toJson(kv.getValue());
        if (v != null) {
          if (attrs == null) {
            attrs = new LinkedHashMap<>();
          }
          attrs.put(kv.getKey(), v);
        }
      }
      out.add(new Link(traceId, id, attrs, nullToEmpty(extra)));
    }
    return out;
  }

  private static Map<String, JsonNode> nullToEmpty(Map<String, JsonNode> m) {
    return m == null ? Map.of() : m;
  }

  /** {@code aws.xray.metadata.<ns>} attributes (JSON text) into namespaces. */
  private static Map<String, JsonNode> metadataOf(Attrs.In a, boolean exact) {
    Map<String, JsonNode> md = null;
    List<KeyValue> all = a.all();
    for (int i = 0, n = all.size(); i < n; i++) {
      KeyValue kv = all.get(i);
      String key = kv.getKey();
      if (!key.startsWith(XRayAttributes.METADATA_PREFIX)
          || kv.getValue().getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
        continue;
      }
      JsonNode parsed = Json.tryParse(kv.getValue().getStringValue());
      if (parsed == null || (!exact && !parsed.isObject())) {
        continue; // stays an ordinary attribute and becomes default metadata
      }
      a.take(key);
      if (md == null) {
        md = new LinkedHashMap<>();
      }
      String ns = key.substring(XRayAttributes.METADATA_PREFIX.length());
      if (!exact && ns.equalsIgnoreCase("default") && parsed.isObject()) {
        ObjectNode def = defaultNamespace(md);
        parsed.properties().forEach(e -> def.set(e.getKey(), e.getValue()));
      } else {
        md.put(ns, parsed);
      }
    }
    return md;
  }

  private static ObjectNode defaultNamespace(Map<String, JsonNode> md) {
    JsonNode d = md.get("default");
    if (d instanceof ObjectNode o) {
      return o;
    }
    ObjectNode o = new ObjectNode(Json.NODES, new LinkedHashMap<>(8));
    md.put("default", o);
    return o;
  }

  private Segment.Builder finishAttributes(
      Segment.Builder b,
      Attrs.In a,
      Map<String, AnnotationValue> ann,
      Map<String, JsonNode> md,
      boolean storeResource,
      ResourceInfo info) {
    return finishAttributes(b, a, ann, md, storeResource, info, null);
  }

  /**
   * Chooses annotations and metadata from what is left: {@code indexed_attributes} (in order), the
   * span's {@code aws.xray.annotations} list, then everything when {@code index_all_attributes};
   * values X-Ray cannot index and all other attributes become {@code default} metadata.
   */
  private Segment.Builder finishAttributes(
      Segment.Builder b,
      Attrs.In a,
      Map<String, AnnotationValue> ann,
      Map<String, JsonNode> md,
      boolean storeResource,
      ResourceInfo info,
      List<String> perSpanKeys) {
    MetadataSink sink = new MetadataSink(md);
    boolean keepDots = settings.annotationKeys() == XRaySettings.KeyMode.KEEP_DOTS;
    // Explicitly indexed keys, even if a mapping above consumed them.
    for (String k : settings.indexedAttributes()) {
      AnyValue v = a.peek(k);
      if (v != null) {
        a.take(k);
        ann = annotate(ann, sanitizeKey(k, keepDots), v, k, sink);
      }
    }
    if (perSpanKeys != null) {
      for (String k : perSpanKeys) {
        AnyValue v = a.peek(k);
        if (v != null) {
          a.take(k);
          ann = annotate(ann, sanitizeKey(k, keepDots), v, k, sink);
        }
      }
    }
    if (md == null && sink.defaults == null && info.deferrable) {
      DeferredDefaults deferred = DeferredDefaults.of(a, storeResource, info);
      if (deferred != null) {
        b.annotations(ann);
        if (deferred.hasMembers()) {
          b.metadata(Collections.singletonMap("default", deferred));
        }
        return b;
      }
    }
    if (storeResource) {
      for (int r = 0; r < info.attributes.size(); r++) {
        KeyValue kv = info.attributes.get(r);
        String key = info.metadataKeys[r];
        if (settings.indexAllAttributes() || settings.indexedAttributes().contains(key)) {
          ann = annotate(ann, sanitizeKey(key, keepDots), kv.getValue(), key, sink);
        } else {
          JsonNode v = toJson(kv.getValue());
          if (v != null) {
            sink.defaults().set(key, v);
          }
        }
      }
    }
    for (int i = 0, n = a.size(); i < n; i++) {
      if (!a.remains(i)) {
        continue;
      }
      KeyValue kv = a.get(i);
      if (settings.indexAllAttributes()) {
        ann = annotate(ann, sanitizeKey(kv.getKey(), keepDots), kv.getValue(), kv.getKey(), sink);
      } else {
        JsonNode v = toJson(kv.getValue());
        if (v != null) {
          sink.defaults().set(kv.getKey(), v);
        }
      }
    }
    b.annotations(ann);
    Map<String, JsonNode> collected = sink.result();
    if (collected != null && !collected.isEmpty()) {
      b.metadata(collected);
    }
    return b;
  }

  /**
   * The {@code default} metadata namespace of a derived span, kept as a reference to the attributes
   * it is made of and written straight to the generator: the same members, in the same order and
   * with the same values as the tree {@link #finishAttributes} would build (resource attributes
   * first, then the span's remaining attributes), without a node per attribute. Only used when the
   * documents are just serialized and every value is a plain scalar.
   */
  static final class DeferredDefaults extends POJONode {
    private static final long serialVersionUID = 1L;

    private final transient List<KeyValue> spanAttributes;
    private final long spanMask;
    private final transient List<KeyValue> resourceAttributes;
    private final transient String[] resourceKeys;
    private final int count;

    private DeferredDefaults(
        List<KeyValue> spanAttributes,
        long spanMask,
        List<KeyValue> resourceAttributes,
        String[] resourceKeys,
        int count) {
      super(null);
      this.spanAttributes = spanAttributes;
      this.spanMask = spanMask;
      this.resourceAttributes = resourceAttributes;
      this.resourceKeys = resourceKeys;
      this.count = count;
    }

    /** The namespace for what is left of {@code a}, or null if a tree is needed. */
    static DeferredDefaults of(Attrs.In a, boolean storeResource, ResourceInfo info) {
      int n = a.size();
      if (n > Long.SIZE) {
        return null;
      }
      long mask = 0;
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (!a.remains(i)) {
          continue;
        }
        KeyValue kv = a.get(i);
        if (!plain(kv.getValue())
            || (storeResource && kv.getKey().startsWith(RESOURCE_METADATA_PREFIX))) {
          return null;
        }
        if (kv.getValue().getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
          mask |= 1L << i;
          count++;
        }
      }
      List<KeyValue> resource = null;
      if (storeResource) {
        resource = info.attributes;
        for (int r = 0, m = resource.size(); r < m; r++) {
          if (resource.get(r).getValue().getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
            count++;
          }
        }
      }
      return new DeferredDefaults(a.all(), mask, resource, info.metadataKeys, count);
    }

    /** Values written exactly like their tree form by {@link Json#writeNode}. */
    static boolean plain(AnyValue v) {
      return switch (v.getValueCase()) {
        case STRING_VALUE, BOOL_VALUE, INT_VALUE, VALUE_NOT_SET -> true;
        case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue());
        default -> false;
      };
    }

    boolean hasMembers() {
      return count > 0;
    }

    void write(JsonGenerator g) throws IOException {
      g.writeStartObject();
      if (resourceAttributes != null) {
        for (int r = 0, m = resourceAttributes.size(); r < m; r++) {
          AnyValue v = resourceAttributes.get(r).getValue();
          if (v.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
            g.writeFieldName(resourceKeys[r]);
            writeValue(g, v);
          }
        }
      }
      for (int i = 0, n = spanAttributes.size(); i < n; i++) {
        if ((spanMask & (1L << i)) != 0) {
          KeyValue kv = spanAttributes.get(i);
          g.writeFieldName(kv.getKey());
          writeValue(g, kv.getValue());
        }
      }
      g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, AnyValue v) throws IOException {
      switch (v.getValueCase()) {
        case STRING_VALUE -> g.writeString(v.getStringValue());
        case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
        case INT_VALUE -> g.writeNumber(v.getIntValue());
        case DOUBLE_VALUE -> g.writeNumber(v.getDoubleValue());
        default -> throw new IllegalStateException("not a plain value: " + v.getValueCase());
      }
    }

    /** The same namespace as a tree, for the rare paths that edit metadata. */
    ObjectNode toTree() {
      ObjectNode o = Json.NODES.objectNode();
      if (resourceAttributes != null) {
        for (int r = 0, m = resourceAttributes.size(); r < m; r++) {
          JsonNode j = treeValue(resourceAttributes.get(r).getValue());
          if (j != null) {
            o.set(resourceKeys[r], j);
          }
        }
      }
      for (int i = 0, n = spanAttributes.size(); i < n; i++) {
        if ((spanMask & (1L << i)) != 0) {
          KeyValue kv = spanAttributes.get(i);
          o.set(kv.getKey(), treeValue(kv.getValue()));
        }
      }
      return o;
    }

    private static JsonNode treeValue(AnyValue v) {
      return switch (v.getValueCase()) {
        case STRING_VALUE -> Json.NODES.textNode(v.getStringValue());
        case BOOL_VALUE -> Json.NODES.booleanNode(v.getBoolValue());
        case INT_VALUE -> Json.NODES.numberNode(v.getIntValue());
        case DOUBLE_VALUE -> Json.NODES.numberNode(v.getDoubleValue());
        default -> null;
      };
    }
  }

  /**
   * Metadata being chosen from attributes. Only {@code default} gains members here, so when no
   * namespace was parsed before, a single-entry map is all the result can be; it is made at the end
   * instead of a hash map per span.
   */
  private static final class MetadataSink {
    private final Map<String, JsonNode> namespaces;
    private ObjectNode defaults;

    MetadataSink(Map<String, JsonNode> namespaces) {
      this.namespaces = namespaces;
    }

    ObjectNode defaults() {
      if (namespaces != null) {
        return defaultNamespace(namespaces);
      }
      if (defaults == null) {
        defaults = new ObjectNode(Json.NODES, new LinkedHashMap<>(8));
      }
      return defaults;
    }

    Map<String, JsonNode> result() {
      if (namespaces != null) {
        return namespaces;
      }
      return defaults == null ? null : Collections.singletonMap("default", defaults);
    }
  }

  private Map<String, AnnotationValue> annotate(
      Map<String, AnnotationValue> ann,
      String key,
      AnyValue v,
      String originalKey,
      MetadataSink md) {
    AnnotationValue av = annotationValue(v);
    if (av == null) {
      JsonNode j = toJson(v);
      if (j != null) {
        stats.increment(Outcome.ANNOTATION_TO_METADATA);
        md.defaults().set(originalKey, j);
      }
      return ann;
    }
    if (ann == null) {
      ann = new LinkedHashMap<>();
    }
    ann.put(key, av);
    return ann;
  }

  static AnnotationValue annotationValue(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> new AnnotationValue.Str(v.getStringValue());
      case INT_VALUE -> new AnnotationValue.Int(v.getIntValue());
      case DOUBLE_VALUE ->
          Double.isFinite(v.getDoubleValue()) ? new AnnotationValue.Dbl(v.getDoubleValue()) : null;
      case BOOL_VALUE -> new AnnotationValue.Bool(v.getBoolValue());
      default -> null;
    };
  }

  /** Replaces every character X-Ray cannot index with {@code _}. */
  static String sanitizeKey(String key, boolean keepDots) {
    StringBuilder b = null;
    int i = 0;
    while (i < key.length()) {
      int cp = key.codePointAt(i);
      boolean ok =
          (cp >= 'a' && cp <= 'z')
              || (cp >= 'A' && cp <= 'Z')
              || (cp >= '0' && cp <= '9')
              || cp == '_'
              || (keepDots && cp == '.');
      if (!ok && b == null) {
        b = new StringBuilder(key.length()).append(key, 0, i);
      }
      if (b != null) {
        b.append(ok ? (char) cp : '_');
      }
      i += Character.charCount(cp);
    }
    String out = b == null ? key : b.toString();
    return out.isEmpty() ? "_" : out;
  }

  /** Removes characters X-Ray refuses in names and keeps at most 200 characters. */
  static String sanitizeName(String name) {
    if (isCleanName(name)) {
      return name;
    }
    StringBuilder b = new StringBuilder(Math.min(name.length(), 200));
    int count = 0;
    for (int i = 0; i < name.length() && count < SegmentValidator.MAX_NAME_LENGTH; ) {
      int cp = name.codePointAt(i);
      if (SegmentValidator.isNameChar(cp) && cp != '\t' && cp != '\n' && cp != '\r') {
        b.appendCodePoint(cp);
        count++;
      }
      i += Character.charCount(cp);
    }
    String out = b.toString().strip();
    return out.isEmpty() ? "span" : out;
  }

  private static boolean isCleanName(String name) {
    int n = name.length();
    if (n == 0 || n > SegmentValidator.MAX_NAME_LENGTH) {
      return false;
    }
    if (Character.isWhitespace(name.charAt(0)) || Character.isWhitespace(name.charAt(n - 1))) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == ' '
              || (c < 128 && "_.:/%&#=+-@".indexOf(c) >= 0);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** OTLP value to JSON; null for empty values. Non-finite doubles become strings. */
  JsonNode toJson(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> Json.NODES.textNode(v.getStringValue());
      case BOOL_VALUE -> Json.NODES.booleanNode(v.getBoolValue());
      case INT_VALUE -> Json.NODES.numberNode(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isFinite(d)) {
          yield Json.NODES.numberNode(d);
        }
        stats.increment(Outcome.NON_FINITE_NUMBER);
        yield Json.NODES.textNode(Double.toString(d));
      }
      case BYTES_VALUE ->
          Json.NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode arr = Json.NODES.arrayNode();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          JsonNode j = toJson(e);
          arr.add(j == null ? Json.NODES.nullNode() : j);
        }
        yield arr;
      }
      case KVLIST_VALUE -> {
        ObjectNode o = Json.NODES.objectNode();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          JsonNode j = toJson(kv.getValue());
          o.set(kv.getKey(), j == null ? Json.NODES.nullNode() : j);
        }
        yield o;
      }
      default -> null;
    };
  }

  // ------------------------------------------------------------------------------------------
  // Annotation budget and size limit

  private Segment limitAnnotations(Segment doc) {
    int[] budget = {settings.maxAnnotations()};
    return limit(doc, budget);
  }

  private Segment limit(Segment s, int[] budget) {
    boolean changed = false;
    Segment.Builder b = null;
    if (s.annotations() != null && s.annotations().size() > budget[0]) {
      Map<String, AnnotationValue> keep = new LinkedHashMap<>();
      Map<String, JsonNode> md =
          s.metadata() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(s.metadata());
      ObjectNode def = null;
      for (Map.Entry<String, AnnotationValue> e : s.annotations().entrySet()) {
        if (budget[0] > 0) {
          keep.put(e.getKey(), e.getValue());
          budget[0]--;
        } else {
          if (def == null) {
            JsonNode d = md.get("default");
            def =
                d instanceof ObjectNode o
                    ? o.deepCopy()
                    : d instanceof DeferredDefaults deferred
                        ? deferred.toTree()
                        : Json.NODES.objectNode();
            md.put("default", def);
          }
          def.set(e.getKey(), annotationJson(e.getValue()));
          stats.increment(Outcome.ANNOTATION_OVERFLOW);
        }
      }
      b = s.toBuilder().annotations(keep).metadata(md);
      changed = true;
    } else if (s.annotations() != null) {
      budget[0] -= s.annotations().size();
    }
    if (s.subsegments() != null) {
      List<Segment> subs = new ArrayList<>(s.subsegments().size());
      boolean subChanged = false;
      for (Segment sub : s.subsegments()) {
        Segment l = limit(sub, budget);
        subChanged |= l != sub;
        subs.add(l);
      }
      if (subChanged) {
        b = (b == null ? s.toBuilder() : b).subsegments(subs);
        changed = true;
      }
    }
    return changed ? b.build() : s;
  }

  private static JsonNode annotationJson(AnnotationValue v) {
    if (v instanceof AnnotationValue.Str x) {
      return Json.NODES.textNode(x.value());
    } else if (v instanceof AnnotationValue.Int x) {
      return Json.NODES.numberNode(x.value());
    } else if (v instanceof AnnotationValue.Dbl x) {
      return Json.NODES.numberNode(x.value());
    }
    return Json.NODES.booleanNode(((AnnotationValue.Bool) v).value());
  }

  /** Adds the document (split if needed) to {@code strings} or {@code segments}. */
  private void fit(Segment doc, List<String> strings, List<Segment> segments) {
    SegmentCodec.Buffer encoded = SegmentCodec.encode(doc);
    int docSize = encoded.length;
    if (docSize <= SegmentValidator.MAX_DOCUMENT_BYTES) {
      if (strings != null) {
        strings.add(encoded.utf8());
      } else {
        segments.add(doc);
      }
      return;
    }
    String traceId = doc.traceId();
    List<Segment> subs = doc.subsegmentList();
    if (!subs.isEmpty()) {
      // Move the largest subsegments out until the rest fits.
      List<Integer> order = new ArrayList<>();
      int[] sizes = new int[subs.size()];
      for (int i = 0; i < subs.size(); i++) {
        sizes[i] = SegmentCodec.serializeBytes(subs.get(i)).length;
        order.add(i);
      }
      order.sort(Comparator.comparingInt((Integer i) -> sizes[i]).reversed());
      boolean[] out = new boolean[subs.size()];
      int size = docSize;
      for (int i : order) {
        if (size <= SegmentValidator.MAX_DOCUMENT_BYTES) {
          break;
        }
        out[i] = true;
        size -= sizes[i] + 1;
      }
      List<Segment> stay = new ArrayList<>();
      List<Segment> moved = new ArrayList<>();
      for (int i = 0; i < subs.size(); i++) {
        if (out[i]) {
          moved.add(
              subs.get(i).toBuilder()
                  .type(Segment.TYPE_SUBSEGMENT)
                  .traceId(traceId)
                  .parentId(doc.id())
                  .build());
          stats.increment(Outcome.SUBSEGMENT_SPLIT_OUT);
        } else {
          stay.add(subs.get(i));
        }
      }
      fit(doc.toBuilder().subsegments(stay.isEmpty() ? null : stay).build(), strings, segments);
      for (Segment m : moved) {
        fit(m, strings, segments);
      }
      return;
    }
    Segment trimmed = trim(doc, docSize);
    byte[] after = SegmentCodec.serializeBytes(trimmed);
    if (after.length > SegmentValidator.MAX_DOCUMENT_BYTES) {
      stats.increment(Outcome.DOCUMENT_OVERSIZED);
    }
    if (strings != null) {
      strings.add(new String(after, StandardCharsets.UTF_8));
    } else {
      segments.add(trimmed);
    }
  }

  /** Drops metadata namespaces (largest first) and then stack frames, leaving a marker. */
  private Segment trim(Segment doc, int size) {
    Segment current = doc;
    if (doc.metadata() != null && !doc.metadata().isEmpty()) {
      Map<String, JsonNode> md = new LinkedHashMap<>(doc.metadata());
      List<Map.Entry<String, Integer>> bySize = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : md.entrySet()) {
        bySize.add(Map.entry(e.getKey(), Json.write(e.getValue()).length()));
      }
      bySize.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
      ArrayNode dropped = Json.NODES.arrayNode();
      ObjectNode marker = Json.NODES.objectNode();
      marker.put("metadata_trimmed", true);
      marker.put("original_bytes", size);
      marker.set("dropped_namespaces", dropped);
      for (Map.Entry<String, Integer> e : bySize) {
        md.remove(e.getKey());
        dropped.add(e.getKey());
        md.put(TRIM_MARKER_NAMESPACE, marker);
        current = doc.toBuilder().metadata(md).build();
        if (SegmentCodec.serializeBytes(current).length <= SegmentValidator.MAX_DOCUMENT_BYTES) {
          break;
        }
      }
      stats.increment(Outcome.METADATA_TRIMMED);
    }
    if (SegmentCodec.serializeBytes(current).length > SegmentValidator.MAX_DOCUMENT_BYTES
        && current.cause() instanceof Cause.Details c) {
      List<ExceptionDetail> ex = new ArrayList<>();
      for (ExceptionDetail e : c.exceptionList()) {
        int n = e.stack() == null ? 0 : e.stack().size();
        ex.add(
            new ExceptionDetail(
                e.id(),
                e.message(),
                e.type(),
                e.remote(),
                n == 0 ? e.truncated() : (e.truncated() == null ? 0 : e.truncated()) + n,
                e.skipped(),
                e.cause(),
                n == 0 ? e.stack() : List.of(),
                e.extra()));
      }
      current =
          current.toBuilder()
              .cause(new Cause.Details(c.workingDirectory(), c.paths(), ex, c.extra()))
              .build();
    }
    return current;
  }

  // ------------------------------------------------------------------------------------------
  // Resource

  /** What one resource contributes; computed once per ResourceSpans. */
  private final class ResourceInfo {
    final List<KeyValue> attributes;
    final String serviceName;
    final String origin;
    final Service service;
    final Aws segmentAws;

    final String[] metadataKeys;

    /**
     * True if {@code default} metadata may be a {@link DeferredDefaults}: the documents are only
     * serialized, no attribute is annotated wholesale, and the resource attributes have distinct
     * keys, none indexed, and plain values.
     */
    final boolean deferrable;

    ResourceInfo(List<KeyValue> attributes, boolean serializing) {
      this.attributes = attributes;
      this.metadataKeys = new String[attributes.size()];
      for (int i = 0; i < metadataKeys.length; i++) {
        metadataKeys[i] = RESOURCE_METADATA_PREFIX + attributes.get(i).getKey();
      }
      boolean ok = serializing && !settings.indexAllAttributes();
      for (int i = 0; ok && i < metadataKeys.length; i++) {
        ok =
            DeferredDefaults.plain(attributes.get(i).getValue())
                && !settings.indexedAttributes().contains(metadataKeys[i]);
        for (int j = 0; ok && j < i; j++) {
          ok = !metadataKeys[j].equals(metadataKeys[i]);
        }
      }
      this.deferrable = ok;
      Attrs.In r = new Attrs.In(attributes);
      this.serviceName = nonEmpty(r.str("service.name"));
      String provider = r.str("cloud.provider");
      boolean aws = provider == null || provider.equals("aws");
      String platform = r.str("cloud.platform");
      this.origin = aws ? originOf(platform, r.str("aws.ecs.launchtype")) : null;
      String version = r.str("service.version");
      if (version == null) {
        version = r.str("container.image.tag");
      }
      this.service = version == null ? null : new Service(version, null, null, Map.of());
      this.segmentAws = aws ? segmentAws(r, platform) : null;
    }

    Attrs.In exactView() {
      return new Attrs.In(attributes);
    }

    private Aws segmentAws(Attrs.In r, String platform) {
      String hostId = r.str("host.id");
      String az = r.str("cloud.availability_zone");
      Aws.Ec2 ec2 = null;
      if ("aws_ec2".equals(platform) || hostId != null) {
        ec2 = new Aws.Ec2(hostId, r.str("host.type"), r.str("host.image.id"), az, Map.of());
      }
      Aws.Ecs ecs = null;
      if ("aws_ecs".equals(platform)) {
        ecs =
            new Aws.Ecs(
                r.str("container.name"),
                r.str("container.id"),
                r.str("aws.ecs.container.arn"),
                r.str("aws.ecs.task.arn"),
                r.str("aws.ecs.task.family"),
                r.str("aws.ecs.cluster.arn"),
                az,
                r.str("aws.ecs.launchtype"),
                Map.of());
      }
      Aws.ElasticBeanstalk eb = null;
      String instance = r.text("service.instance.id");
      if ("aws_elastic_beanstalk".equals(platform) && instance != null) {
        Long dep = Attrs.parseLong(instance);
        eb =
            new Aws.ElasticBeanstalk(
                r.str("service.namespace"),
                r.str("service.version"),
                dep == null ? 0L : dep,
                Map.of());
      }
      Aws.Eks eks = null;
      String cluster = r.str("k8s.cluster.name");
      if ("aws_eks".equals(platform) || cluster != null) {
        eks = new Aws.Eks(r.str("k8s.pod.name"), cluster, r.str("container.id"), Map.of());
      }
      List<Aws.CloudWatchLog> logs = null;
      List<String> arns = splitList(r.peek("aws.log.group.arns"));
      List<String> names = splitList(r.peek("aws.log.group.names"));
      if (arns != null && !arns.isEmpty()) {
        logs = new ArrayList<>();
        for (String arn : arns) {
          String[] parts = arn.split(":");
          logs.add(new Aws.CloudWatchLog(parts.length >= 7 ? parts[6] : arn, arn, Map.of()));
        }
      } else if (names != null && !names.isEmpty()) {
        logs = new ArrayList<>();
        for (String n : names) {
          logs.add(new Aws.CloudWatchLog(n, null, Map.of()));
        }
      } else if (!settings.awsLogGroups().isEmpty()) {
        logs = new ArrayList<>();
        for (String n : settings.awsLogGroups()) {
          logs.add(new Aws.CloudWatchLog(n, null, Map.of()));
        }
      }
      Aws.XRaySdk xray = null;
      String sdkName = r.str("telemetry.sdk.name");
      String lang = r.str("telemetry.sdk.language");
      String sdkVersion = r.str("telemetry.sdk.version");
      String auto = firstString(r, "telemetry.auto.version", "telemetry.distro.version");
      if (sdkName != null || sdkVersion != null) {
        String sdk = sdkName;
        if (sdk != null
            && lang != null
            && !lang.isEmpty()
            && !sdk.toLowerCase(Locale.ROOT).endsWith(" for " + lang.toLowerCase(Locale.ROOT))) {
          sdk = sdk + " for " + lang;
        }
        xray = new Aws.XRaySdk(sdk, sdkVersion, auto != null && !auto.isEmpty(), Map.of());
      }
      String account = r.str("cloud.account.id");
      if (account == null
          && ec2 == null
          && ecs == null
          && eb == null
          && eks == null
          && logs == null
          && xray == null) {
        return null;
      }
      return new Aws(
          account, null, null, null, null, null, null, null, ec2, ecs, eks, eb, xray, logs,
          Map.of());
    }
  }

  private static List<String> splitList(AnyValue v) {
    if (v == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
      for (String p : v.getStringValue().split("&")) {
        if (!p.isEmpty()) {
          out.add(p);
        }
      }
    } else if (v.getValueCase() == AnyValue.ValueCase.ARRAY_VALUE) {
      for (AnyValue e : v.getArrayValue().getValuesList()) {
        if (e.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
          out.add(e.getStringValue());
        }
      }
    }
    return out;
  }

  private static String originOf(String platform, String launchType) {
    if (platform == null) {
      return null;
    }
    return switch (platform) {
      case "aws_app_runner" -> "AWS::AppRunner::Service";
      case "aws_eks" -> "AWS::EKS::Container";
      case "aws_elastic_beanstalk" -> "AWS::ElasticBeanstalk::Environment";
      case "aws_ec2" -> "AWS::EC2::Instance";
      case "aws_lambda" -> "AWS::Lambda::Function";
      case "aws_ecs" -> {
        if ("ec2".equalsIgnoreCase(launchType)) {
          yield "AWS::ECS::EC2";
        }
        if ("fargate".equalsIgnoreCase(launchType)) {
          yield "AWS::ECS::Fargate";
        }
        yield "AWS::ECS::Container";
      }
      default -> null;
    };
  }

  // ------------------------------------------------------------------------------------------
  // Small helpers

  private static String stringOf(AnyValue v) {
    return v != null && v.getValueCase() == AnyValue.ValueCase.STRING_VALUE
        ? v.getStringValue()
        : null;
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The first present, non-empty string among keys; all present keys are consumed. */
  private static String firstString(Attrs.In a, String k1, String k2) {
    String v1 = nonEmpty(a.str(k1));
    String v2 = nonEmpty(a.str(k2));
    return v1 != null ? v1 : v2;
  }

  private static String firstString(Attrs.In a, String k1, String k2, String k3) {
    String v1 = firstString(a, k1, k2);
    String v3 = nonEmpty(a.str(k3));
    return v1 != null ? v1 : v3;
  }

  private static String firstText(Attrs.In a, String k1, String k2) {
    String v1 = nonEmpty(a.text(k1));
    String v2 = nonEmpty(a.text(k2));
    return v1 != null ? v1 : v2;
  }

  private static Long firstLong(Attrs.In a, String k1, String k2) {
    Long v1 = a.lng(k1);
    Long v2 = a.lng(k2);
    return v1 != null ? v1 : v2;
  }

  private static String hostOf(String connectionString) {
    if (connectionString == null) {
      return null;
    }
    String s =
        connectionString.startsWith("jdbc:") ? connectionString.substring(5) : connectionString;
    try {
      String host = new java.net.URI(s).getHost();
      return host == null || host.isEmpty() ? null : host;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static boolean looksLikeIp(String s) {
    int plain = plainIpv4(s);
    if (plain >= 0) {
      return plain == 1;
    }
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      Long v = p.isEmpty() || p.length() > 3 ? null : Attrs.parseLong(p);
      if (v == null || v < 0 || v > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * The common case of {@link #looksLikeIp} without splitting: 1 for four dot-separated groups of
   * one to three ASCII digits each at most 255, 0 for a string of only ASCII digits and dots that
   * is not such an address, -1 when the string has other characters (decided by the general code).
   */
  private static int plainIpv4(String s) {
    int groups = 0;
    int digits = 0;
    int value = 0;
    boolean ok = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        value = value * 10 + (c - '0');
        ok &= digits <= 3;
      } else if (c == '.') {
        ok &= digits > 0 && value <= 255;
        groups++;
        digits = 0;
        value = 0;
      } else {
        return -1;
      }
    }
    ok &= digits > 0 && value <= 255 && groups == 3;
    return ok ? 1 : 0;
  }

  private static ObjectNode parseObject(String json) {
    if (json == null) {
      return null;
    }
    return Json.tryParse(json) instanceof ObjectNode o ? o : null;
  }

  private static ObjectNode child(ObjectNode parent, String key) {
    return parent != null && parent.get(key) instanceof ObjectNode o ? o : null;
  }

  /** The members of an object, except the given keys when they hold objects. */
  private static Map<String, JsonNode> fields(ObjectNode o, String... objectKeys) {
    if (o == null || o.isEmpty()) {
      return new LinkedHashMap<>();
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    outer:
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      for (String k : objectKeys) {
        if (k.equals(e.getKey()) && e.getValue().isObject()) {
          continue outer;
        }
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
