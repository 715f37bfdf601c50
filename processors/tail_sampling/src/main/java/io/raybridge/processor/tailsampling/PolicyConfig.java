package io.raybridge.processor.tailsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.xray.sampling.InvalidSamplingRuleException;
import io.raybridge.xray.sampling.RuleProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One policy of {@code tail_sampling}, in the Collector's shape: {@code {name, type, <type>:
 * {...}}}. Only the section named by {@code type} may be set.
 *
 * <p>The records here fill in defaults but do not validate: {@link TailSamplingConfig} validates
 * the whole policy tree, so that each problem is reported once with its full path ({@code
 * policies[2].and.and_sub_policy[0].latency.threshold_ms}).
 */
public record PolicyConfig(
    @JsonProperty("name") String name,
    @JsonProperty("type") PolicyType type,
    @JsonProperty("latency") Latency latency,
    @JsonProperty("status_code") StatusCode statusCode,
    @JsonProperty("string_attribute") StringAttribute stringAttribute,
    @JsonProperty("numeric_attribute") NumericAttribute numericAttribute,
    @JsonProperty("boolean_attribute") BooleanAttribute booleanAttribute,
    @JsonProperty("probabilistic") Probabilistic probabilistic,
    @JsonProperty("rate_limiting") RateLimiting rateLimiting,
    @JsonProperty("span_count") SpanCount spanCount,
    @JsonProperty("trace_state") TraceState traceState,
    @JsonProperty("and") And and,
    @JsonProperty("not") Not not,
    @JsonProperty("drop") Drop drop,
    @JsonProperty("composite") Composite composite,
    @JsonProperty("xray_rule") XRayRule xrayRule) {

  /** The policy types. */
  public enum PolicyType {
    @JsonProperty("always_sample")
    ALWAYS_SAMPLE,
    @JsonProperty("latency")
    LATENCY,
    @JsonProperty("status_code")
    STATUS_CODE,
    @JsonProperty("string_attribute")
    STRING_ATTRIBUTE,
    @JsonProperty("numeric_attribute")
    NUMERIC_ATTRIBUTE,
    @JsonProperty("boolean_attribute")
    BOOLEAN_ATTRIBUTE,
    @JsonProperty("probabilistic")
    PROBABILISTIC,
    @JsonProperty("rate_limiting")
    RATE_LIMITING,
    @JsonProperty("span_count")
    SPAN_COUNT,
    @JsonProperty("trace_state")
    TRACE_STATE,
    @JsonProperty("and")
    AND,
    @JsonProperty("not")
    NOT,
    @JsonProperty("drop")
    DROP,
    @JsonProperty("composite")
    COMPOSITE,
    @JsonProperty("xray_rule")
    XRAY_RULE;

    /** The name as written in YAML. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code latency}: the trace's duration (latest end - earliest start) in a range. */
  public record Latency(
      @JsonProperty("threshold_ms") Long thresholdMs,
      @JsonProperty("upper_threshold_ms") Long upperThresholdMs) {
    public Latency {
      upperThresholdMs = upperThresholdMs == null ? 0 : upperThresholdMs;
    }
  }

  /** {@code status_code}: some span has one of the status codes ({@code OK, ERROR, UNSET}). */
  public record StatusCode(@JsonProperty("status_codes") List<String> statusCodes) {
    public StatusCode {
      statusCodes = statusCodes == null ? List.of() : List.copyOf(statusCodes);
    }
  }

  /** {@code string_attribute}: a resource or span attribute equal to (or matching) a value. */
  public record StringAttribute(
      @JsonProperty("key") String key,
      @JsonProperty("values") List<String> values,
      @JsonProperty("enabled_regex_matching") Boolean enabledRegexMatching,
      @JsonProperty("cache_max_size") Integer cacheMaxSize,
      @JsonProperty("invert_match") Boolean invertMatch) {
    /** The Collector's default size of the regex result cache. */
    public static final int DEFAULT_CACHE_MAX_SIZE = 128;

    public StringAttribute {
      values = values == null ? List.of() : List.copyOf(values);
      enabledRegexMatching = enabledRegexMatching != null && enabledRegexMatching;
      cacheMaxSize = cacheMaxSize == null ? DEFAULT_CACHE_MAX_SIZE : cacheMaxSize;
      invertMatch = invertMatch != null && invertMatch;
    }
  }

  /** {@code numeric_attribute}: an integer attribute within {@code [min_value, max_value]}. */
  public record NumericAttribute(
      @JsonProperty("key") String key,
      @JsonProperty("min_value") Long minValue,
      @JsonProperty("max_value") Long maxValue,
      @JsonProperty("invert_match") Boolean invertMatch) {
    public NumericAttribute {
      invertMatch = invertMatch != null && invertMatch;
    }
  }

  /** {@code boolean_attribute}: a boolean attribute with the given value. */
  public record BooleanAttribute(
      @JsonProperty("key") String key,
      @JsonProperty("value") Boolean value,
      @JsonProperty("invert_match") Boolean invertMatch) {
    public BooleanAttribute {
      invertMatch = invertMatch != null && invertMatch;
    }
  }

  /** {@code probabilistic}: a percentage of traces, by a salted hash of the trace id. */
  public record Probabilistic(
      @JsonProperty("hash_salt") String hashSalt,
      @JsonProperty("sampling_percentage") Double samplingPercentage) {
    /** The Collector's default salt, so that both hash a trace id alike. */
    public static final String DEFAULT_HASH_SALT = "default-hash-seed";

    public Probabilistic {
      hashSalt = hashSalt == null || hashSalt.isEmpty() ? DEFAULT_HASH_SALT : hashSalt;
    }
  }

  /** {@code rate_limiting}: at most this many spans per second. */
  public record RateLimiting(@JsonProperty("spans_per_second") Long spansPerSecond) {}

  /** {@code span_count}: the trace's span count within {@code [min_spans, max_spans]}. */
  public record SpanCount(
      @JsonProperty("min_spans") Integer minSpans, @JsonProperty("max_spans") Integer maxSpans) {
    public SpanCount {
      minSpans = minSpans == null ? 0 : minSpans;
      maxSpans = maxSpans == null ? 0 : maxSpans;
    }
  }

  /** {@code trace_state}: some span's W3C tracestate has {@code key} with one of the values. */
  public record TraceState(
      @JsonProperty("key") String key, @JsonProperty("values") List<String> values) {
    public TraceState {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }

  /** {@code and}: every sub-policy samples. */
  public record And(@JsonProperty("and_sub_policy") List<PolicyConfig> andSubPolicy) {
    public And {
      andSubPolicy = andSubPolicy == null ? List.of() : List.copyOf(andSubPolicy);
    }
  }

  /** {@code not}: the sub-policy does not sample. */
  public record Not(@JsonProperty("not_sub_policy") PolicyConfig notSubPolicy) {}

  /** {@code drop}: every sub-policy samples, and the trace is therefore dropped. */
  public record Drop(@JsonProperty("drop_sub_policy") List<PolicyConfig> dropSubPolicy) {
    public Drop {
      dropSubPolicy = dropSubPolicy == null ? List.of() : List.copyOf(dropSubPolicy);
    }
  }

  /** {@code composite}: the first sub-policy (in order) that samples, within its span rate. */
  public record Composite(
      @JsonProperty("max_total_spans_per_second") Long maxTotalSpansPerSecond,
      @JsonProperty("policy_order") List<String> policyOrder,
      @JsonProperty("composite_sub_policy") List<PolicyConfig> compositeSubPolicy,
      @JsonProperty("rate_allocation") List<RateAllocation> rateAllocation) {
    public Composite {
      policyOrder = policyOrder == null ? List.of() : List.copyOf(policyOrder);
      compositeSubPolicy = compositeSubPolicy == null ? List.of() : List.copyOf(compositeSubPolicy);
      rateAllocation = rateAllocation == null ? List.of() : List.copyOf(rateAllocation);
    }

    /** The sub-policies in evaluation order: {@code policy_order}, else as listed. */
    List<PolicyConfig> ordered() {
      if (policyOrder.isEmpty()) {
        return compositeSubPolicy;
      }
      List<PolicyConfig> out = new ArrayList<>();
      for (String n : policyOrder) {
        for (PolicyConfig p : compositeSubPolicy) {
          if (n.equals(p.name())) {
            out.add(p);
          }
        }
      }
      return out;
    }
  }

  /** A share of a composite's {@code max_total_spans_per_second} for one sub-policy. */
  public record RateAllocation(
      @JsonProperty("policy") String policy, @JsonProperty("percent") Integer percent) {}

  /**
   * {@code xray_rule}: an X-Ray sampling rule (or a rule file) applied to the trace's entry span
   * once the whole trace is known. With {@code sample_errors}, a matching trace with an error or
   * fault is always kept.
   */
  public record XRayRule(
      @JsonProperty("rule_name") String ruleName,
      @JsonProperty("fixed_rate") Double fixedRate,
      @JsonProperty("reservoir_size") Integer reservoirSize,
      @JsonProperty("service_name") String serviceName,
      @JsonProperty("service_type") String serviceType,
      @JsonProperty("host") String host,
      @JsonProperty("http_method") String httpMethod,
      @JsonProperty("url_path") String urlPath,
      @JsonProperty("resource_arn") String resourceArn,
      @JsonProperty("attributes") Map<String, String> attributes,
      @JsonProperty("rules_file") String rulesFile,
      @JsonProperty("sample_errors") Boolean sampleErrors) {
    public XRayRule {
      reservoirSize = reservoirSize == null ? 0 : reservoirSize;
      serviceName = serviceName == null ? "*" : serviceName;
      serviceType = serviceType == null ? "*" : serviceType;
      host = host == null ? "*" : host;
      httpMethod = httpMethod == null ? "*" : httpMethod;
      urlPath = urlPath == null ? "*" : urlPath;
      resourceArn = resourceArn == null ? "*" : resourceArn;
      attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
      sampleErrors = sampleErrors == null || sampleErrors;
    }
  }

  private static final Set<String> STATUS_CODES = Set.of("OK", "ERROR", "UNSET");

  /** The section that belongs to {@code t}, or null if it is not set. */
  Object section(PolicyType t) {
    return switch (t) {
      case ALWAYS_SAMPLE -> null;
      case LATENCY -> latency;
      case STATUS_CODE -> statusCode;
      case STRING_ATTRIBUTE -> stringAttribute;
      case NUMERIC_ATTRIBUTE -> numericAttribute;
      case BOOLEAN_ATTRIBUTE -> booleanAttribute;
      case PROBABILISTIC -> probabilistic;
      case RATE_LIMITING -> rateLimiting;
      case SPAN_COUNT -> spanCount;
      case TRACE_STATE -> traceState;
      case AND -> and;
      case NOT -> not;
      case DROP -> drop;
      case COMPOSITE -> composite;
      case XRAY_RULE -> xrayRule;
    };
  }

  /**
   * Records every problem of this policy (and its sub-policies) under {@code path}. {@code depth}
   * is 0 for a top-level policy; {@code drop} and {@code composite} are only allowed there.
   */
  void validate(Violations v, String path, int depth) {
    String at = path + ".";
    if (name == null || name.isBlank()) {
      v.add(at + "name", "is required");
    }
    if (type == null) {
      v.add(at + "type", "is required");
      return;
    }
    for (PolicyType other : PolicyType.values()) {
      if (other != type && section(other) != null) {
        v.add(at + other.key(), "is set but type is " + type.key());
      }
    }
    if (depth > 0 && (type == PolicyType.DROP || type == PolicyType.COMPOSITE)) {
      v.add(at + "type", type.key() + " is only allowed as a top-level policy");
      return;
    }
    if (type != PolicyType.ALWAYS_SAMPLE && section(type) == null) {
      v.add(at + type.key(), "is required when type is " + type.key());
      return;
    }
    String s = at + type.key() + ".";
    switch (type) {
      case ALWAYS_SAMPLE -> {}
      case LATENCY -> {
        if (latency.thresholdMs() == null) {
          v.add(s + "threshold_ms", "is required");
        } else {
          v.check(
              latency.thresholdMs() >= 0,
              s + "threshold_ms",
              "must be >= 0, was " + latency.thresholdMs());
          v.check(
              latency.upperThresholdMs() == 0 || latency.upperThresholdMs() > latency.thresholdMs(),
              s + "upper_threshold_ms",
              "upper_threshold_ms ("
                  + latency.upperThresholdMs()
                  + ") must be > threshold_ms ("
                  + latency.thresholdMs()
                  + ") or 0 for no upper bound");
        }
      }
      case STATUS_CODE -> {
        v.check(!statusCode.statusCodes().isEmpty(), s + "status_codes", "must not be empty");
        for (int i = 0; i < statusCode.statusCodes().size(); i++) {
          String c = statusCode.statusCodes().get(i);
          v.check(
              c != null && STATUS_CODES.contains(c),
              s + "status_codes[" + i + "]",
              "unknown status code \"" + c + "\"; expected OK, ERROR or UNSET");
        }
      }
      case STRING_ATTRIBUTE -> {
        StringAttribute a = stringAttribute;
        checkKey(v, s, a.key());
        v.check(!a.values().isEmpty(), s + "values", "must not be empty");
        v.check(
            a.cacheMaxSize() >= 0, s + "cache_max_size", "must be >= 0, was " + a.cacheMaxSize());
        for (int i = 0; i < a.values().size(); i++) {
          String value = a.values().get(i);
          if (value == null) {
            v.add(s + "values[" + i + "]", "must not be empty");
          } else if (a.enabledRegexMatching()) {
            try {
              Pattern.compile(value);
            } catch (PatternSyntaxException e) {
              v.add(
                  s + "values[" + i + "]",
                  "invalid regular expression \"" + value + "\": " + e.getDescription());
            }
          }
        }
      }
      case NUMERIC_ATTRIBUTE -> {
        NumericAttribute a = numericAttribute;
        checkKey(v, s, a.key());
        if (a.minValue() == null && a.maxValue() == null) {
          v.add(s.substring(0, s.length() - 1), "needs min_value, max_value or both");
        } else if (a.minValue() != null && a.maxValue() != null) {
          v.check(
              a.minValue() <= a.maxValue(),
              s + "max_value",
              "max_value (" + a.maxValue() + ") must be >= min_value (" + a.minValue() + ")");
        }
      }
      case BOOLEAN_ATTRIBUTE -> {
        checkKey(v, s, booleanAttribute.key());
        v.check(booleanAttribute.value() != null, s + "value", "is required");
      }
      case PROBABILISTIC -> {
        Double p = probabilistic.samplingPercentage();
        if (p == null) {
          v.add(s + "sampling_percentage", "is required");
        } else {
          v.check(
              p >= 0 && p <= 100, s + "sampling_percentage", "must be between 0 and 100, was " + p);
        }
      }
      case RATE_LIMITING -> {
        Long r = rateLimiting.spansPerSecond();
        if (r == null) {
          v.add(s + "spans_per_second", "is required");
        } else {
          v.check(r > 0, s + "spans_per_second", "must be > 0, was " + r);
        }
      }
      case SPAN_COUNT -> {
        v.check(
            spanCount.minSpans() >= 0,
            s + "min_spans",
            "must be >= 0, was " + spanCount.minSpans());
        v.check(
            spanCount.maxSpans() == 0 || spanCount.maxSpans() >= spanCount.minSpans(),
            s + "max_spans",
            "max_spans ("
                + spanCount.maxSpans()
                + ") must be >= min_spans ("
                + spanCount.minSpans()
                + ") or 0 for no upper bound");
      }
      case TRACE_STATE -> {
        checkKey(v, s, traceState.key());
        v.check(!traceState.values().isEmpty(), s + "values", "must not be empty");
        for (int i = 0; i < traceState.values().size(); i++) {
          String value = traceState.values().get(i);
          v.check(
              value != null && !value.isEmpty() && value.length() <= 256,
              s + "values[" + i + "]",
              "must be 1 to 256 characters long");
        }
      }
      case AND -> validateSubPolicies(v, s + "and_sub_policy", and.andSubPolicy(), depth);
      case NOT -> {
        if (not.notSubPolicy() == null) {
          v.add(s + "not_sub_policy", "is required");
        } else {
          not.notSubPolicy().validate(v, s + "not_sub_policy", depth + 1);
        }
      }
      case DROP -> validateSubPolicies(v, s + "drop_sub_policy", drop.dropSubPolicy(), depth);
      case COMPOSITE -> validateComposite(v, s, depth);
      case XRAY_RULE -> validateXRayRule(v, s);
    }
  }

  private static void checkKey(Violations v, String s, String key) {
    v.check(key != null && !key.isEmpty(), s + "key", "is required");
  }

  private static void validateSubPolicies(
      Violations v, String path, List<PolicyConfig> subs, int depth) {
    if (subs.isEmpty()) {
      v.add(path, "must list at least one sub-policy");
    }
    for (int i = 0; i < subs.size(); i++) {
      PolicyConfig sub = subs.get(i);
      if (sub == null) {
        v.add(path + "[" + i + "]", "must not be empty");
      } else {
        sub.validate(v, path + "[" + i + "]", depth + 1);
      }
    }
  }

  private void validateComposite(Violations v, String s, int depth) {
    Composite c = composite;
    if (c.maxTotalSpansPerSecond() == null) {
      v.add(s + "max_total_spans_per_second", "is required");
    } else {
      v.check(
          c.maxTotalSpansPerSecond() > 0,
          s + "max_total_spans_per_second",
          "must be > 0, was " + c.maxTotalSpansPerSecond());
    }
    validateSubPolicies(v, s + "composite_sub_policy", c.compositeSubPolicy(), depth);
    Set<String> names = new HashSet<>();
    for (PolicyConfig p : c.compositeSubPolicy()) {
      if (p != null && p.name() != null && !names.add(p.name())) {
        v.add(s + "composite_sub_policy", "duplicate sub-policy name \"" + p.name() + "\"");
      }
    }
    if (!c.policyOrder().isEmpty()) {
      for (int i = 0; i < c.policyOrder().size(); i++) {
        String n = c.policyOrder().get(i);
        v.check(
            names.contains(n),
            s + "policy_order[" + i + "]",
            "\"" + n + "\" is not the name of a composite_sub_policy");
      }
      for (String n : names) {
        v.check(
            c.policyOrder().contains(n),
            s + "policy_order",
            "does not list composite_sub_policy \"" + n + "\"");
      }
    }
    long total = 0;
    for (int i = 0; i < c.rateAllocation().size(); i++) {
      RateAllocation a = c.rateAllocation().get(i);
      String at = s + "rate_allocation[" + i + "]";
      if (a == null || a.policy() == null) {
        v.add(at + ".policy", "is required");
        continue;
      }
      v.check(
          names.contains(a.policy()),
          at + ".policy",
          "\"" + a.policy() + "\" is not the name of a composite_sub_policy");
      int percent = a.percent() == null ? 0 : a.percent();
      v.check(
          percent > 0 && percent <= 100,
          at + ".percent",
          "must be between 1 and 100, was " + a.percent());
      total += Math.max(0, percent);
    }
    v.check(
        total <= 100,
        s + "rate_allocation",
        "the percentages add up to " + total + ", more than 100");
  }

  private void validateXRayRule(Violations v, String s) {
    XRayRule r = xrayRule;
    if (r.rulesFile() != null) {
      v.check(
          r.fixedRate() == null && r.ruleName() == null,
          s + "rules_file",
          "cannot be combined with an inline rule (rule_name, fixed_rate)");
      return;
    }
    if (r.fixedRate() == null) {
      v.add(s + "fixed_rate", "is required unless rules_file is set");
      return;
    }
    try {
      XRayRulePolicy.inlineRule(name, r);
    } catch (InvalidSamplingRuleException e) {
      for (RuleProblem p : e.problems()) {
        v.add(s + p.field().snakeName(), p.message());
      }
    }
  }
}
