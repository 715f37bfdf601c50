package io.raybridge.exporter.xraylocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentValidator;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The X-Ray API operations over a {@link TraceStore}: request JSON in, response JSON out, errors as
 * {@link ApiException}. Shapes follow the X-Ray API model (XRAY-REFERENCE §3). Thread-safe.
 */
final class XRayApi {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** The account and region local ARNs are made up with. */
  static final String ARN_PREFIX = "arn:aws:xray:us-east-1:000000000000:";

  /** Trace summaries per GetTraceSummaries page. */
  static final int DEFAULT_PAGE_SIZE = 100;

  private static final Pattern SERVICE_SELECTOR =
      Pattern.compile("\\s*service\\(\\s*\"([^\"]*)\"\\s*\\)\\s*");
  private static final Pattern EDGE_SELECTOR =
      Pattern.compile("\\s*edge\\(\\s*\"([^\"]*)\"\\s*,\\s*\"([^\"]*)\"\\s*\\)\\s*");

  private final TraceStore store;
  private final Clock clock;
  private final int pageSize;
  private final SamplingService sampling;
  private final Groups groups = new Groups();

  XRayApi(TraceStore store, Clock clock, int pageSize) {
    this.store = store;
    this.clock = clock;
    this.pageSize = pageSize;
    this.sampling = new SamplingService(clock);
  }

