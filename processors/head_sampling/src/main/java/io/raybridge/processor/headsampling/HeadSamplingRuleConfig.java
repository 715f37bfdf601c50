package io.raybridge.processor.headsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.xray.sampling.InvalidSamplingRuleException;
import io.raybridge.xray.sampling.RuleProblem;
import io.raybridge.xray.sampling.SamplingRule;
import java.util.Map;

/**
 * One inline rule of {@code head_sampling}: X-Ray's sampling-rule schema in snake_case. Matchers
 * default to {@code *}; {@code priority} defaults to the rule's position in the list (1-based).
 *
 * @param ruleName unique name, 1..32 characters (required)
 * @param priority 1..9999, lower first; default: position in the list
 * @param fixedRate fraction sampled after the reservoir, 0..1 (required)
 * @param reservoirSize traces per second sampled before {@code fixed_rate}, per instance; default 0
 * @param serviceName matches resource {@code service.name}
 * @param serviceType matches the X-Ray origin derived from {@code cloud.platform}
 * @param host matches the request's host
 * @param httpMethod matches the request's method
 * @param urlPath matches the request's path
 * @param resourceArn matches the ARN of the resource running the service
 * @param attributes span attributes that must be present and match, at most 5
 */
public record HeadSamplingRuleConfig(
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
    @JsonProperty("attributes") Map<String, String> attributes) {

  public HeadSamplingRuleConfig {
    reservoirSize = reservoirSize == null ? 0 : reservoirSize;
    serviceName = serviceName == null ? "*" : serviceName;
    serviceType = serviceType == null ? "*" : serviceType;
    host = host == null ? "*" : host;
    httpMethod = httpMethod == null ? "*" : httpMethod;
    urlPath = urlPath == null ? "*" : urlPath;
    resourceArn = resourceArn == null ? "*" : resourceArn;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    Violations v = new Violations();
    v.check(ruleName != null, "rule_name", "is required");
    v.check(fixedRate != null, "fixed_rate", "is required");
    v.check(
        !SamplingRule.DEFAULT_RULE_NAME.equals(ruleName),
        "rule_name",
        "\"Default\" is reserved for the default rule; set its rate under default");
    if (ruleName != null && fixedRate != null && !SamplingRule.DEFAULT_RULE_NAME.equals(ruleName)) {
      try {
        // The fields are not assigned yet: validate from the parameters.
        rule(
            ruleName,
            priority == null ? 1 : priority,
            fixedRate,
            reservoirSize,
            serviceName,
            serviceType,
            host,
            httpMethod,
            urlPath,
            resourceArn,
            attributes);
      } catch (InvalidSamplingRuleException e) {
        for (RuleProblem p : e.problems()) {
          v.add(p.field().snakeName(), p.message());
        }
      }
    }
    v.throwIfAny();
  }

  /** The rule, with {@code priority} or else {@code position} (1-based) as its priority. */
  SamplingRule toRule(int position) {
    return rule(
        ruleName,
        priority == null ? position : priority,
        fixedRate,
        reservoirSize,
        serviceName,
        serviceType,
        host,
        httpMethod,
        urlPath,
        resourceArn,
        attributes);
  }

  private static SamplingRule rule(
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
      Map<String, String> attributes) {
    return new SamplingRule(
        ruleName,
        priority,
        fixedRate,
        reservoirSize,
        serviceName,
        serviceType,
        host,
        httpMethod,
        urlPath,
        resourceArn,
        attributes,
        1);
  }
}
