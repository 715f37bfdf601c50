package io.raybridge.xray.sampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import io.raybridge.pipeline.config.Violations;
import java.util.List;
import java.util.Map;

/**
 * One inline sampling rule in a component's YAML: X-Ray's rule schema with snake_case keys. Shared
 * by every component that takes inline rules ({@code head_sampling}'s {@code rules}, the {@code
 * awsxray} receiver's {@code proxy_server.rules}). String matchers accept {@code *} and {@code ?}
 * and default to {@code *}.
 *
 * <p>{@code priority} and {@code reservoir_size} stay null when left out: whether they are required
 * or what they default to belongs to the component (a list position, X-Ray's requirement), which
 * passes its defaults to {@link #violations} and {@link #toRule}. For the same reason the
 * constructor only fills in defaults: the enclosing config record validates its rules with {@link
 * #violations} in its own constructor, so that every problem of every rule is reported together
 * with the component's own checks, under the rule's YAML path ({@code rules[1].fixed_rate}).
 *
 * @param ruleName unique name, 1 to 32 characters; {@code Default} is X-Ray's default rule (whether
 *     it may be given is up to the component)
 * @param priority 1 to 9999, lower first; the {@code Default} rule needs none; null: the
 *     component's default
 * @param fixedRate fraction sampled once the reservoir is spent, 0 to 1 (required)
 * @param reservoirSize traces per second sampled before {@code fixed_rate}; null: the component's
 *     default
 * @param serviceName matches the service name (resource {@code service.name}, segment name)
 * @param serviceType matches the X-Ray origin ({@code AWS::EC2::Instance})
 * @param host matches the request's host
 * @param httpMethod matches the request's method
 * @param urlPath matches the request's path
 * @param resourceArn matches the ARN of the resource running the service
 * @param attributes attributes that must all be present and match, at most 5
 * @param version the rule format version, 1
 */
public record SamplingRuleConfig(
    @JsonProperty("rule_name") String ruleName,
    @JsonProperty("priority") Integer priority,
    @JsonProperty("fixed_rate") Double fixedRate,
    @JsonProperty("reservoir_size") Integer reservoirSize,
    @JsonProperty("service_name") String serviceName,
    @JsonProperty("service_type") String serviceType,
    @JsonProperty("host") String host,
    @JsonProperty("http_method") String httpMethod,
    @JsonProperty("url_path") String urlPath,
    @JsonProperty("resource_arn") String resourceArn,
    @JsonProperty("attributes") Map<String, String> attributes,
    @JsonProperty("version") Integer version) {

  public SamplingRuleConfig {
    serviceName = serviceName == null ? "*" : serviceName;
    serviceType = serviceType == null ? "*" : serviceType;
    host = host == null ? "*" : host;
    httpMethod = httpMethod == null ? "*" : httpMethod;
    urlPath = urlPath == null ? "*" : urlPath;
    resourceArn = resourceArn == null ? "*" : resourceArn;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    version = version == null ? 1 : version;
  }

  /** Whether this is X-Ray's default rule ({@code rule_name: Default}). */
  public boolean isDefault() {
    return SamplingRule.DEFAULT_RULE_NAME.equals(ruleName);
  }

  /**
   * Every problem with this rule, paths relative to the rule ({@code fixed_rate}); empty when
   * {@link #toRule} succeeds with the same defaults. Missing keys are reported first; the values
   * are checked as the X-Ray API checks them once nothing is missing.
   *
   * @param defaultPriority the priority when {@code priority} is left out; null makes it required
   *     (except for the {@code Default} rule, whose priority is fixed)
   * @param defaultReservoirSize the reservoir size when {@code reservoir_size} is left out; null
   *     makes it required
   */
  public List<ConfigViolation> violations(Integer defaultPriority, Integer defaultReservoirSize) {
    Violations v = new Violations();
    v.check(ruleName != null, "rule_name", "is required");
    v.check(priority != null || isDefault() || defaultPriority != null, "priority", "is required");
    v.check(fixedRate != null, "fixed_rate", "is required");
    v.check(reservoirSize != null || defaultReservoirSize != null, "reservoir_size", "is required");
    if (v.isEmpty()) {
      try {
        rule(defaultPriority, defaultReservoirSize);
      } catch (InvalidSamplingRuleException e) {
        for (RuleProblem p : e.problems()) {
          v.add(p.field().snakeName(), p.message());
        }
      }
    }
    return v.list();
  }

  /**
   * The rule, with the component's defaults for the keys left out.
   *
   * @param defaultPriority as for {@link #violations}
   * @param defaultReservoirSize as for {@link #violations}
   * @throws InvalidConfigException with every problem, paths relative to the rule, when {@link
   *     #violations} is not empty
   */
  public SamplingRule toRule(Integer defaultPriority, Integer defaultReservoirSize) {
    List<ConfigViolation> problems = violations(defaultPriority, defaultReservoirSize);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return rule(defaultPriority, defaultReservoirSize);
  }

  private SamplingRule rule(Integer defaultPriority, Integer defaultReservoirSize) {
    int p;
    if (priority != null) {
      p = priority;
    } else if (isDefault()) {
      p = SamplingRule.DEFAULT_PRIORITY;
    } else {
      p = defaultPriority;
    }
    return new SamplingRule(
        ruleName,
        p,
        fixedRate,
        reservoirSize != null ? reservoirSize : defaultReservoirSize,
        serviceName,
        serviceType,
        host,
        httpMethod,
        urlPath,
        resourceArn,
        attributes,
        version);
  }
}
