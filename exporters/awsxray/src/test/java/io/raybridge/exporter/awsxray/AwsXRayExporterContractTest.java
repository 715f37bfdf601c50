package io.raybridge.exporter.awsxray;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.testing.ComponentContractTest;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.xray.FakeXRayApi;
import io.raybridge.xray.model.Segment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The shared component contract, with exports delivered to the fake X-Ray API. */
class AwsXRayExporterContractTest extends ComponentContractTest<AwsXRayExporterConfig> {

  private static FakeXRayApi api;

  @BeforeAll
  static void startApi() throws Exception {
    api = FakeXRayApi.start();
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @Override
  protected ComponentFactory<AwsXRayExporterConfig> factory() {
    return new AwsXRayExporterFactory(
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(api.accessKeyId(), api.secretAccessKey())));
  }

  /** The fake's endpoint and region; the sending queue stays on, so shutdown must drain it. */
  @Override
  protected AwsXRayExporterConfig config() {
    return ConfigFixtures.bind(AwsXRayExporterConfig.class, XRayExporterFixture.yaml(api, ""));
  }

  /** Spans stored by the fake: every document and every subsegment embedded in it. */
  @Override
  protected long exportedSpanCount() {
    if (!api.requestErrors().isEmpty()) {
      throw new AssertionError("the fake X-Ray API refused requests: " + api.requestErrors());
    }
    long spans = 0;
    for (Segment s : api.segments()) {
      spans += spans(s);
    }
    return spans;
  }

  private static long spans(Segment s) {
    long n = 1;
    for (Segment sub : s.subsegmentList()) {
      n += spans(sub);
    }
    return n;
  }
}
