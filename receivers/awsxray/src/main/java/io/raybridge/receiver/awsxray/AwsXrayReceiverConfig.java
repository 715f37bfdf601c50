package io.raybridge.receiver.awsxray;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.xray.sampling.InvalidSamplingRulesException;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import io.raybridge.xray.sampling.SamplingRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the {@code awsxray} receiver. Keys shared with the OpenTelemetry Collector's
 * {@code awsxray} receiver keep its names; the defaults are the X-Ray daemon's (loopback, port
 * 2000).
 *
 * @param endpoint UDP {@code host:port} the X-Ray SDKs send segment documents to
 * @param transport always {@code udp}; accepted for compatibility with Collector configs
 * @param udpReceiveBufferBytes the socket receive buffer ({@code SO_RCVBUF}) to request; 0 keeps
 *     the operating system's default
 * @param udpQueueMaxBytes the most bytes of datagrams read from the socket and waiting to be
 *     converted; a datagram that does not fit is dropped and counted
 * @param proxyServer the TCP sampling endpoint
 */
public record AwsXrayReceiverConfig(
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("transport") String transport,
    @JsonProperty("udp_receive_buffer_bytes") Integer udpReceiveBufferBytes,
    @JsonProperty("udp_queue_max_bytes") Integer udpQueueMaxBytes,
    @JsonProperty("proxy_server") ProxyServerConfig proxyServer) {

  /** The X-Ray daemon's default UDP address. */
  public static final String DEFAULT_ENDPOINT = "127.0.0.1:2000";

  /** The only transport X-Ray SDKs use for segments. */
  public static final String DEFAULT_TRANSPORT = "udp";

  /**
   * Datagrams waiting for conversion, in bytes: about 150 ms of D4-sized segments at 100k/s on top
   * of the socket buffer, and small next to the default heap.
   */
  public static final int DEFAULT_UDP_QUEUE_MAX_BYTES = 16 * 1024 * 1024;

  /** The smallest queue: one datagram of the largest size the daemon reads. */
  public static final int MIN_UDP_QUEUE_MAX_BYTES = 64 * 1024;

  public AwsXrayReceiverConfig {
    endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    transport = transport == null ? DEFAULT_TRANSPORT : transport;
    udpReceiveBufferBytes = udpReceiveBufferBytes == null ? 0 : udpReceiveBufferBytes;
    udpQueueMaxBytes = udpQueueMaxBytes == null ? DEFAULT_UDP_QUEUE_MAX_BYTES : udpQueueMaxBytes;
    proxyServer = proxyServer == null ? ProxyServerConfig.defaults() : proxyServer;
    Violations v = new Violations();
    Endpoints.check(v, "endpoint", endpoint);
    v.check(
        transport.equals(DEFAULT_TRANSPORT),
        "transport",
        "must be udp, was '" + transport + "' (X-Ray SDKs send segments over UDP only)");
    v.check(
        udpReceiveBufferBytes >= 0,
        "udp_receive_buffer_bytes",
        "must be >= 0, was " + udpReceiveBufferBytes);
    v.check(
        udpQueueMaxBytes >= MIN_UDP_QUEUE_MAX_BYTES,
        "udp_queue_max_bytes",
        "must be >= " + MIN_UDP_QUEUE_MAX_BYTES + ", was " + udpQueueMaxBytes);
    v.throwIfAny();
  }

  /** A config with the default {@code udp_queue_max_bytes}. */
  public AwsXrayReceiverConfig(
      String endpoint,
      String transport,
      Integer udpReceiveBufferBytes,
      ProxyServerConfig proxyServer) {
    this(endpoint, transport, udpReceiveBufferBytes, null, proxyServer);
  }

  /** The defaults: UDP and the sampling proxy on {@value #DEFAULT_ENDPOINT}. */
  public static AwsXrayReceiverConfig defaults() {
    return new AwsXrayReceiverConfig(null, null, null, null, null);
  }

  /** How the sampling endpoint answers. */
  public enum Mode {
    /** Forward every call to the X-Ray API, signed with SigV4, as the daemon does. */
    PROXY,
    /** Answer from the configured rules, without an AWS account. */
    LOCAL
  }

  /**
   * The TCP endpoint that X-Ray SDKs and OpenTelemetry's X-Ray remote sampler call for centralized
   * sampling ({@code POST /GetSamplingRules}, {@code POST /SamplingTargets}).
   *
   * @param endpoint TCP {@code host:port} to listen on
   * @param mode {@code proxy} (forward to X-Ray) or {@code local} (serve {@code rules})
   * @param region proxy: the X-Ray region; unset means {@code AWS_REGION} and the SDK's region
   *     chain
   * @param roleArn proxy: a role to assume through STS for signing
   * @param awsEndpoint proxy: the X-Ray API base URL; unset means {@code
   *     https://xray.<region>.amazonaws.com}
   * @param proxyAddress proxy: an outbound HTTP(S) proxy URL such as {@code http://proxy:3128}
   * @param localMode proxy: do not consult EC2/ECS metadata to find the region
   * @param serviceName proxy: the SigV4 signing name
   * @param rules local: inline sampling rules; {@code priority} (except for {@code Default}) and
   *     {@code reservoir_size} are required, as in the X-Ray API; a rule named {@code Default}
   *     replaces X-Ray's default rule
   * @param rulesFile local: a rule file (X-Ray SDK local-rules format or the X-Ray API's {@code
   *     GetSamplingRules} output), re-read when it changes
   */
  public record ProxyServerConfig(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("mode") Mode mode,
      @JsonProperty("region") String region,
      @JsonProperty("role_arn") String roleArn,
      @JsonProperty("aws_endpoint") String awsEndpoint,
      @JsonProperty("proxy_address") String proxyAddress,
      @JsonProperty("local_mode") Boolean localMode,
      @JsonProperty("service_name") String serviceName,
      @JsonProperty("rules") List<SamplingRuleConfig> rules,
      @JsonProperty("rules_file") String rulesFile) {

    /** The X-Ray daemon's default TCP address. */
    public static final String DEFAULT_ENDPOINT = "127.0.0.1:2000";

    /** The SigV4 signing name of X-Ray. */
    public static final String DEFAULT_SERVICE_NAME = "xray";

    public ProxyServerConfig {
      endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
      mode = mode == null ? Mode.PROXY : mode;
      localMode = localMode != null && localMode;
      serviceName = serviceName == null ? DEFAULT_SERVICE_NAME : serviceName;
      rules = rules == null ? List.of() : List.copyOf(rules);
      Violations v = new Violations();
      Endpoints.check(v, "endpoint", endpoint);
      checkUrl(v, "aws_endpoint", awsEndpoint);
      checkUrl(v, "proxy_address", proxyAddress);
      v.check(!serviceName.isBlank(), "service_name", "must not be empty");
      if (mode == Mode.PROXY) {
        v.check(rules.isEmpty(), "rules", "is only used with mode: local");
        v.check(rulesFile == null, "rules_file", "is only used with mode: local");
      } else {
        v.check(
            rules.isEmpty() || rulesFile == null,
            "rules_file",
            "set either rules or rules_file, not both");
        v.check(rulesFile == null || !rulesFile.isBlank(), "rules_file", "must not be empty");
        // X-Ray's API requires priority and reservoir_size: no defaults.
        boolean rulesValid = true;
        for (int i = 0; i < rules.size(); i++) {
          List<ConfigViolation> problems = rules.get(i).violations(null, null);
          v.addAll("rules[" + i + "]", problems);
          rulesValid &= problems.isEmpty();
        }
        if (!rules.isEmpty() && rulesValid) {
          try {
            inlineRules(rules);
          } catch (InvalidSamplingRulesException e) {
            e.problems().forEach(p -> v.add("rules", p));
          }
        }
      }
      v.throwIfAny();
    }

    /** The defaults: a signing proxy on {@value #DEFAULT_ENDPOINT}. */
    public static ProxyServerConfig defaults() {
      return new ProxyServerConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /** The inline rules, plus X-Ray's default rule unless one named {@code Default} is given. */
    SamplingRules inlineRules() {
      return inlineRules(rules);
    }

    private static SamplingRules inlineRules(List<SamplingRuleConfig> rules) {
      List<SamplingRule> all = new ArrayList<>();
      boolean hasDefault = false;
      for (SamplingRuleConfig r : rules) {
        SamplingRule rule = r.toRule(null, null);
        hasDefault |= rule.isDefault();
        all.add(rule);
      }
      if (!hasDefault) {
        all.add(
            SamplingRule.defaultRule(
                SamplingRule.DEFAULT_RESERVOIR_SIZE, SamplingRule.DEFAULT_FIXED_RATE));
      }
      return new SamplingRules(all);
    }

    private static void checkUrl(Violations v, String key, String value) {
      if (value == null) {
        return;
      }
      try {
        URI uri = new URI(value);
        String scheme = uri.getScheme();
        v.check(
            ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                && uri.getHost() != null,
            key,
            "must be an http:// or https:// URL with a host, was '" + value + "'");
      } catch (URISyntaxException e) {
        v.add(key, "must be a URL, was '" + value + "' (" + e.getReason() + ")");
      }
    }
  }
}
