package io.raybridge.processor.tailsampling;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.xray.sampling.RuleMatcher;
import io.raybridge.xray.sampling.RuleSampler;
import io.raybridge.xray.sampling.SamplingRequest;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRuleFiles;
import io.raybridge.xray.sampling.SamplingRules;
import io.raybridge.xray.sampling.TraceIdThreshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code xray_rule} policy: X-Ray sampling rules applied at the tail. The rule is matched on
 * the trace's entry span (the root, else the first {@code SERVER} or {@code CONSUMER} span), with
 * the request properties the X-Ray samplers derive from OpenTelemetry attributes (XRAY-REFERENCE
 * §4.2). Because the whole trace is known, a matching trace with an error or fault anywhere (status
 * {@code ERROR} or an HTTP status >= 500) is kept when {@code sample_errors} is on, without
 * spending the reservoir; otherwise the reservoir is spent first and then {@code fixed_rate} is
 * applied as a threshold on the trace id, as {@code head_sampling} does.
 *
 * <p>An inline rule that does not match abstains (not sampled). With {@code rules_file}, the rule
 * set's matching rule decides, the default rule included.
 */
final class XRayRulePolicy implements Policy {

  private static final Map<String, String> ORIGINS =
      Map.of(
          "aws_ec2", "AWS::EC2::Instance",
          "aws_ecs", "AWS::ECS::Container",
          "aws_eks", "AWS::EKS::Container",
          "aws_elastic_beanstalk", "AWS::ElasticBeanstalk::Environment",
          "aws_lambda", "AWS::Lambda::Function");

  private final RuleMatcher matcher;
  private final RuleSampler sampler;
  private final boolean inline;
  private final boolean sampleErrors;

  private XRayRulePolicy(SamplingRules rules, boolean inline, boolean sampleErrors) {
    this.matcher = new RuleMatcher(rules);
    this.sampler = new RuleSampler(rules);
    this.inline = inline;
    this.sampleErrors = sampleErrors;
  }

  static Policy create(String policyName, PolicyConfig.XRayRule c) {
    if (c.rulesFile() != null) {
      try {
        return new XRayRulePolicy(
            SamplingRuleFiles.read(Path.of(c.rulesFile())), false, c.sampleErrors());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read rules_file " + c.rulesFile(), e);
      }
    }
    // The default rule of an inline policy never samples: a trace the rule does not match is left
    // to the other policies.
    return new XRayRulePolicy(
        SamplingRules.of(List.of(inlineRule(policyName, c)), SamplingRule.defaultRule(0, 0)),
        true,
        c.sampleErrors());
  }

  /**
   * The inline rule of {@code c}, named {@code rule_name} or else after the policy.
   *
   * @throws io.raybridge.xray.sampling.InvalidSamplingRuleException when a field is invalid
   */
  static SamplingRule inlineRule(String policyName, PolicyConfig.XRayRule c) {
    String name = c.ruleName();
    if (name == null) {
      name = policyName == null || policyName.isEmpty() ? "xray_rule" : policyName;
      name = name.length() > 32 ? name.substring(0, 32) : name;
    }
    return new SamplingRule(
        name,
        SamplingRule.DEFAULT_RULE_NAME.equals(name) ? SamplingRule.DEFAULT_PRIORITY : 1,
        c.fixedRate(),
        c.reservoirSize(),
        c.serviceName(),
        c.serviceType(),
        c.host(),
        c.httpMethod(),
        c.urlPath(),
        c.resourceArn(),
        c.attributes(),
        1);
  }

  @Override
  public Decision evaluate(TraceData trace, long nowMillis) {
    SamplingRule rule = matcher.match(request(trace));
    if (inline && rule.isDefault()) {
      return Decision.NOT_SAMPLED;
    }
    if (sampleErrors && hasErrorOrFault(trace)) {
      return Decision.SAMPLED;
    }
    byte[] id = trace.traceId().toByteArray();
    long randomness = id.length == 16 ? TraceIdThreshold.randomness(id) : 0;
    return sampler.decide(rule, randomness, nowMillis).sampled()
        ? Decision.SAMPLED
        : Decision.NOT_SAMPLED;
  }

  /** The X-Ray request properties of the trace's entry span. */
  static SamplingRequest request(TraceData trace) {
    Resource resource = null;
    Span entry = null;
    int entryRank = Integer.MAX_VALUE;
    for (ResourceSpans rs : trace.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          int rank = entryRank(s);
          if (rank < entryRank) {
            entryRank = rank;
            entry = s;
            resource = rs.getResource();
          }
        }
      }
    }
    if (entry == null) {
      return new SamplingRequest(null, null, null, null, null, null, Map.of());
    }
    List<KeyValue> ra = resource.getAttributesList();
    List<KeyValue> sa = entry.getAttributesList();
    String path = text(sa, "url.path", "http.target");
    if (path != null && path.indexOf('?') >= 0) {
      path = path.substring(0, path.indexOf('?'));
    }
    String platform = text(ra, "cloud.platform");
    Map<String, String> attributes = new HashMap<>();
    for (KeyValue kv : sa) {
      String v = text(kv.getValue());
      if (v != null) {
        attributes.put(kv.getKey(), v);
      }
    }
    return new SamplingRequest(
        text(ra, "service.name"),
        platform == null ? null : ORIGINS.get(platform),
        text(sa, "server.address", "http.host", "net.host.name"),
        text(sa, "http.request.method", "http.method"),
        path,
        text(ra, "aws.ecs.container.arn", "cloud.resource_id"),
        attributes);
  }

  /** 0 for a root span, 1 for a server or consumer span, 2 for any other. */
  private static int entryRank(Span s) {
    if (s.getParentSpanId().isEmpty()) {
      return 0;
    }
    return s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
            || s.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER
        ? 1
        : 2;
  }

  /** Whether some span failed: status {@code ERROR}, or an HTTP status of 500 or more. */
  static boolean hasErrorOrFault(TraceData trace) {
    return trace.anySpan(
        (r, s) -> {
          if (s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            return true;
          }
          AnyValue v = TraceData.attribute(s.getAttributesList(), "http.response.status_code");
          if (v == null) {
            v = TraceData.attribute(s.getAttributesList(), "http.status_code");
          }
          return v != null
              && v.getValueCase() == AnyValue.ValueCase.INT_VALUE
              && v.getIntValue() >= 500;
        });
  }

  private static String text(List<KeyValue> attributes, String... keys) {
    for (String k : keys) {
      AnyValue v = TraceData.attribute(attributes, k);
      if (v != null) {
        return text(v);
      }
    }
    return null;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> null;
    };
  }
}
