package io.raybridge.xray.sampling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An X-Ray sampling rule, the one model shared by every rule source (the X-Ray API's {@code
 * SamplingRule} shape, the X-Ray SDKs' local rule file, the collector's YAML) and every user of
 * rules ({@code head_sampling}, {@code tail_sampling}'s {@code xray_rule} policy, the X-Ray
 * receiver's local sampling endpoint).
 *
 * <p>The constructor validates the rule as the X-Ray API does (XRAY-REFERENCE §4.1) and throws
 * {@link InvalidSamplingRuleException} listing every problem. String matchers accept the wildcards
 * {@code *} and {@code ?}; see {@link RuleMatcher} for how they match.
 *
 * @param ruleName unique name, 1..32 characters; {@value #DEFAULT_RULE_NAME} is the default rule
 * @param priority 1..9999, lower is evaluated first; the default rule has {@value
 *     #DEFAULT_PRIORITY}
 * @param fixedRate fraction of matching requests sampled once the reservoir is spent, 0..1
 * @param reservoirSize matching requests per second sampled before {@code fixedRate} applies, >= 0
 * @param serviceName matches the service (segment) name, at most 64 characters
 * @param serviceType matches the segment origin ({@code AWS::EC2::Instance}), at most 64
 * @param host matches the request's host, at most 64
 * @param httpMethod matches the request's method, at most 10
 * @param urlPath matches the request's path, at most 128
 * @param resourceArn matches the ARN of the resource running the service, at most 500
 * @param attributes request attributes that must all be present and match, at most 5 entries, keys
 *     and values 1..32 characters
 * @param version the rule format version, always 1
 */
public record SamplingRule(
    String ruleName,
    int priority,
    double fixedRate,
    int reservoirSize,
    String serviceName,
    String serviceType,
    String host,
    String httpMethod,
    String urlPath,
    String resourceArn,
    Map<String, String> attributes,
    int version) {

  /** The name of the rule that applies when no other matches. */
  public static final String DEFAULT_RULE_NAME = "Default";

  /** The default rule's priority: after every other rule. */
  public static final int DEFAULT_PRIORITY = 10000;

  /** X-Ray's built-in default: one request per second ... */
  public static final int DEFAULT_RESERVOIR_SIZE = 1;

  /** ... and 5 % of the rest. */
  public static final double DEFAULT_FIXED_RATE = 0.05;

  /** A field of a rule, with its name in the X-Ray API and in snake_case files. */
  public enum Field {
    RULE_NAME("RuleName", "rule_name"),
    PRIORITY("Priority", "priority"),
    FIXED_RATE("FixedRate", "fixed_rate"),
    RESERVOIR_SIZE("ReservoirSize", "reservoir_size"),
    SERVICE_NAME("ServiceName", "service_name"),
    SERVICE_TYPE("ServiceType", "service_type"),
    HOST("Host", "host"),
    HTTP_METHOD("HTTPMethod", "http_method"),
    URL_PATH("URLPath", "url_path"),
    RESOURCE_ARN("ResourceARN", "resource_arn"),
    ATTRIBUTES("Attributes", "attributes"),
    VERSION("Version", "version");

    private final String apiName;
    private final String snakeName;

    Field(String apiName, String snakeName) {
      this.apiName = apiName;
      this.snakeName = snakeName;
    }

    /** The name in the X-Ray API's JSON ({@code FixedRate}). */
    public String apiName() {
      return apiName;
    }

    /** The name in snake_case sources ({@code fixed_rate}). */
    public String snakeName() {
      return snakeName;
    }
  }

  public SamplingRule {
    List<RuleProblem> problems = new ArrayList<>();
    if (ruleName == null || ruleName.isEmpty() || ruleName.length() > 32) {
      problems.add(
          new RuleProblem(
              Field.RULE_NAME,
              ruleName == null
                  ? "is required"
                  : "must be 1 to 32 characters long, was \"" + ruleName + "\""));
    }
    boolean isDefault = DEFAULT_RULE_NAME.equals(ruleName);
    if (isDefault ? priority != DEFAULT_PRIORITY : priority < 1 || priority > 9999) {
      problems.add(
          new RuleProblem(
              Field.PRIORITY,
              isDefault
                  ? "of the default rule must be " + DEFAULT_PRIORITY + ", was " + priority
                  : "must be between 1 and 9999, was " + priority));
    }
    if (!(fixedRate >= 0 && fixedRate <= 1)) {
      problems.add(new RuleProblem(Field.FIXED_RATE, "must be between 0 and 1, was " + fixedRate));
    }
    if (reservoirSize < 0) {
      problems.add(new RuleProblem(Field.RESERVOIR_SIZE, "must be >= 0, was " + reservoirSize));
    }
    checkPattern(problems, Field.SERVICE_NAME, serviceName, 64);
    checkPattern(problems, Field.SERVICE_TYPE, serviceType, 64);
    checkPattern(problems, Field.HOST, host, 64);
    checkPattern(problems, Field.HTTP_METHOD, httpMethod, 10);
    checkPattern(problems, Field.URL_PATH, urlPath, 128);
    checkPattern(problems, Field.RESOURCE_ARN, resourceArn, 500);
    attributes =
        attributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(attributes));
    if (attributes.size() > 5) {
      problems.add(
          new RuleProblem(
              Field.ATTRIBUTES, "must have at most 5 entries, had " + attributes.size()));
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k == null || k.isEmpty() || k.length() > 32) {
        problems.add(
            new RuleProblem(
                Field.ATTRIBUTES, "keys must be 1 to 32 characters long, was \"" + k + "\""));
      }
      if (v == null || v.isEmpty() || v.length() > 32) {
        problems.add(
            new RuleProblem(
                Field.ATTRIBUTES,
                "value of \"" + k + "\" must be 1 to 32 characters long, was \"" + v + "\""));
      }
    }
    if (version != 1) {
      problems.add(new RuleProblem(Field.VERSION, "must be 1, was " + version));
    }
    if (!problems.isEmpty()) {
      throw new InvalidSamplingRuleException(ruleName, problems);
    }
  }

  private static void checkPattern(List<RuleProblem> problems, Field field, String value, int max) {
    if (value == null) {
      problems.add(new RuleProblem(field, "is required"));
    } else if (value.length() > max) {
      problems.add(
          new RuleProblem(
              field, "must be at most " + max + " characters long, was \"" + value + "\""));
    }
  }

  /**
   * A rule matching every request on every field, with the given name, priority, rate and
   * reservoir.
   */
  public static SamplingRule matchAll(
      String ruleName, int priority, double fixedRate, int reservoirSize) {
    return new SamplingRule(
        ruleName, priority, fixedRate, reservoirSize, "*", "*", "*", "*", "*", "*", Map.of(), 1);
  }

  /** The default rule with the given reservoir and rate. */
  public static SamplingRule defaultRule(int reservoirSize, double fixedRate) {
    return matchAll(DEFAULT_RULE_NAME, DEFAULT_PRIORITY, fixedRate, reservoirSize);
  }

  /** Whether this is the default rule. */
  public boolean isDefault() {
    return DEFAULT_RULE_NAME.equals(ruleName);
  }
}