  /** Runs the operation at {@code path} (e.g. {@code /TraceSummaries}). */
  JsonNode handle(String path, JsonNode request) throws ApiException {
    return switch (path) {
      case "/TraceSegments" -> putTraceSegments(request);
      case "/Traces" -> batchGetTraces(request);
      case "/TraceSummaries" -> traceSummaries(request);
      case "/TraceGraph" -> traceGraph(request);
      case "/ServiceGraph" -> serviceGraph(request);
      case "/TimeSeriesServiceStatistics" -> timeSeries(request);
      case "/TelemetryRecords" -> MAPPER.createObjectNode();
      case "/GetSamplingRules" -> samplingRules();
      case "/SamplingTargets" -> sampling.targets(request);
      case "/SamplingStatisticSummaries" -> sampling.statisticSummaries();
      case "/CreateSamplingRule" -> ruleRecord(sampling.create(request.get("SamplingRule")));
      case "/UpdateSamplingRule" -> ruleRecord(sampling.update(request.get("SamplingRuleUpdate")));
      case "/DeleteSamplingRule" ->
          ruleRecord(
              sampling.delete(
                  SamplingService.text(request, "RuleName"),
                  SamplingService.text(request, "RuleARN")));
      case "/CreateGroup" ->
          group(
              groups.create(
                  SamplingService.text(request, "GroupName"),
                  SamplingService.text(request, "FilterExpression")));
      case "/UpdateGroup" ->
          group(
              groups.update(
                  SamplingService.text(request, "GroupName"),
                  SamplingService.text(request, "GroupARN"),
                  SamplingService.text(request, "FilterExpression")));
      case "/GetGroup" ->
          group(
              groups.find(
                  SamplingService.text(request, "GroupName"),
                  SamplingService.text(request, "GroupARN")));
      case "/Groups" -> groupList();
      case "/DeleteGroup" -> {
        groups.delete(
            SamplingService.text(request, "GroupName"), SamplingService.text(request, "GroupARN"));
        yield MAPPER.createObjectNode();
      }
      default ->
          throw new ApiException(404, "UnknownOperationException", "Unknown operation " + path);
    };
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  private JsonNode putTraceSegments(JsonNode request) throws ApiException {
    JsonNode docs = request.get("TraceSegmentDocuments");
    if (docs == null || !docs.isArray()) {
      throw ApiException.invalid("TraceSegmentDocuments is required");
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode unprocessed = out.putArray("UnprocessedTraceSegments");
    List<Segment> accepted = new ArrayList<>();
    for (JsonNode d : docs) {
      Segment s;
      try {
        s = SegmentCodec.parseOne(d.asText());
      } catch (RuntimeException e) {
        unprocessed
            .addObject()
            .put("ErrorCode", "InvalidSegment")
            .put("Message", "Invalid segment. " + e.getMessage());
        continue;
      }
      if (s.traceId() == null || !SegmentValidator.isTraceId(s.traceId())) {
        unprocessed
            .addObject()
            .put("Id", s.id())
            .put("ErrorCode", "InvalidTraceId")
            .put("Message", "Invalid segment. ErrorCode: InvalidTraceId");
        continue;
      }
      List<SegmentValidator.Problem> problems = SegmentValidator.structuralProblems(s);
      if (!problems.isEmpty()) {
        unprocessed
            .addObject()
            .put("Id", s.id())
            .put("ErrorCode", "InvalidSegment")
            .put("Message", "Invalid segment. " + problems.get(0));
        continue;
      }
      accepted.add(s);
    }
    store.put(accepted);
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Traces

  private JsonNode batchGetTraces(JsonNode request) throws ApiException {
    List<String> ids = stringList(request, "TraceIds");
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode traces = out.putArray("Traces");
    ArrayNode unprocessed = out.putArray("UnprocessedTraceIds");
    for (String id : ids) {
      Optional<StoredTrace> t = store.get(id);
      if (t.isEmpty()) {
        unprocessed.add(id);
        continue;
      }
      TraceFacts f = TraceFacts.of(t.get());
      ObjectNode tj = traces.addObject();
      tj.put("Id", id).put("Duration", f.duration()).put("LimitExceeded", false);
      ArrayNode segs = tj.putArray("Segments");
      for (StoredTrace.Document d : t.get().documents()) {
        segs.addObject().put("Id", d.segment().id()).put("Document", d.json());
      }
    }
    return out;
  }

  private JsonNode traceSummaries(JsonNode request) throws ApiException {
    double start = requiredTime(request, "StartTime");
    double end = requiredTime(request, "EndTime");
    String rangeType =
        Optional.ofNullable(SamplingService.text(request, "TimeRangeType")).orElse("TraceId");
    if (!Set.of("TraceId", "Event", "Service").contains(rangeType)) {
      throw ApiException.invalid(
          "TimeRangeType must be one of TraceId, Event, Service, was " + rangeType);
    }
    TraceFilter filter = filter(SamplingService.text(request, "FilterExpression"));
    Cursor after = Cursor.decode(SamplingService.text(request, "NextToken"));
    Function<String, Optional<String>> groupFilters = groups::filterOf;
    List<TraceFacts> matched = new ArrayList<>();
    for (StoredTrace t : store.all()) {
      TraceFacts f = TraceFacts.of(t);
      double at =
          switch (rangeType) {
            case "Event" -> f.lastUpdate();
            case "Service" -> f.end();
            default -> traceIdTime(t.id(), f.start());
          };
      if (at < start || at >= end) {
        continue;
      }
      if (filter.matches(t.segments(), groupFilters)) {
        matched.add(f);
      }
    }
    matched.sort(NEWEST_FIRST);
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("TraceSummaries");
    int count = 0;
    TraceFacts last = null;
    boolean more = false;
    for (TraceFacts f : matched) {
      if (after != null && !after.isBefore(f)) {
        continue;
      }
      if (count == pageSize) {
        more = true;
        break;
      }
      list.add(summary(f));
      last = f;
      count++;
    }
    out.put("ApproximateTime", seconds(clock.instant()));
    out.put("TracesProcessedCount", matched.size());
    if (more) {
      out.put("NextToken", new Cursor(last.start(), last.id()).encode());
    }
    return out;
  }

  private static final Comparator<TraceFacts> NEWEST_FIRST =
      Comparator.comparingDouble(TraceFacts::start).reversed().thenComparing(TraceFacts::id);

  /** The position after the last summary of a page: the opaque NextToken. */
  private record Cursor(double start, String id) {
    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((start + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) throws ApiException {
      if (token == null || token.isEmpty()) {
        return null;
      }
      try {
        String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int bar = s.indexOf('|');
        return new Cursor(Double.parseDouble(s.substring(0, bar)), s.substring(bar + 1));
      } catch (RuntimeException e) {
        throw ApiException.invalid("Invalid NextToken");
      }
    }

    /** Whether {@code f} comes after this cursor in newest-first order. */
    boolean isBefore(TraceFacts f) {
      return f.start() < start || (f.start() == start && f.id().compareTo(id) > 0);
    }
  }

  /**
   * The time embedded in an X-Ray trace id ({@code 1-<8 hex epoch>-...}), or {@code start} when the
   * id carries none or an implausible one: ids converted from W3C trace ids (OpenTelemetry SDKs)
   * have random bits there, while X-Ray ids are minted when the request starts.
   */
  static double traceIdTime(String id, double start) {
    if (id.length() >= 10 && id.startsWith("1-")) {
      try {
        long embedded = Long.parseLong(id.substring(2, 10), 16);
        return Math.abs(embedded - start) <= PLAUSIBLE_ID_SKEW_SECONDS ? embedded : start;
      } catch (NumberFormatException e) {
        return start;
      }
    }
    return start;
  }

  private static final long PLAUSIBLE_ID_SKEW_SECONDS = 3600;

  private JsonNode summary(TraceFacts f) {
    ObjectNode s = MAPPER.createObjectNode();
    s.put("Id", f.id())
        .put("StartTime", f.start())
        .put("Duration", f.duration())
        .put("ResponseTime", f.responseTime())
        .put("HasFault", f.hasFault())
        .put("HasError", f.hasError())
        .put("HasThrottle", f.hasThrottle())
        .put("IsPartial", f.partial());
    Segment root = f.root();
    if (root != null && root.http() != null) {
      ObjectNode http = s.putObject("Http");
      var req = root.http().request();
      var resp = root.http().response();
      if (req != null) {
        putIfSet(http, "HttpURL", req.url());
        putIfSet(http, "HttpMethod", req.method());
        putIfSet(http, "UserAgent", req.userAgent());
        putIfSet(http, "ClientIp", req.clientIp());
      }
      if (resp != null && resp.status() != null) {
        http.put("HttpStatus", resp.status().intValue());
      }
    }
    Map<String, Map<String, ValueWithServices>> annotations = new TreeMap<>();
    Map<String, Set<Segment>> users = new TreeMap<>();
    Map<ServiceGraph.Key, Segment> services = new LinkedHashMap<>();
    for (Segment seg : f.all()) {
      Segment owner = f.owner().getOrDefault(seg.id(), seg);
      if (seg.annotations() != null) {
        seg.annotations()
            .forEach(
                (k, v) ->
                    annotations
                        .computeIfAbsent(k, x -> new LinkedHashMap<>())
                        .computeIfAbsent(v.toString(), x -> new ValueWithServices(v))
                        .services
                        .add(ServiceGraph.serviceKey(owner)));
      }
      if (seg.user() != null && !seg.user().isEmpty()) {
        users.computeIfAbsent(seg.user(), u -> new LinkedHashSet<>()).add(owner);
      }
    }
    for (Segment seg : f.segments()) {
      services.putIfAbsent(ServiceGraph.serviceKey(seg), seg);
    }
    ObjectNode ann = s.putObject("Annotations");
    annotations.forEach(
        (k, values) -> {
          ArrayNode list = ann.putArray(k);
          for (ValueWithServices v : values.values()) {
            ObjectNode e = list.addObject();
            ObjectNode av = e.putObject("AnnotationValue");
            if (v.value instanceof AnnotationValue.Str str) {
              av.put("StringValue", str.value());
            } else if (v.value instanceof AnnotationValue.Int i) {
              av.put("NumberValue", (double) i.value());
            } else if (v.value instanceof AnnotationValue.Dbl d) {
              av.put("NumberValue", d.value());
            } else if (v.value instanceof AnnotationValue.Bool b) {
              av.put("BooleanValue", b.value());
            }
            ArrayNode ids = e.putArray("ServiceIds");
            v.services.forEach(key -> ids.add(serviceId(key, null)));
          }
        });
    ArrayNode userList = s.putArray("Users");
    users.forEach(
        (name, owners) -> {
          ObjectNode u = userList.addObject().put("UserName", name);
          ArrayNode ids = u.putArray("ServiceIds");
          owners.forEach(o -> ids.add(serviceId(ServiceGraph.serviceKey(o), o)));
        });
    ArrayNode ids = s.putArray("ServiceIds");
    services.forEach((key, seg) -> ids.add(serviceId(key, seg)));
    if (root != null) {
      s.set("EntryPoint", serviceId(ServiceGraph.serviceKey(root), root));
    }
    s.put("Revision", f.trace().documents().size());
    return s;
  }

  private static final class ValueWithServices {
    final AnnotationValue value;
    final Set<ServiceGraph.Key> services = new LinkedHashSet<>();

    ValueWithServices(AnnotationValue value) {
      this.value = value;
    }
  }

  private static ObjectNode serviceId(ServiceGraph.Key key, Segment s) {
    ObjectNode id = MAPPER.createObjectNode();
    id.put("Name", key.name());
    id.putArray("Names").add(key.name());
    if (s != null && s.aws() != null && s.aws().accountId() != null) {
      id.put("AccountId", s.aws().accountId());
    }
    putIfSet(id, "Type", key.type());
    return id;
  }

  // ------------------------------------------------------------------------------------------
  // Graphs

  private JsonNode traceGraph(JsonNode request) throws ApiException {
    ServiceGraph g = new ServiceGraph();
    for (String id : stringList(request, "TraceIds")) {
      store.get(id).ifPresent(t -> g.add(TraceFacts.of(t)));
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.set("Services", services(g));
    return out;
  }

  private JsonNode serviceGraph(JsonNode request) throws ApiException {
    double start = requiredTime(request, "StartTime");
    double end = requiredTime(request, "EndTime");
    TraceFilter filter = groupFilter(request);
    ServiceGraph g = new ServiceGraph();
    for (TraceFacts f : tracesIn(start, end, filter)) {
      g.add(f);
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.put("StartTime", start).put("EndTime", end);
    out.set("Services", services(g));
    out.put("ContainsOldGroupVersions", false);
    return out;
  }

  private List<TraceFacts> tracesIn(double start, double end, TraceFilter filter)
      throws ApiException {
    List<TraceFacts> out = new ArrayList<>();
    Function<String, Optional<String>> groupFilters = groups::filterOf;
    for (StoredTrace t : store.all()) {
      TraceFacts f = TraceFacts.of(t);
      if (f.start() >= start && f.start() < end && filter.matches(t.segments(), groupFilters)) {
        out.add(f);
      }
    }
    return out;
  }

  private TraceFilter groupFilter(JsonNode request) throws ApiException {
    String name = SamplingService.text(request, "GroupName");
    String arn = SamplingService.text(request, "GroupARN");
    if (name == null && arn == null || "Default".equals(name)) {
      return TraceFilter.ALL;
    }
    return filter(groups.find(name, arn).filterExpression());
  }

  private static ArrayNode services(ServiceGraph g) {
    ArrayNode out = MAPPER.createArrayNode();
    List<ServiceGraph.Node> nodes = g.nodes();
    Map<ServiceGraph.Key, Integer> refs = new LinkedHashMap<>();
    nodes.forEach(n -> refs.put(n.key, n.referenceId));
    for (ServiceGraph.Node n : nodes) {
      ObjectNode s = out.addObject();
      s.put("ReferenceId", n.referenceId).put("Name", n.key.name());
      s.putArray("Names").add(n.key.name());
      s.put("Root", n.root);
      putIfSet(s, "Type", n.key.type());
      s.put("State", "active");
      if (n.start != Double.MAX_VALUE) {
        s.put("StartTime", n.start).put("EndTime", n.end);
      }
      ArrayNode edges = s.putArray("Edges");
      n.edges.forEach(
          (to, e) -> {
            ObjectNode ej = edges.addObject();
            ej.put("ReferenceId", refs.get(to));
            if (e.start != Double.MAX_VALUE) {
              ej.put("StartTime", e.start).put("EndTime", e.end);
            }
            ej.set("SummaryStatistics", statistics(e.stats));
            ej.set("ResponseTimeHistogram", histogram(e.stats.responseTimes));
            ej.putArray("Aliases");
          });
      if (n.hasStats) {
        s.set("SummaryStatistics", statistics(n.stats));
        s.set("DurationHistogram", histogram(n.durations));
        s.set("ResponseTimeHistogram", histogram(n.stats.responseTimes));
      }
    }
    return out;
  }

  static ObjectNode statistics(ServiceGraph.Stats st) {
    ObjectNode s = MAPPER.createObjectNode();
    s.put("OkCount", st.ok);
    s.putObject("ErrorStatistics")
        .put("ThrottleCount", st.throttle)
        .put("OtherCount", st.errorOther)
        .put("TotalCount", st.throttle + st.errorOther);
    s.putObject("FaultStatistics").put("OtherCount", st.fault).put("TotalCount", st.fault);
    s.put("TotalCount", st.total);
    s.put("TotalResponseTime", st.totalResponseTime);
    return s;
  }

  static ArrayNode histogram(Map<Double, Long> h) {
    ArrayNode a = MAPPER.createArrayNode();
    h.forEach((v, c) -> a.addObject().put("Value", v).put("Count", c));
    return a;
  }

  private JsonNode timeSeries(JsonNode request) throws ApiException {
    double start = requiredTime(request, "StartTime");
    double end = requiredTime(request, "EndTime");
    int period = request.has("Period") ? request.get("Period").asInt() : 60;
    if (period <= 0 || period % 60 != 0) {
      throw ApiException.invalid("Period must be a positive multiple of 60, was " + period);
    }
    String selector = SamplingService.text(request, "EntitySelectorExpression");
    String service = null;
    String edgeFrom = null;
    String edgeTo = null;
    if (selector != null && !selector.isBlank()) {
      Matcher m = SERVICE_SELECTOR.matcher(selector);
      Matcher e = EDGE_SELECTOR.matcher(selector);
      if (m.matches()) {
        service = m.group(1);
      } else if (e.matches()) {
        edgeFrom = e.group(1);
        edgeTo = e.group(2);
      } else {
        throw ApiException.invalid(
            "EntitySelectorExpression must be service(\"name\") or edge(\"from\", \"to\"), was "
                + selector);
      }
    }
    TreeMap<Long, ServiceGraph> buckets = new TreeMap<>();
    for (TraceFacts f : tracesIn(start, end, groupFilter(request))) {
      long bucket = (long) Math.floor(f.start() / period) * period;
      buckets.computeIfAbsent(bucket, b -> new ServiceGraph()).add(f);
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("TimeSeriesServiceStatistics");
    for (Map.Entry<Long, ServiceGraph> b : buckets.entrySet()) {
      ServiceGraph g = b.getValue();
      List<ServiceGraph.Node> nodes = g.nodes();
      ServiceGraph.Stats stats = new ServiceGraph.Stats();
      boolean edge = edgeFrom != null;
      boolean found = false;
      for (ServiceGraph.Node n : nodes) {
        if (edge) {
          if (n.key.name().equals(edgeFrom)) {
            for (var e : n.edges.entrySet()) {
              if (e.getKey().name().equals(edgeTo)) {
                stats.addAll(e.getValue().stats);
                found = true;
              }
            }
          }
        } else if (service == null
            ? n.hasStats && !n.key.equals(ServiceGraph.CLIENT)
            : n.key.name().equals(service)) {
          stats.addAll(n.stats);
          found = true;
        }
      }
      if (!found) {
        continue;
      }
      ObjectNode item = list.addObject();
      item.put("Timestamp", (double) b.getKey());
      if (edge) {
        ObjectNode es = statistics(stats);
        item.set("EdgeSummaryStatistics", es);
      } else {
        item.set("ServiceSummaryStatistics", statistics(stats));
      }
      item.set("ResponseTimeHistogram", histogram(stats.responseTimes));
    }
    out.put("ContainsOldGroupVersions", false);
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Sampling and groups

  private JsonNode samplingRules() {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("SamplingRuleRecords");
    for (SamplingService.RuleRecord r : sampling.list()) {
      list.add(SamplingService.json(r));
    }
    return out;
  }

  private static JsonNode ruleRecord(SamplingService.RuleRecord r) {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("SamplingRuleRecord", SamplingService.json(r));
    return out;
  }

  private static ObjectNode groupJson(Groups.Group g) {
    ObjectNode j = MAPPER.createObjectNode();
    j.put("GroupName", g.name()).put("GroupARN", g.arn());
    putIfSet(j, "FilterExpression", g.filterExpression());
    j.putObject("InsightsConfiguration")
        .put("InsightsEnabled", false)
        .put("NotificationsEnabled", false);
    return j;
  }

  private static JsonNode group(Groups.Group g) {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("Group", groupJson(g));
    return out;
  }

  private JsonNode groupList() {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("Groups");
    groups.list().forEach(g -> list.add(groupJson(g)));
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  private TraceFilter filter(String expression) throws ApiException {
    try {
      return TraceFilter.parse(expression);
    } catch (TraceFilter.SyntaxError e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  private static List<String> stringList(JsonNode request, String field) throws ApiException {
    JsonNode a = request.get(field);
    if (a == null || !a.isArray()) {
      throw ApiException.invalid(field + " is required");
    }
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static double requiredTime(JsonNode request, String field) throws ApiException {
    JsonNode v = request.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.invalid(field + " is required");
    }
    return seconds(instant(v));
  }

  /** Reads an API timestamp: epoch seconds, or ISO-8601 text. */
  static Instant instant(JsonNode v) throws ApiException {
    if (v.isNumber()) {
      double d = v.asDouble();
      long s = (long) Math.floor(d);
      return Instant.ofEpochSecond(s, Math.round((d - s) * 1e9));
    }
    String text = v.asText();
    try {
      return instant(MAPPER.getNodeFactory().numberNode(Double.parseDouble(text)));
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(text);
      } catch (RuntimeException e2) {
        throw ApiException.invalid("not a timestamp: " + text);
      }
    }
  }

  static double seconds(Instant i) {
    return i.getEpochSecond() + i.getNano() / 1e9;
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
