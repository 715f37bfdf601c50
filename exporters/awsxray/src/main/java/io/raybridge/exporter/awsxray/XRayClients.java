package io.raybridge.exporter.awsxray;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.endpoints.XRayEndpointProvider;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the AWS SDK clients an exporter needs from its config: an {@link XRayClient} and a {@link
 * TraceSegmentsClient} over the SDK's Apache HttpClient 5 based HTTP client: a pool of kept-alive
 * connections that, unlike {@code HttpURLConnection}, does not probe a reused connection with a 1
 * ms read timeout on every POST, and supports both an outbound proxy and trusting every certificate
 * and host name for {@code no_verify_ssl}.
 */
final class XRayClients {

  private XRayClients() {}

  /**
   * What {@link #open} returns: the X-Ray client (telemetry records), the PutTraceSegments client
   * on the same HTTP client and credentials, and whatever must be closed with them.
   */
  record Opened(
      XRayClient xray,
      TraceSegmentsClient segments,
      SdkHttpClient http,
      AutoCloseable credentials,
      ScheduledExecutorService timer) {
    void close() {
      timer.shutdownNow();
      xray.close();
      http.close();
      if (credentials != null) {
        try {
          credentials.close();
        } catch (Exception e) {
          // Closing credentials only releases an STS client; nothing to report.
        }
      }
    }
  }

  /**
   * Opens the clients.
   *
   * @param credentials base credentials, or {@code null} for the SDK's default chain
   * @throws IllegalStateException when no region can be found
   */
  static Opened open(
      AwsXRayExporterConfig config, AwsCredentialsProvider credentials, ThreadFactory threads) {
    Region region = region(config);
    SdkHttpClient http = httpClient(config);
    AwsCredentialsProvider base =
        credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    AwsCredentialsProvider effective = base;
    StsAssumeRoleCredentialsProvider assumed = null;
    if (config.roleArn() != null) {
      StsClient sts =
          StsClient.builder().region(region).httpClient(http).credentialsProvider(base).build();
      assumed =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(
                  r -> {
                    r.roleArn(config.roleArn()).roleSessionName("raybridge");
                    if (config.externalId() != null) {
                      r.externalId(config.externalId());
                    }
                  })
              .build();
      effective = assumed;
    }
    var builder =
        XRayClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(effective)
            .overrideConfiguration(
                o ->
                    // The exporter helper retries whole batches with backoff, and the exporter
                    // must see every throttling answer to adapt its rate: the SDK must not retry.
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.requestTimeout()));
    URI endpoint;
    if (config.endpoint() != null) {
      endpoint = URI.create(config.endpoint());
      builder.endpointOverride(endpoint);
    } else {
      endpoint =
          XRayEndpointProvider.defaultProvider()
              .resolveEndpoint(p -> p.region(region))
              .join()
              .url();
    }
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads);
    // Nearly every call completes: its abort is cancelled and must not stay queued.
    timer.setRemoveOnCancelPolicy(true);
    TraceSegmentsClient segments =
        new TraceSegmentsClient(
            http, endpoint, region.id(), effective, config.requestTimeout(), timer);
    return new Opened(builder.build(), segments, http, assumed, timer);
  }

  static Region region(AwsXRayExporterConfig config) {
    if (config.region() != null) {
      return Region.of(config.region());
    }
    try {
      // Local mode: environment, system properties and profile only, never instance metadata.
      return config.localMode()
          ? new AwsRegionProviderChain(
                  new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
              .getRegion()
          : DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "no AWS region: set 'region' in the awsxray exporter config or AWS_REGION", e);
    }
  }

  private static SdkHttpClient httpClient(AwsXRayExporterConfig config) {
    Duration timeout = config.requestTimeout();
    Apache5HttpClient.Builder b =
        Apache5HttpClient.builder()
            .socketTimeout(timeout)
            .connectionTimeout(
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10));
    if (config.proxyAddress() != null) {
      b.proxyConfiguration(
          ProxyConfiguration.builder().endpoint(URI.create(config.proxyAddress())).build());
    }
    // no_verify_ssl, like the daemon's NoVerifySSL: any certificate and any host name.
    return b.buildWithDefaults(
        AttributeMap.builder()
            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, config.noVerifySsl())
            .build());
  }
}
