package io.raybridge.exporter.awsxray;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.pipeline.util.Durations;
import io.raybridge.xray.XRaySettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the {@code awsxray} exporter. Keys shared with the OpenTelemetry Collector's
 * {@code awsxray} exporter keep its names; {@code timeout}, {@code retry_on_failure} and {@code
 * sending_queue} are the exporter helper's; {@code rate_limit} and {@code telemetry.interval} are
 * Raybridge's own.
 *
 * @param region AWS region; absent: {@code AWS_REGION}, then the SDK's region chain (profile,
 *     instance metadata unless {@code local_mode})
 * @param endpoint X-Ray endpoint override, e.g. {@code https://xray.us-east-1.amazonaws.com}
 * @param roleArn IAM role assumed through STS for the uploads
 * @param externalId external id passed when assuming {@code role_arn}
 * @param proxyAddress outbound HTTP(S) proxy, scheme included
 * @param requestTimeout the AWS SDK's timeout of one HTTP request (default 30s)
 * @param noVerifySsl disables TLS certificate verification (default false)
 * @param localMode do not use instance metadata to discover the region (default false)
 * @param resourceArn ARN of the resource Raybridge runs on, reported in telemetry records
 * @param indexedAttributes attribute keys written as annotations
 * @param indexAllAttributes write every scalar attribute as an annotation (default false)
 * @param annotationKeys annotation key sanitization: {@code keep_dots} (default) or {@code
 *     underscore}
 * @param awsLogGroups CloudWatch log group names used when the resource names none
 * @param traceIdPolicy {@code keep} (default) or {@code drop} spans whose trace id has no plausible
 *     X-Ray epoch
 * @param timeout the time one PutTraceSegments attempt for a batch may take (default 5s)
 * @param retryOnFailure retries of retryable failures
 * @param sendingQueue the queue between the pipeline and the uploads
 * @param rateLimit the adaptive (AIMD) call-rate budget applied while X-Ray throttles
 * @param telemetry X-Ray self-telemetry (PutTelemetryRecords)
 */
public record AwsXRayExporterConfig(
    @JsonProperty("region") String region,
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("role_arn") String roleArn,
    @JsonProperty("external_id") String externalId,
    @JsonProperty("proxy_address") String proxyAddress,
    @JsonProperty("request_timeout") Duration requestTimeout,
    @JsonProperty("no_verify_ssl") Boolean noVerifySsl,
    @JsonProperty("local_mode") Boolean localMode,
    @JsonProperty("resource_arn") String resourceArn,
    @JsonProperty("indexed_attributes") List<String> indexedAttributes,
    @JsonProperty("index_all_attributes") Boolean indexAllAttributes,
    @JsonProperty("annotation_keys") XRaySettings.KeyMode annotationKeys,
    @JsonProperty("aws_log_groups") List<String> awsLogGroups,
    @JsonProperty("trace_id_policy") XRaySettings.TraceIdPolicy traceIdPolicy,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("retry_on_failure") RetryConfig retryOnFailure,
    @JsonProperty("sending_queue") QueueConfig sendingQueue,
    @JsonProperty("rate_limit") RateLimitConfig rateLimit,
    @JsonProperty("telemetry") TelemetryConfig telemetry) {

  /** The AWS SDK request timeout of the Collector's AWS components. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  public AwsXRayExporterConfig {
    region = blankToNull(region);
    endpoint = blankToNull(endpoint);
    roleArn = blankToNull(roleArn);
    externalId = blankToNull(externalId);
    proxyAddress = blankToNull(proxyAddress);
    resourceArn = blankToNull(resourceArn);
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    noVerifySsl = noVerifySsl != null && noVerifySsl;
    localMode = localMode != null && localMode;
    indexedAttributes = indexedAttributes == null ? List.of() : List.copyOf(indexedAttributes);
    indexAllAttributes = indexAllAttributes != null && indexAllAttributes;
    annotationKeys = annotationKeys == null ? XRaySettings.KeyMode.KEEP_DOTS : annotationKeys;
    awsLogGroups = awsLogGroups == null ? List.of() : List.copyOf(awsLogGroups);
    traceIdPolicy = traceIdPolicy == null ? XRaySettings.TraceIdPolicy.KEEP : traceIdPolicy;
    timeout = ExporterHelper.timeoutOrDefault(timeout);
    retryOnFailure = retryOnFailure == null ? RetryConfig.defaults() : retryOnFailure;
    sendingQueue = sendingQueue == null ? QueueConfig.defaults() : sendingQueue;
    rateLimit = rateLimit == null ? RateLimitConfig.defaults() : rateLimit;
    telemetry = telemetry == null ? TelemetryConfig.defaults() : telemetry;

    Violations v = new Violations();
    checkUri(v, "endpoint", endpoint);
    checkUri(v, "proxy_address", proxyAddress);
    v.check(
        !requestTimeout.isNegative() && !requestTimeout.isZero(),
        "request_timeout",
        "must be > 0, was " + Durations.format(requestTimeout));
    ExporterHelper.validateTimeout(v, timeout);
    v.check(
        externalId == null || roleArn != null,
        "external_id",
        "external_id is set but role_arn is not");
    v.check(
        roleArn == null || roleArn.startsWith("arn:"),
        "role_arn",
        "must be an ARN (arn:...), was '" + roleArn + "'");
    for (int i = 0; i < indexedAttributes.size(); i++) {
      String k = indexedAttributes.get(i);
      v.check(k != null && !k.isEmpty(), "indexed_attributes[" + i + "]", "must not be empty");
    }
    for (int i = 0; i < awsLogGroups.size(); i++) {
      String g = awsLogGroups.get(i);
      v.check(g != null && !g.isEmpty(), "aws_log_groups[" + i + "]", "must not be empty");
    }
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static AwsXRayExporterConfig defaults() {
    return new AwsXRayExporterConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  /** The translator settings these keys select. */
  public XRaySettings xraySettings() {
    return new XRaySettings(
        indexedAttributes, indexAllAttributes, annotationKeys, awsLogGroups, traceIdPolicy, null);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void checkUri(Violations v, String key, String value) {
    if (value == null) {
      return;
    }
    try {
      URI uri = new URI(value);
      v.check(
          uri.getScheme() != null
              && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
              && uri.getHost() != null,
          key,
          "must be an http or https URL with a host, was '" + value + "'");
    } catch (Exception e) {
      v.add(key, "is not a valid URL: '" + value + "'");
    }
  }
}
