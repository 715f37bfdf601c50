package io.raybridge.exporter.xraylocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.xray.sampling.InvalidSamplingRuleException;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRules;
import io.raybridge.xray.sampling.SamplingStatistics;
import io.raybridge.xray.sampling.SamplingTarget;
import io.raybridge.xray.sampling.SamplingTargets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampling rules (the X-Ray API's CRUD operations, starting with X-Ray's default rule) and {@code
 * GetSamplingTargets} with per-client reservoir quotas from {@link SamplingTargets}. A rule change
 * starts the quota bookkeeping afresh, as clients re-fetch rules after {@code LastRuleModification}
 * moves. Thread-safe.
 */
final class SamplingService {

  private final Clock clock;
  private final Map<String, RuleRecord> rules = new LinkedHashMap<>();
  private SamplingTargets targets;
  private Instant lastModification;

  /** A stored rule with its timestamps. */
  record RuleRecord(SamplingRule rule, Instant createdAt, Instant modifiedAt) {}

  SamplingService(Clock clock) {
    this.clock = clock;
    Instant now = clock.instant();
    SamplingRule d =
        SamplingRule.defaultRule(
            SamplingRule.DEFAULT_RESERVOIR_SIZE, SamplingRule.DEFAULT_FIXED_RATE);
    rules.put(d.ruleName(), new RuleRecord(d, now, now));
    rebuild(now);
  }

  static String arn(String ruleName) {
    return XRayApi.ARN_PREFIX + "sampling-rule/" + ruleName;
  }

  synchronized List<RuleRecord> list() {
    List<RuleRecord> out = new ArrayList<>(rules.values());
    out.sort((a, b) -> SamplingRules.EVALUATION_ORDER.compare(a.rule(), b.rule()));
    return out;
  }

  synchronized RuleRecord create(JsonNode json) throws ApiException {
    if (json == null || !json.isObject()) {
      throw ApiException.invalid("SamplingRule is required");
    }
    SamplingRule rule = build(json, null);
    if (rules.containsKey(rule.ruleName())) {
      throw ApiException.invalid("A sampling rule named " + rule.ruleName() + " already exists");
    }
    Instant now = clock.instant();
    RuleRecord r = new RuleRecord(rule, now, now);
    rules.put(rule.ruleName(), r);
    rebuild(now);
    return r;
  }

  synchronized RuleRecord update(JsonNode json) throws ApiException {
    if (json == null || !json.isObject()) {
      throw ApiException.invalid("SamplingRuleUpdate is required");
    }
    RuleRecord old = find(text(json, "RuleName"), text(json, "RuleARN"));
    SamplingRule rule = build(json, old.rule());
    Instant now = clock.instant();
    RuleRecord r = new RuleRecord(rule, old.createdAt(), now);
    rules.put(rule.ruleName(), r);
    rebuild(now);
    return r;
  }

  synchronized RuleRecord delete(String name, String arn) throws ApiException {
    RuleRecord r = find(name, arn);
    if (r.rule().isDefault()) {
      throw ApiException.invalid("The default sampling rule cannot be deleted");
    }
    rules.remove(r.rule().ruleName());
    rebuild(clock.instant());
    return r;
  }

  private RuleRecord find(String name, String arn) throws ApiException {
    if (name == null && arn == null) {
      throw ApiException.invalid("RuleName or RuleARN is required");
    }
    for (RuleRecord r : rules.values()) {
      String n = r.rule().ruleName();
      if (n.equals(name) || arn(n).equals(arn)) {
        return r;
      }
    }
    throw ApiException.invalid("Sampling rule does not exist: " + (name != null ? name : arn));
  }

