package io.raybridge.exporter.awsxray;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Builds the AWS SDK clients an exporter needs from its config. */
final class XRayClients {

  private XRayClients() {}

  /** What {@link #open} returns: the X-Ray client and whatever must be closed with it. */
  record Opened(XRayApiClient xray, SdkHttpClient http, AutoCloseable credentials) {
    void close() {
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
  static Opened open(AwsXRayExporterConfig config, AwsCredentialsProvider credentials) {
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
    URI endpoint =
        config.endpoint() != null
            ? URI.create(config.endpoint())
            : XRayApiClient.defaultEndpoint(region);
    return new Opened(new XRayApiClient(http, effective, region, endpoint), http, assumed);
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
    UrlConnectionHttpClient.Builder b =
        UrlConnectionHttpClient.builder()
            .socketTimeout(timeout)
            .connectionTimeout(
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10));
    if (config.proxyAddress() != null) {
      b.proxyConfiguration(
          ProxyConfiguration.builder().endpoint(URI.create(config.proxyAddress())).build());
    }
    if (config.noVerifySsl()) {
      b.tlsTrustManagersProvider(() -> new TrustManager[] {new TrustAll()});
    }
    return b.build();
  }

  /** {@code no_verify_ssl}: accepts any server certificate, as the daemon's NoVerifySSL does. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
