package io.raybridge.xray.sampling;

import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link SamplingRequest} of a span from its resource's and its own attributes (values
 * as text), reading both the current and the older OpenTelemetry HTTP semantic conventions, so that
 * every user of rules derives requests alike:
 *
 * <ul>
 *   <li>service name: resource {@code service.name};
 *   <li>service type: the X-Ray origin of resource {@code cloud.platform} (and {@code
 *       aws.ecs.launchtype}), as the X-Ray exporter derives it (XRAY-REFERENCE §5.8), plus {@code
 *       aws_lambda} → {@code AWS::Lambda::Function} as the X-Ray SDKs' samplers map it;
 *   <li>method: {@code http.request.method} ({@code _OTHER}: {@code http.request.method_original}),
 *       else {@code http.method};
 *   <li>path: {@code url.path}, else {@code http.target} without its query, else the path of {@code
 *       url.full} / {@code http.url} ({@code /} when it has none);
 *   <li>host: {@code server.address}, else {@code http.host}, else {@code net.host.name}, else the
 *       host of {@code url.full} / {@code http.url};
 *   <li>resource ARN: resource {@code aws.ecs.container.arn}, else {@code cloud.resource_id};
 *   <li>attributes: the span's attributes.
 * </ul>
 */
public final class SpanRequests {

  private SpanRequests() {}

  /**
   * The parts of a request that come from a span's resource, read once and shared by every span
   * under that resource.
   *
   * @param serviceName resource {@code service.name}, or null
   * @param serviceType the resource's X-Ray origin, or null
   * @param resourceArn resource {@code aws.ecs.container.arn}, else {@code cloud.resource_id}, or
   *     null
   */
  public record ResourceFields(String serviceName, String serviceType, String resourceArn) {}

  /** The request parts of a resource with attributes {@code resource}. */
  public static ResourceFields resourceFields(Map<String, String> resource) {
    Objects.requireNonNull(resource, "resource");
    return new ResourceFields(
        resource.get("service.name"),
        origin(resource),
        first(resource, "aws.ecs.container.arn", "cloud.resource_id"));
  }

  /** The request of a span with attributes {@code span} under a resource with {@code resource}. */
  public static SamplingRequest fromAttributes(
      Map<String, String> resource, Map<String, String> span) {
    return fromAttributes(resourceFields(resource), span);
  }

  /**
   * The request of a span with attributes {@code span} under a resource read as {@code resource}.
   */
  public static SamplingRequest fromAttributes(ResourceFields resource, Map<String, String> span) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(span, "span");
    String url = first(span, "url.full", "http.url");
    String method = span.get("http.request.method");
    if ("_OTHER".equals(method) && span.containsKey("http.request.method_original")) {
      method = span.get("http.request.method_original");
    }
    if (method == null) {
      method = span.get("http.method");
    }
    String path = span.get("url.path");
    if (path == null) {
      String target = span.get("http.target");
      if (target != null) {
        path = stripQuery(target);
      }
    }
    if (path == null && url != null) {
      path = pathOf(url);
    }
    String host = first(span, "server.address", "http.host");
    if (host == null) {
      host = span.get("net.host.name");
    }
    if (host == null && url != null) {
      host = hostOf(url);
    }
    return new SamplingRequest(
        resource.serviceName(),
        resource.serviceType(),
        host,
        method,
        path,
        resource.resourceArn(),
        span);
  }

  /** The X-Ray origin of a resource (XRAY-REFERENCE §5.8), or null. */
  public static String origin(Map<String, String> res) {
    String provider = res.get("cloud.provider");
    if (provider != null && !provider.equals("aws")) {
      return null;
    }
    String platform = res.get("cloud.platform");
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
        String launch = res.get("aws.ecs.launchtype");
        if ("ec2".equals(launch)) {
          yield "AWS::ECS::EC2";
        }
        yield "fargate".equals(launch) ? "AWS::ECS::Fargate" : "AWS::ECS::Container";
      }
      default -> null;
    };
  }

  private static String first(Map<String, String> m, String key, String otherKey) {
    String v = m.get(key);
    return v != null ? v : m.get(otherKey);
  }

  private static String stripQuery(String target) {
    int q = indexOfAny(target, 0, '?', '#');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The path of an absolute URL, {@code /} when it has none. */
  public static String pathOf(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int slash = indexOfAny(url, start, '/', '?', '#');
    if (slash < 0 || url.charAt(slash) != '/') {
      return "/";
    }
    return stripQuery(url.substring(slash));
  }

  /** The host of an absolute URL, without port or user info, or null. */
  public static String hostOf(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return null;
    }
    int start = scheme + 3;
    int end = indexOfAny(url, start, '/', '?', '#');
    String authority = end < 0 ? url.substring(start) : url.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close < 0 ? authority : authority.substring(0, close + 1);
    }
    int colon = authority.indexOf(':');
    String host = colon < 0 ? authority : authority.substring(0, colon);
    return host.isEmpty() ? null : host;
  }

  private static int indexOfAny(String s, int from, char... chars) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      for (char x : chars) {
        if (c == x) {
          return i;
        }
      }
    }
    return -1;
  }
}