  /** Answers {@code GetSamplingTargets}. */
  synchronized ObjectNode targets(JsonNode request) throws ApiException {
    JsonNode docs = request.path("SamplingStatisticsDocuments");
    if (!docs.isArray()) {
      throw ApiException.invalid("SamplingStatisticsDocuments is required");
    }
    if (docs.size() > 25) {
      throw ApiException.invalid(
          "SamplingStatisticsDocuments must have at most 25 elements, had " + docs.size());
    }
    Instant now = clock.instant();
    ObjectNode out = XRayApi.MAPPER.createObjectNode();
    var targetDocs = out.putArray("SamplingTargetDocuments");
    out.put("LastRuleModification", XRayApi.seconds(lastModification));
    var unprocessed = out.putArray("UnprocessedStatistics");
    for (JsonNode d : docs) {
      String rule = text(d, "RuleName");
      String client = text(d, "ClientID");
      String problem = null;
      if (rule == null) {
        problem = "RuleName is required";
      } else if (!SamplingStatistics.isValidClientId(client)) {
        problem = "ClientID must be 24 hexadecimal characters, was " + client;
      } else if (d.path("RequestCount").asLong(0) < 0
          || d.path("SampledCount").asLong(0) < 0
          || d.path("BorrowCount").asLong(0) < 0) {
        problem = "counts must be >= 0";
      }
      if (problem != null) {
        unprocessed
            .addObject()
            .put("RuleName", rule)
            .put("ErrorCode", "400")
            .put("Message", problem);
        continue;
      }
      Instant ts = d.has("Timestamp") ? XRayApi.instant(d.get("Timestamp")) : now;
      var target =
          targets.report(
              new SamplingStatistics(
                  rule,
                  client,
                  ts,
                  d.path("RequestCount").asLong(0),
                  d.path("SampledCount").asLong(0),
                  d.path("BorrowCount").asLong(0)),
              now);
      if (target.isEmpty()) {
        unprocessed
            .addObject()
            .put("RuleName", rule)
            .put("ErrorCode", "404")
            .put("Message", "Sampling rule does not exist: " + rule);
        continue;
      }
      SamplingTarget t = target.get();
      targetDocs
          .addObject()
          .put("RuleName", t.ruleName())
          .put("FixedRate", t.fixedRate())
          .put("ReservoirQuota", t.reservoirQuota())
          .put("ReservoirQuotaTTL", XRayApi.seconds(t.reservoirQuotaTtl()))
          .put("Interval", t.intervalSeconds());
    }
    return out;
  }

  /** Answers {@code GetSamplingStatisticSummaries}: the counts reported since the last call. */
  synchronized ObjectNode statisticSummaries() {
    ObjectNode out = XRayApi.MAPPER.createObjectNode();
    var list = out.putArray("SamplingStatisticSummaries");
    double now = XRayApi.seconds(clock.instant());
    targets
        .drainStatistics()
        .forEach(
            (name, s) ->
                list.addObject()
                    .put("RuleName", name)
                    .put("Timestamp", now)
                    .put("RequestCount", s.requestCount())
                    .put("BorrowCount", s.borrowCount())
                    .put("SampledCount", s.sampledCount()));
    return out;
  }

  private void rebuild(Instant now) {
    List<SamplingRule> all = new ArrayList<>();
    for (RuleRecord r : rules.values()) {
      all.add(r.rule());
    }
    targets = new SamplingTargets(new SamplingRules(all));
    lastModification = now;
  }

  /** Builds a rule from API JSON; {@code base} supplies the fields an update leaves out. */
  private static SamplingRule build(JsonNode j, SamplingRule base) throws ApiException {
    try {
      Map<String, String> attributes = null;
      if (j.has("Attributes") && j.get("Attributes").isObject()) {
        attributes = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : j.get("Attributes").properties()) {
          attributes.put(e.getKey(), e.getValue().asText());
        }
      }
      return new SamplingRule(
          base != null ? base.ruleName() : text(j, "RuleName"),
          j.has("Priority") ? j.get("Priority").asInt() : base != null ? base.priority() : 0,
          j.has("FixedRate") ? j.get("FixedRate").asDouble() : base != null ? base.fixedRate() : -1,
          j.has("ReservoirSize")
              ? j.get("ReservoirSize").asInt()
              : base != null ? base.reservoirSize() : -1,
          or(text(j, "ServiceName"), base == null ? null : base.serviceName()),
          or(text(j, "ServiceType"), base == null ? null : base.serviceType()),
          or(text(j, "Host"), base == null ? null : base.host()),
          or(text(j, "HTTPMethod"), base == null ? null : base.httpMethod()),
          or(text(j, "URLPath"), base == null ? null : base.urlPath()),
          or(text(j, "ResourceARN"), base == null ? null : base.resourceArn()),
          attributes != null ? attributes : base == null ? null : base.attributes(),
          j.has("Version") ? j.get("Version").asInt() : base != null ? base.version() : 0);
    } catch (InvalidSamplingRuleException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }

  static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The API JSON of a rule record. */
  static ObjectNode json(RuleRecord r) {
    SamplingRule rule = r.rule();
    ObjectNode out = XRayApi.MAPPER.createObjectNode();
    ObjectNode j = out.putObject("SamplingRule");
    j.put("RuleName", rule.ruleName())
        .put("RuleARN", arn(rule.ruleName()))
        .put("ResourceARN", rule.resourceArn())
        .put("Priority", rule.priority())
        .put("FixedRate", rule.fixedRate())
        .put("ReservoirSize", rule.reservoirSize())
        .put("ServiceName", rule.serviceName())
        .put("ServiceType", rule.serviceType())
        .put("Host", rule.host())
        .put("HTTPMethod", rule.httpMethod())
        .put("URLPath", rule.urlPath())
        .put("Version", rule.version());
    ObjectNode attrs = j.putObject("Attributes");
    rule.attributes().forEach(attrs::put);
    out.put("CreatedAt", XRayApi.seconds(r.createdAt()));
    out.put("ModifiedAt", XRayApi.seconds(r.modifiedAt()));
    return out;
  }
}
