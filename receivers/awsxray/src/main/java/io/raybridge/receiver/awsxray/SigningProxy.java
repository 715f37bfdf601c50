package io.raybridge.receiver.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.util.RateLimitedLogger;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.ProxyServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The sampling endpoint's {@code proxy} mode: relays a call to the X-Ray API, signed with SigV4
 * (AWS SDK for Java v2 signer, default credentials chain or an assumed role), and relays the
 * answer's status and body, as the X-Ray daemon and the Collector's {@code awsproxy} do.
 * Thread-safe.
 */
final class SigningProxy implements AutoCloseable {

  /** Session name of the assumed role, visible in CloudTrail. */
  static final String ROLE_SESSION_NAME = "raybridge-awsxray";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Headers the JDK client sets itself and refuses to take from us. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

  private final Logger logger;
  private final ProxyServerConfig config;
  private final AwsCredentialsProvider suppliedCredentials;
  private final RateLimitedLogger failureLog;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  private String region;
  private URI endpoint;
  private AwsCredentialsProvider credentials;
  private StsClient sts;
  private HttpClient http;

  /**
   * @param credentials the credentials to sign with; null means the default chain (and {@code
   *     role_arn} on top of it)
   */
  SigningProxy(
      ComponentSettings settings, ProxyServerConfig config, AwsCredentialsProvider credentials) {
    this.logger = settings.logger();
    this.config = config;
    this.suppliedCredentials = credentials;
    this.failureLog = RateLimitedLogger.of(logger);
  }

  void start() {
    region = config.region() != null ? config.region() : discoverRegion(config.localMode());
    if (config.awsEndpoint() != null) {
      endpoint = URI.create(stripTrailingSlash(config.awsEndpoint()));
    } else if (region != null) {
      endpoint = URI.create(defaultEndpoint(region));
    }
    if (region == null) {
      logger.warn(
          "no AWS region for the X-Ray sampling proxy: set proxy_server.region or AWS_REGION, or"
              + " use proxy_server.mode: local; sampling calls will be answered with 502");
    }
    HttpClient.Builder b =
        HttpClient.newBuilder()
            // HTTP/1.1: no h2c upgrade headers, and compression stays off so bodies pass unchanged.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT);
    URI proxy = config.proxyAddress() == null ? null : URI.create(config.proxyAddress());
    if (proxy != null) {
      int port = proxy.getPort() > 0 ? proxy.getPort() : defaultPort(proxy.getScheme());
      b.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), port)));
    }
    http = b.build();
    if (suppliedCredentials != null) {
      credentials = suppliedCredentials;
    } else if (config.roleArn() != null && region != null) {
      UrlConnectionHttpClient.Builder stsHttp = UrlConnectionHttpClient.builder();
      if (proxy != null) {
        stsHttp.proxyConfiguration(ProxyConfiguration.builder().endpoint(proxy).build());
      }
      sts =
          StsClient.builder()
              .region(Region.of(region))
              .credentialsProvider(DefaultCredentialsProvider.builder().build())
              .httpClient(stsHttp.build())
              .build();
      credentials =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(r -> r.roleArn(config.roleArn()).roleSessionName(ROLE_SESSION_NAME))
              .asyncCredentialUpdateEnabled(false)
              .build();
    } else {
      credentials = DefaultCredentialsProvider.builder().build();
    }
    logger.info(
        "X-Ray sampling calls are forwarded to {} (region {}{})",
        endpoint,
        region,
        config.roleArn() == null ? "" : ", role " + config.roleArn());
  }

  /** The X-Ray endpoint calls go to, or null when there is no region. */
  URI endpoint() {
    return endpoint;
  }

  /** Forwards {@code POST path} with {@code body} and returns X-Ray's answer. */
  HttpReply forward(String path, String contentType, byte[] body) {
    if (endpoint == null || region == null) {
      return HttpReply.error(
          502,
          "ProxyConfigurationException",
          "the sampling proxy has no AWS region; set proxy_server.region or AWS_REGION");
    }
    try {
      URI target = URI.create(endpoint + path);
      SdkHttpRequest unsigned =
          SdkHttpRequest.builder()
              .method(SdkHttpMethod.POST)
              .uri(target)
              .putHeader("Content-Type", contentType == null ? "application/json" : contentType)
              .build();
      SignedRequest signed =
          signer.sign(
              r ->
                  r.identity(credentials.resolveCredentials())
                      .request(unsigned)
                      .payload(ContentStreamProvider.fromByteArray(body))
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, config.serviceName())
                      .putProperty(AwsV4HttpSigner.REGION_NAME, region));
      HttpRequest.Builder req =
          HttpRequest.newBuilder(target)
              .timeout(REQUEST_TIMEOUT)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
        if (RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          continue;
        }
        for (String value : h.getValue()) {
          req.header(h.getKey(), value);
        }
      }
      HttpResponse<byte[]> response =
          http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      String type = response.headers().firstValue("Content-Type").orElse(HttpReply.JSON);
      String errorType = response.headers().firstValue("x-amzn-ErrorType").orElse(null);
      if (response.statusCode() >= 400) {
        failureLog.warn(
            "status-" + response.statusCode(),
            "X-Ray answered {} {} to a sampling call to {}",
            response.statusCode(),
            errorType == null ? "" : errorType,
            path);
      }
      return new HttpReply(response.statusCode(), type, errorType, response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HttpReply.error(502, "ProxyException", "interrupted while calling X-Ray");
    } catch (IOException | SdkException | IllegalArgumentException e) {
      failureLog.warn(
          "forward-failed", "forwarding a sampling call to {}{} failed: {}", endpoint, path, e);
      return HttpReply.error(
          502, "ProxyException", "cannot reach X-Ray at " + endpoint + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (credentials instanceof AutoCloseable c && credentials != suppliedCredentials) {
      try {
        c.close();
      } catch (Exception e) {
        logger.debug("closing the credentials provider failed", e);
      }
    }
    if (sts != null) {
      sts.close();
    }
  }

  /**
   * The region from {@code AWS_REGION} / {@code aws.region}, the AWS profile, and (unless {@code
   * localMode}) EC2/ECS metadata; null when none has one.
   */
  private String discoverRegion(boolean localMode) {
    AwsRegionProvider chain =
        localMode
            ? new AwsRegionProviderChain(
                new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
            : DefaultAwsRegionProviderChain.builder().build();
    try {
      return chain.getRegion().id();
    } catch (SdkException e) {
      return null;
    }
  }

  /** X-Ray's endpoint in the partition of {@code region}, as the daemon derives it. */
  static String defaultEndpoint(String region) {
    String domain;
    if (region.startsWith("cn-")) {
      domain = "amazonaws.com.cn";
    } else if (region.startsWith("us-isob-")) {
      domain = "sc2s.sgov.gov";
    } else if (region.startsWith("us-iso-")) {
      domain = "c2s.ic.gov";
    } else {
      domain = "amazonaws.com";
    }
    return "https://xray." + region + "." + domain;
  }

  private static String stripTrailingSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }
}
