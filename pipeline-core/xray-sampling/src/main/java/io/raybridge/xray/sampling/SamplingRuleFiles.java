package io.raybridge.xray.sampling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads sampling rules from JSON in either of the two shapes users have, and writes them in the
 * X-Ray API's shape. The shape is recognised from the document:
 *
 * <ul>
 *   <li><b>X-Ray SDK local rules</b> (version 1 or 2): {@code {"version": 2, "rules": [...],
 *       "default": {"fixed_target": 1, "rate": 0.05}}}. Each rule has {@code description}, {@code
 *       host} (version 1: {@code service_name}), {@code http_method}, {@code url_path}, {@code
 *       fixed_target} (reservoir per second) and {@code rate}. Rules apply in file order. Beyond
 *       the SDK's keys a rule may carry the schema's other fields in snake_case ({@code rule_name},
 *       {@code priority}, {@code service_name}, {@code service_type}, {@code resource_arn}, {@code
 *       attributes}; {@code reservoir_size} and {@code fixed_rate} as synonyms of {@code
 *       fixed_target} and {@code rate}). Missing matchers are {@code *}; a missing {@code priority}
 *       is the rule's position (1-based); a missing {@code rule_name} is the {@code description}
 *       when that has 1 to 32 characters, else {@code rule-<position>}.
 *   <li><b>X-Ray API</b>: the output of {@code aws xray get-sampling-rules} ({@code
 *       {"SamplingRuleRecords": [{"SamplingRule": {...}}]}}), a JSON array of {@code SamplingRule}
 *       objects or of such records, or one {@code {"SamplingRule": {...}}}. Every field of §4.1 is
 *       required, as the API requires it; unknown fields are ignored. The rule named {@code
 *       Default} is the default rule.
 * </ul>
 *
 * <p>Every problem in a document is reported at once in an {@link InvalidSamplingRulesException},
 * each with its path in the document's own key names.
 */
public final class SamplingRuleFiles {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Set<String> LOCAL_RULE_KEYS =
      Set.of(
          "description",
          "rule_name",
          "priority",
          "host",
          "service_name",
          "service_type",
          "http_method",
          "url_path",
          "resource_arn",
          "attributes",
          "fixed_target",
          "reservoir_size",
          "rate",
          "fixed_rate");

  private SamplingRuleFiles() {}

  /** Reads and parses the rule file at {@code path}. */
  public static SamplingRules read(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return parse(Files.readString(path, StandardCharsets.UTF_8));
  }

  /**
   * Parses a rule document in either shape.
   *
   * @throws InvalidSamplingRulesException with every problem found
   */
  public static SamplingRules parse(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidSamplingRulesException(List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidSamplingRulesException(List.of("the document is empty"));
    }
    if (root.isObject() && (root.has("rules") || root.has("default") || root.has("version"))) {
      return parseLocal((ObjectNode) root);
    }
    if (root.isObject() && root.has("SamplingRuleRecords")) {
      return parseApiList(root.get("SamplingRuleRecords"), "SamplingRuleRecords");
    }
    if (root.isArray()) {
      return parseApiList(root, "");
    }
    if (root.isObject() && (root.has("SamplingRule") || root.has("RuleName"))) {
      ArrayNode single = MAPPER.createArrayNode().add(root);
      return parseApiList(single, "");
    }
    throw new InvalidSamplingRulesException(
        List.of(
            "not a sampling rule document: expected an X-Ray SDK local rule file ({\"version\": 2,"
                + " \"rules\": [...], \"default\": {...}}) or the X-Ray API's"
                + " {\"SamplingRuleRecords\": [...]}"));
  }

  // ---------------------------------------------------------------- X-Ray SDK local rule files

