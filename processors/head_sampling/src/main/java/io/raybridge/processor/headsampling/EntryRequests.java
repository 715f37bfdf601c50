package io.raybridge.processor.headsampling;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.sampling.SamplingRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the {@link SamplingRequest} X-Ray rules match from an entry span and its resource, reading
 * both the current and the older HTTP semantic conventions:
 *
 * <ul>
 *   <li>service name: resource {@code service.name};
 *   <li>service type: the X-Ray origin of resource {@code cloud.platform} (and {@code
 *       aws.ecs.launchtype}), as the X-Ray exporter derives it, plus {@code aws_lambda};
 *   <li>method: {@code http.request.method} ({@code _OTHER}: {@code http.request.method_original}),
 *       else {@code http.method};
 *   <li>path: {@code url.path}, else {@code http.target} without its query, else the path of {@code
 *       url.full} / {@code http.url};
 *   <li>host: {@code server.address}, else {@code http.host}, else {@code net.host.name}, else the
 *       host of {@code url.full} / {@code http.url};
 *   <li>resource ARN: resource {@code aws.ecs.container.arn}, else {@code cloud.resource_id};
 *   <li>attributes: every span attribute with a scalar value, as text.
 * </ul>
 */
final class EntryRequests {

  private EntryRequests() {}

  static SamplingRequest from(Resource resource, Span span) {
    Map<String, String> res = new HashMap<>();
    for (KeyValue kv : resource.getAttributesList()) {
      String v = text(kv.getValue());
      if (v != null) {
        res.put(kv.getKey(), v);
      }
    }
    Map<String, String> attrs = new HashMap<>();
    for (KeyValue kv : span.getAttributesList()) {
      String v = text(kv.getValue());
      if (v != null) {
        attrs.put(kv.getKey(), v);
      }
    }
    String url = first(attrs, "url.full", "http.url");
    String method = attrs.get("http.request.method");
    if ("_OTHER".equals(method) && attrs.containsKey("http.request.method_original")) {
      method = attrs.get("http.request.method_original");
    }
    if (method == null) {
      method = attrs.get("http.method");
    }
    String path = attrs.get("url.path");
    if (path == null && attrs.containsKey("http.target")) {
      path = stripQuery(attrs.get("http.target"));
    }
    if (path == null && url != null) {
      path = pathOf(url);
    }
    String host = first(attrs, "server.address", "http.host", "net.host.name");
    if (host == null && url != null) {
      host = hostOf(url);
    }
    String arn = first(res, "aws.ecs.container.arn", "cloud.resource_id");
    return new SamplingRequest(
        res.get("service.name"), origin(res), host, method, path, arn, attrs);
  }

  /** The X-Ray origin of a resource (XRAY-REFERENCE §5.8), or null. */
  static String origin(Map<String, String> res) {
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

  private static String first(Map<String, String> m, String... keys) {
    for (String k : keys) {
      String v = m.get(k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String stripQuery(String target) {
    int q = indexOfAny(target, 0, '?', '#');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The path of an absolute URL, {@code /} when it has none. */
  static String pathOf(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int slash = indexOfAny(url, start, '/', '?', '#');
    if (slash < 0 || url.charAt(slash) != '/') {
      return "/";
    }
    return stripQuery(url.substring(slash));
  }

  /** The host of an absolute URL, without port or user info, or null. */
  static String hostOf(String url) {
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

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> null;
    };
  }
}
