package io.raybridge.exporter.otlp;

import io.raybridge.exporter.otlp.OtlpHttpExporterConfig.SigV4Config;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Signs OTLP/HTTP requests with AWS Signature Version 4 using the AWS SDK's signer; credentials
 * come from the SDK's default chain, or from STS when a role is configured. Thread-safe.
 */
final class SigV4Signer implements AutoCloseable {

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final String service;
  private final Clock clock;
  private final List<SdkAutoCloseable> closeables;

  SigV4Signer(
      AwsCredentialsProvider credentials,
      String region,
      String service,
      Clock clock,
      List<SdkAutoCloseable> closeables) {
    this.credentials = credentials;
    this.region = region;
    this.service = service;
    this.clock = clock;
    this.closeables = closeables;
  }

  /**
   * A signer for {@code config}; {@code credentials} replaces the default chain when not null
   * (tests).
   *
   * @throws IllegalStateException when no region can be determined
   */
  static SigV4Signer create(
      SigV4Config config, URI uri, AwsCredentialsProvider credentials, Clock clock) {
    String region = config.region();
    if (region == null) {
      region = SigV4Config.regionOfHost(uri.getHost());
    }
    if (region == null) {
      try {
        region = new DefaultAwsRegionProviderChain().getRegion().id();
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "auth.sigv4.region is not set, the endpoint host '"
                + uri.getHost()
                + "' names no region, and the AWS SDK found none (AWS_REGION, profile): "
                + e.getMessage(),
            e);
      }
    }
    List<SdkAutoCloseable> closeables = new java.util.ArrayList<>();
    AwsCredentialsProvider provider = credentials;
    if (provider == null) {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      closeables.add(chain);
      provider = chain;
    }
    if (config.roleArn() != null) {
      StsClient sts =
          StsClient.builder()
              .region(Region.of(region))
              .credentialsProvider(provider)
              .httpClient(UrlConnectionHttpClient.create())
              .build();
      StsAssumeRoleCredentialsProvider assumed =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(
                  AssumeRoleRequest.builder()
                      .roleArn(config.roleArn())
                      .roleSessionName("raybridge-otlphttp")
                      .build())
              .build();
      closeables.add(assumed);
      closeables.add(sts);
      provider = assumed;
    }
    return new SigV4Signer(provider, region, config.service(), clock, List.copyOf(closeables));
  }

  String region() {
    return region;
  }

  /**
   * Signs a POST of {@code body} to {@code uri} carrying {@code headers}; returns every header of
   * the signed request (the given ones plus {@code Host}, {@code X-Amz-Date}, {@code Authorization}
   * and, with temporary credentials, {@code X-Amz-Security-Token}).
   *
   * @throws RuntimeException when credentials cannot be resolved
   */
  Map<String, List<String>> sign(URI uri, Map<String, String> headers, byte[] body) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
    headers.forEach(request::putHeader);
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(identity)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    return signed.request().headers();
  }

  @Override
  public void close() {
    for (SdkAutoCloseable c : closeables) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // Closing credential providers must not stop the exporter's shutdown.
      }
    }
  }
}