  private static SamplingRules parseLocal(ObjectNode root) {
    Problems problems = new Problems();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!Set.of("version", "rules", "default").contains(key)) {
        problems.add(key, "unknown key (expected version, rules, default)");
      }
    }
    JsonNode version = root.get("version");
    if (version == null) {
      problems.add("version", "is required (1 or 2)");
    } else if (!version.isInt() || (version.asInt() != 1 && version.asInt() != 2)) {
      problems.add("version", "must be 1 or 2, was " + version);
    }
    List<SamplingRule> rules = new ArrayList<>();
    JsonNode rulesNode = root.get("rules");
    if (rulesNode != null && !rulesNode.isNull()) {
      if (!rulesNode.isArray()) {
        problems.add("rules", "must be a list, was " + rulesNode.getNodeType());
      } else {
        for (int i = 0; i < rulesNode.size(); i++) {
          SamplingRule r = localRule(rulesNode.get(i), i, "rules[" + i + "]", problems);
          if (r != null) {
            rules.add(r);
          }
        }
      }
    }
    JsonNode def = root.get("default");
    SamplingRule defaultRule = null;
    if (def == null || def.isNull()) {
      problems.add("default", "is required (e.g. {\"fixed_target\": 1, \"rate\": 0.05})");
    } else if (!def.isObject()) {
      problems.add("default", "must be an object, was " + def.getNodeType());
    } else {
      defaultRule = localDefault((ObjectNode) def, problems);
    }
    problems.throwIfAny();
    return build(rules, defaultRule, "rules");
  }

  private static SamplingRule localRule(JsonNode node, int index, String path, Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be an object, was " + node.getNodeType());
      return null;
    }
    Fields f = new Fields(node, path, problems);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!LOCAL_RULE_KEYS.contains(key)) {
        problems.add(path + "." + key, "unknown key");
      }
    }
    String description = f.text("description", null, null);
    String fallbackName =
        description != null && !description.isEmpty() && description.length() <= 32
            ? description
            : "rule-" + (index + 1);
    String name = f.text("rule_name", SamplingRule.Field.RULE_NAME, fallbackName);
    Integer priority = f.integer(SamplingRule.Field.PRIORITY, index + 1, "priority");
    Integer reservoir =
        f.integer(SamplingRule.Field.RESERVOIR_SIZE, null, "fixed_target", "reservoir_size");
    Double rate = f.number(SamplingRule.Field.FIXED_RATE, "rate", "fixed_rate");
    String serviceName = f.text("service_name", SamplingRule.Field.SERVICE_NAME, "*");
    String serviceType = f.text("service_type", SamplingRule.Field.SERVICE_TYPE, "*");
    String host = f.text("host", SamplingRule.Field.HOST, "*");
    String method = f.text("http_method", SamplingRule.Field.HTTP_METHOD, "*");
    String urlPath = f.text("url_path", SamplingRule.Field.URL_PATH, "*");
    String arn = f.text("resource_arn", SamplingRule.Field.RESOURCE_ARN, "*");
    Map<String, String> attributes = f.attributes("attributes");
    if (reservoir == null && !f.failed(SamplingRule.Field.RESERVOIR_SIZE)) {
      problems.add(path, "fixed_target is required");
    }
    if (rate == null && !f.failed(SamplingRule.Field.FIXED_RATE)) {
      problems.add(path, "rate is required");
    }
    if (f.anyFailed() || reservoir == null || rate == null) {
      return null;
    }
    return f.construct(
        () ->
            new SamplingRule(
                name,
                priority,
                rate,
                reservoir,
                serviceName,
                serviceType,
                host,
                method,
                urlPath,
                arn,
                attributes,
                1));
  }

  private static SamplingRule localDefault(ObjectNode node, Problems problems) {
    String path = "default";
    Fields f = new Fields(node, path, problems);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!Set.of("fixed_target", "reservoir_size", "rate", "fixed_rate").contains(key)) {
        problems.add(path + "." + key, "unknown key (the default rule has fixed_target and rate)");
      }
    }
    Integer reservoir =
        f.integer(SamplingRule.Field.RESERVOIR_SIZE, null, "fixed_target", "reservoir_size");
    Double rate = f.number(SamplingRule.Field.FIXED_RATE, "rate", "fixed_rate");
    if (reservoir == null && !f.failed(SamplingRule.Field.RESERVOIR_SIZE)) {
      problems.add(path, "fixed_target is required");
    }
    if (rate == null && !f.failed(SamplingRule.Field.FIXED_RATE)) {
      problems.add(path, "rate is required");
    }
    if (f.anyFailed() || reservoir == null || rate == null) {
      return null;
    }
    return f.construct(() -> SamplingRule.defaultRule(reservoir, rate));
  }

  // ---------------------------------------------------------------- X-Ray API shape

  private static SamplingRules parseApiList(JsonNode list, String path) {
    Problems problems = new Problems();
    if (!list.isArray()) {
      problems.add(path, "must be a list, was " + list.getNodeType());
      problems.throwIfAny();
    }
    List<SamplingRule> rules = new ArrayList<>();
    SamplingRule defaultRule = null;
    for (int i = 0; i < list.size(); i++) {
      JsonNode element = list.get(i);
      String elementPath = path + "[" + i + "]";
      JsonNode ruleNode = element;
      if (element.isObject() && element.has("SamplingRule")) {
        ruleNode = element.get("SamplingRule");
        elementPath += ".SamplingRule";
      }
      SamplingRule r = apiRule(ruleNode, elementPath, problems);
      if (r == null) {
        continue;
      }
      if (r.isDefault() && defaultRule == null) {
        defaultRule = r;
      } else {
        rules.add(r);
      }
    }
    problems.throwIfAny();
    if (defaultRule == null) {
      throw new InvalidSamplingRulesException(
          List.of("there is no rule named \"" + SamplingRule.DEFAULT_RULE_NAME + "\""));
    }
    return build(rules, defaultRule, path);
  }

  private static SamplingRule apiRule(JsonNode node, String path, Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be an object, was " + node.getNodeType());
      return null;
    }
    Fields f = new Fields(node, path, problems).apiNames();
    String arnName = null;
    JsonNode ruleArn = node.get("RuleARN");
    if (ruleArn != null && ruleArn.isTextual()) {
      String arn = ruleArn.asText();
      int slash = arn.lastIndexOf('/');
      arnName = slash >= 0 ? arn.substring(slash + 1) : null;
    }
    String name = f.required(f.text("RuleName", SamplingRule.Field.RULE_NAME, arnName), "RuleName");
    Integer priority =
        f.required(f.integer(SamplingRule.Field.PRIORITY, null, "Priority"), "Priority");
    Double rate = f.required(f.number(SamplingRule.Field.FIXED_RATE, "FixedRate"), "FixedRate");
    Integer reservoir =
        f.required(
            f.integer(SamplingRule.Field.RESERVOIR_SIZE, null, "ReservoirSize"), "ReservoirSize");
    String serviceName =
        f.required(f.text("ServiceName", SamplingRule.Field.SERVICE_NAME, null), "ServiceName");
    String serviceType =
        f.required(f.text("ServiceType", SamplingRule.Field.SERVICE_TYPE, null), "ServiceType");
    String host = f.required(f.text("Host", SamplingRule.Field.HOST, null), "Host");
    String method =
        f.required(f.text("HTTPMethod", SamplingRule.Field.HTTP_METHOD, null), "HTTPMethod");
    String urlPath = f.required(f.text("URLPath", SamplingRule.Field.URL_PATH, null), "URLPath");
    String arn =
        f.required(f.text("ResourceARN", SamplingRule.Field.RESOURCE_ARN, null), "ResourceARN");
    Integer version = f.required(f.integer(SamplingRule.Field.VERSION, null, "Version"), "Version");
    Map<String, String> attributes = f.attributes("Attributes");
    if (f.anyFailed()) {
      return null;
    }
    return f.construct(
        () ->
            new SamplingRule(
                name,
                priority,
                rate,
                reservoir,
                serviceName,
                serviceType,
                host,
                method,
                urlPath,
                arn,
                attributes,
                version));
  }

  private static SamplingRules build(
      List<SamplingRule> rules, SamplingRule defaultRule, String listPath) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String name = rules.get(i).ruleName();
      if (SamplingRule.DEFAULT_RULE_NAME.equals(name)) {
        problems.add("rule name \"Default\" is reserved for the default rule");
      } else if (names.putIfAbsent(name, i) != null) {
        problems.add("rule name \"" + name + "\" is used by more than one rule");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSamplingRulesException(
          problems.stream().map(p -> listPath.isEmpty() ? p : listPath + ": " + p).toList());
    }
    return SamplingRules.of(rules, defaultRule);
  }

  // ---------------------------------------------------------------- writing

  /**
   * The rules as the X-Ray API's {@code GetSamplingRules} response: {@code {"SamplingRuleRecords":
   * [{"SamplingRule": {...}, "CreatedAt": s, "ModifiedAt": s}]}}, timestamps in epoch seconds.
   */
  public static String toGetSamplingRulesResponse(SamplingRules rules, Instant modifiedAt) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode records = root.putArray("SamplingRuleRecords");
    double seconds = modifiedAt.getEpochSecond() + modifiedAt.getNano() / 1e9;
    for (SamplingRule r : rules.rules()) {
      ObjectNode record = records.addObject();
      record.set("SamplingRule", toApiJson(r));
      record.put("CreatedAt", seconds);
      record.put("ModifiedAt", seconds);
    }
    return root.toString();
  }

  /** One rule in the X-Ray API's {@code SamplingRule} shape. */
  public static ObjectNode toApiJson(SamplingRule r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("RuleName", r.ruleName());
    n.put("ResourceARN", r.resourceArn());
    n.put("Priority", r.priority());
    n.put("FixedRate", r.fixedRate());
    n.put("ReservoirSize", r.reservoirSize());
    n.put("ServiceName", r.serviceName());
    n.put("ServiceType", r.serviceType());
    n.put("Host", r.host());
    n.put("HTTPMethod", r.httpMethod());
    n.put("URLPath", r.urlPath());
    n.put("Version", r.version());
    ObjectNode attributes = n.putObject("Attributes");
    r.attributes().forEach(attributes::put);
    return n;
  }

  // ---------------------------------------------------------------- helpers

  private static final class Problems {
    private final List<String> list = new ArrayList<>();

    void add(String path, String message) {
      list.add(path.isEmpty() ? message : path + ": " + message);
    }

    void throwIfAny() {
      if (!list.isEmpty()) {
        throw new InvalidSamplingRulesException(list);
      }
    }
  }

  /** Reads one rule object's fields, remembering which key each field came from. */
  private static final class Fields {
    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Map<SamplingRule.Field, String> keys = new EnumMap<>(SamplingRule.Field.class);
    private final Map<SamplingRule.Field, Boolean> failed = new EnumMap<>(SamplingRule.Field.class);
    private boolean api;

    Fields(JsonNode node, String path, Problems problems) {
      this.node = node;
      this.path = path;
      this.problems = problems;
    }

    Fields apiNames() {
      api = true;
      return this;
    }

    private String keyPath(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean failed(SamplingRule.Field field) {
      return failed.containsKey(field);
    }

    boolean anyFailed() {
      return !failed.isEmpty();
    }

    private void fail(SamplingRule.Field field, String key, String message) {
      if (field != null) {
        failed.put(field, true);
      }
      problems.add(keyPath(key), message);
    }

    /** The value of the first of {@code names} present, noting a conflict if two are. */
    private JsonNode pick(SamplingRule.Field field, String... names) {
      String found = null;
      for (String n : names) {
        JsonNode v = node.get(n);
        if (v != null && !v.isNull()) {
          if (found != null) {
            fail(field, n, "cannot be combined with " + found + " (they are synonyms)");
            return null;
          }
          found = n;
        }
      }
      if (found == null) {
        return null;
      }
      if (field != null) {
        keys.put(field, found);
      }
      return node.get(found);
    }

    <T> T required(T value, String key) {
      if (value == null && !failed.containsKey(fieldOf(key))) {
        fail(fieldOf(key), key, "is required");
      }
      return value;
    }

    private static SamplingRule.Field fieldOf(String apiKey) {
      for (SamplingRule.Field f : SamplingRule.Field.values()) {
        if (f.apiName().equals(apiKey)) {
          return f;
        }
      }
      return null;
    }

    String text(String key, SamplingRule.Field field, String fallback) {
      JsonNode v = pick(field, key);
      if (v == null) {
        return fallback;
      }
      if (!v.isTextual()) {
        fail(field, key, "must be a string, was " + v);
        return null;
      }
      return v.asText();
    }

    Integer integer(SamplingRule.Field field, Integer fallback, String... names) {
      JsonNode v = pick(field, names);
      if (v == null) {
        return failed(field) ? null : fallback;
      }
      if (!v.canConvertToInt() || !(v.isIntegralNumber() || isWholeNumber(v))) {
        fail(field, keys.get(field), "must be an integer, was " + v);
        return null;
      }
      return v.asInt();
    }

    private static boolean isWholeNumber(JsonNode v) {
      return v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
    }

    Double number(SamplingRule.Field field, String... names) {
      JsonNode v = pick(field, names);
      if (v == null) {
        return null;
      }
      if (!v.isNumber()) {
        fail(field, keys.get(field), "must be a number, was " + v);
        return null;
      }
      return v.asDouble();
    }

    Map<String, String> attributes(String key) {
      JsonNode v = pick(SamplingRule.Field.ATTRIBUTES, key);
      if (v == null) {
        return Map.of();
      }
      if (!v.isObject()) {
        fail(SamplingRule.Field.ATTRIBUTES, key, "must be an object of strings, was " + v);
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().isTextual()) {
          fail(
              SamplingRule.Field.ATTRIBUTES,
              key + "." + e.getKey(),
              "must be a string, was " + e.getValue());
        } else {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
      return out;
    }

    SamplingRule construct(java.util.function.Supplier<SamplingRule> constructor) {
      try {
        return constructor.get();
      } catch (InvalidSamplingRuleException e) {
        for (RuleProblem p : e.problems()) {
          String key = keys.get(p.field());
          if (key == null) {
            key = api ? p.field().apiName() : p.field().snakeName();
          }
          problems.add(keyPath(key), p.message());
        }
        return null;
      }
    }
  }
}
