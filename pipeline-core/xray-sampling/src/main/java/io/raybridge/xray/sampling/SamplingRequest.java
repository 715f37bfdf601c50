package io.raybridge.xray.sampling;

import java.util.Map;

/**
 * The properties of a request (a trace's entry span, a segment) that sampling rules match. Any
 * field may be null when the request does not have it; only a {@code *} pattern matches a missing
 * value.
 *
 * @param serviceName the service or segment name
 * @param serviceType the segment origin, e.g. {@code AWS::ECS::Fargate}
 * @param host the request's host
 * @param httpMethod the request's method
 * @param urlPath the request's path, without query
 * @param resourceArn the ARN of the resource running the service
 * @param attributes request attributes, values as text
 */
public record SamplingRequest(
    String serviceName,
    String serviceType,
    String host,
    String httpMethod,
    String urlPath,
    String resourceArn,
    Map<String, String> attributes) {

  public SamplingRequest {
    attributes = attributes == null ? Map.of() : attributes;
  }

  /** A request with only a service name, method and path, for tests and tools. */
  public static SamplingRequest of(String serviceName, String httpMethod, String urlPath) {
    return new SamplingRequest(serviceName, null, null, httpMethod, urlPath, null, Map.of());
  }
}
