package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.xray.FakeXRayApi;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentToSpan;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The exporter against the fake X-Ray API over loopback HTTP, with SigV4 verified per request. */
class AwsXRayExporterEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestTelemetry telemetry = new TestTelemetry();
  private FakeXRayApi api;
  private AwsXRayExporter exporter;

  @BeforeEach
  void startApi() throws Exception {
    api = FakeXRayApi.start();
  }

  @AfterEach
  void stopAll() {
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
    api.close();
  }

  private void start(String extraYaml) throws Exception {
    exporter = XRayExporterFixture.exporter(api, telemetry, extraYaml);
    exporter.start();
  }

  /** Root spans only, so that every span is one segment document. */
  private static Traces roots(long seed, int count) {
    return TraceGenerator.seeded(seed).traces(count).spansPerTrace(1).generate();
  }

  private void awaitDocuments(long n) {
    Poll.await(
        () -> api.documentCount() >= n,
        WAIT,
        () -> "expected " + n + " documents, the API holds " + api.documentCount());
  }

  private void assertEachOnce(List<String> ids) {
    Map<String, Integer> counts = api.acceptedCountsById();
    assertThat(counts).containsOnlyKeys(ids);
    assertThat(counts.values()).containsOnly(1);
  }

  @Test
  void sendsSignedCallsOfAtMostFiftyDocuments() throws Exception {
    start("sending_queue: {enabled: false}\n");
    Traces traces = roots(1, 120);

    exporter.consume(traces);

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.batchSizes()).hasSize(3).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(50));
    assertEachOnce(XRayExporterFixture.spanIds(traces));
    assertThat(telemetry.counterValue("raybridge_exporter_xray_sent_segments")).isEqualTo(120);
    assertThat(telemetry.counterValue("otelcol_exporter_sent_spans")).isEqualTo(120);
  }

  @Test
  void deliversEveryDocumentExactlyOnceAfterThrottling() throws Exception {
    start("sending_queue: {num_consumers: 2}\n");
    api.throttleNext(8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Traces t = roots(10 + i, 70);
      ids.addAll(XRayExporterFixture.spanIds(t));
      exporter.consume(t);
    }

    awaitDocuments(ids.size());

    assertEachOnce(ids);
    assertThat(api.throttledCalls()).isEqualTo(8);
    assertThat(telemetry.counterValue("raybridge_exporter_xray_throttled_calls")).isEqualTo(8);
    assertThat(api.requestErrors()).isEmpty();
  }

  @Test
  void resendsOnlyTheDocumentsReturnedUnprocessed() throws Exception {
    start("sending_queue: {enabled: false}\n");
    api.unprocessedOnce(0.2, "InternalFailure");
    Traces traces = roots(2, 200);

    exporter.consume(traces);

    List<String> ids = XRayExporterFixture.spanIds(traces);
    assertEachOnce(ids);
    int unprocessed = api.unprocessedIds().size();
    assertThat(unprocessed).isGreaterThan(10);
    int received = api.batchSizes().stream().mapToInt(Integer::intValue).sum();
    assertThat(received).isEqualTo(ids.size() + unprocessed);
    assertThat(
            telemetry.counterValue(
                "raybridge_exporter_xray_unprocessed_segments", "error_code", "InternalFailure"))
        .isEqualTo(unprocessed);
    assertThat(telemetry.counterValue("raybridge_exporter_xray_rejected_segments")).isZero();
  }

  @Test
  void deliversEverythingQueuedDuringAnOutage() throws Exception {
    start("sending_queue: {num_consumers: 2}\n");
    api.stop();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Traces t = roots(20 + i, 30);
      ids.addAll(XRayExporterFixture.spanIds(t));
      exporter.consume(t);
    }
    Poll.await(
        () -> telemetry.counterValue("raybridge_exporter_xray_backend_errors") >= 6,
        WAIT,
        () -> "expected failed calls while the API is down");

    api.restart();
    awaitDocuments(ids.size());

    assertEachOnce(ids);
    assertThat(
            telemetry.counterValue(
                "raybridge_exporter_xray_backend_errors", "kind", "connection_refused"))
        .isGreaterThanOrEqualTo(6);
  }

  @Test
  void countsPermanentRejectionsByErrorCodeWithoutRetrying() throws Exception {
    start("sending_queue: {enabled: false}\n");
    Traces traces = roots(3, 40);
    List<String> ids = XRayExporterFixture.spanIds(traces);
    api.reject(ids.subList(0, 3), "InvalidTraceId");

    exporter.consume(traces);

    assertEachOnce(ids.subList(3, ids.size()));
    assertThat(api.putCalls()).isEqualTo(1);
    assertThat(
            telemetry.counterValue(
                "raybridge_exporter_xray_rejected_segments", "error_code", "InvalidTraceId"))
        .isEqualTo(3);
    assertThat(
            telemetry.counterValue(
                "raybridge_exporter_xray_unprocessed_segments", "error_code", "InvalidTraceId"))
        .isEqualTo(3);
  }

  @Test
  void retriesServerErrors() throws Exception {
    start("sending_queue: {enabled: false}\n");
    api.failNext(3, 503);
    Traces traces = roots(4, 10);

    exporter.consume(traces);

    assertEachOnce(XRayExporterFixture.spanIds(traces));
    assertThat(api.failedCalls()).isEqualTo(3);
    assertThat(telemetry.counterValue("raybridge_exporter_xray_backend_errors", "kind", "http_5xx"))
        .isEqualTo(3);
  }

  @Test
  void sendsTelemetryRecordsWithTheDaemonsCounts() throws Exception {
    start(
        "sending_queue: {enabled: false}\ntelemetry: {enabled: true, interval: 200ms,"
            + " hostname: host-1, resource_arn: 'arn:aws:ec2:us-west-2:1:instance/i-1'}\n");
    exporter.consume(roots(5, 12));

    Poll.await(() -> !api.telemetryRequests().isEmpty(), WAIT, () -> "expected a telemetry record");

    var request = api.telemetryRequests().get(0);
    var record = request.get("TelemetryRecords").get(0);
    assertThat(record.get("SegmentsReceivedCount").asInt()).isEqualTo(12);
    assertThat(record.get("SegmentsSentCount").asInt()).isEqualTo(12);
    assertThat(record.get("SegmentsRejectedCount").asInt()).isZero();
    assertThat(record.has("BackendConnectionErrors")).isTrue();
    assertThat(request.get("Hostname").asText()).isEqualTo("host-1");
    assertThat(request.get("ResourceARN").asText())
        .isEqualTo("arn:aws:ec2:us-west-2:1:instance/i-1");
    assertThat(api.requestErrors()).isEmpty();
  }

  @Test
  void rejectsForGoodACallTheApiRefusesWithAClientError() throws Exception {
    exporter =
        new AwsXRayExporter(
            TestSettings.builder(ComponentKind.EXPORTER, "awsxray").telemetry(telemetry).build(),
            ConfigFixtures.bind(
                AwsXRayExporterConfig.class,
                XRayExporterFixture.yaml(api, "sending_queue: {enabled: false}\n")),
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(api.accessKeyId(), "not-the-secret")));
    exporter.start();

    assertThatThrownBy(() -> exporter.consume(roots(6, 7)))
        .isInstanceOfSatisfying(
            ConsumerException.class, e -> assertThat(e.isRetryable()).isFalse());

    assertThat(api.putCalls()).isEqualTo(1);
    assertThat(api.documents()).isEmpty();
    assertThat(api.requestErrors()).singleElement().asString().startsWith("signature mismatch");
    assertThat(
            telemetry.counterValue(
                "raybridge_exporter_xray_rejected_segments",
                "error_code",
                "InvalidSignatureException"))
        .isEqualTo(7);
    assertThat(telemetry.counterValue("raybridge_exporter_xray_backend_errors", "kind", "http_4xx"))
        .isEqualTo(1);
  }

  @Test
  void retriesCallsThatOutliveTheRequestTimeout() throws Exception {
    exporter =
        XRayExporterFixture.exporter(
            api, telemetry, "request_timeout: 300ms\nsending_queue: {num_consumers: 1}\n");
    exporter.start();
    api.delay(Duration.ofSeconds(1));
    Traces traces = roots(7, 5);

    exporter.consume(traces);
    Poll.await(
        () ->
            telemetry.counterValue("raybridge_exporter_xray_backend_errors", "kind", "timeout")
                >= 1,
        WAIT,
        () -> "expected a call to time out");
    api.delay(Duration.ZERO);

    // A timed-out call may still have been stored by the slow API: at least once, never lost.
    Poll.await(
        () -> api.acceptedCountsById().keySet().containsAll(XRayExporterFixture.spanIds(traces)),
        WAIT,
        () -> "expected every document after the API sped up, got " + api.acceptedCountsById());
  }

  /** A document spelled as no serializer here would write it: member order, spaces, exponents. */
  private static final String RECEIVED =
      "{ \"trace_id\": \"1-5759e988-bd862e3fe1be46a994272793\", \"name\": \"checkout\","
          + " \"id\": \"70de5b6f19ff9a0b\", \"start_time\": 1.478293361271E9,"
          + " \"end_time\": 1478293361.449, \"annotations\": { \"customer_tier\": \"gold\" },"
          + " \"http\": { \"response\": { \"status\": 200 }, \"request\": {"
          + " \"method\": \"POST\", \"url\": \"https://shop.example.com/cart\" } } }";

  private static Traces received(String document) {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    return Traces.ofDocuments(
        SegmentCodec.DOCUMENT_FORMAT,
        SegmentToSpan.convert(bytes),
        List.of(ByteString.copyFrom(bytes)));
  }

  @Test
  void sendsDocumentsTheReceiverReadAsTheyArrivedAndConvertsChangedSpans() throws Exception {
    start("sending_queue: {enabled: false}\n");
    Traces traces = received(RECEIVED);

    exporter.consume(traces);
    exporter.consume(Traces.of(traces.resourceSpans()));

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.documents()).hasSize(2);
    assertThat(api.documents().get(0)).isEqualTo(RECEIVED);
    String converted = api.documents().get(1);
    assertThat(converted).as("spans without their document are converted").isNotEqualTo(RECEIVED);
    assertThat(SegmentCodec.parseOne(converted)).isEqualTo(SegmentCodec.parseOne(RECEIVED));
    assertThat(api.acceptedCountsById()).containsOnly(Map.entry("70de5b6f19ff9a0b", 2));
    assertThat(telemetry.counterValue("raybridge_exporter_xray_sent_segments")).isEqualTo(2);
  }

  @Test
  void resendsOnlyTheForwardedDocumentsReturnedUnprocessedAsTheyArrived() throws Exception {
    start("sending_queue: {enabled: false}\n");
    api.unprocessedOnce(0.3, "InternalFailure");
    List<Traces> batches = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // Scattered ids: the fake picks the documents it returns unprocessed by their id's hash.
      String id = String.format("%016x", 0x9E3779B97F4A7C15L * (i + 1));
      String doc = RECEIVED.replace("70de5b6f19ff9a0b", id);
      sent.add(doc);
      batches.add(received(doc));
    }

    exporter.consume(Traces.concat(batches));

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.unprocessedIds()).hasSizeGreaterThan(10);
    assertThat(api.acceptedCountsById()).hasSize(120).allSatisfy((id, n) -> assertThat(n).isOne());
    assertThat(api.documents()).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void forwardsAnUnreadDocumentWithoutReadingItWhenTheBatchAlsoHoldsSpansToConvert()
      throws Exception {
    start("sending_queue: {enabled: false}\n");
    byte[] bytes = RECEIVED.getBytes(StandardCharsets.UTF_8);
    AtomicInteger reads = new AtomicInteger();
    Traces unread =
        Traces.ofDocuments(
            SegmentCodec.DOCUMENT_FORMAT,
            List.of(ByteString.copyFrom(bytes)),
            new int[] {1},
            new int[] {SegmentToSpan.maxEncodedSize(bytes.length)},
            List.of(
                () -> {
                  reads.incrementAndGet();
                  return SegmentToSpan.convert(bytes).get(0);
                }));
    String other = RECEIVED.replace("70de5b6f19ff9a0b", "70de5b6f19ff9a0c");
    Traces spans = Traces.of(SegmentToSpan.convert(other.getBytes(StandardCharsets.UTF_8)));

    exporter.consume(Traces.concat(List.of(unread, spans)));

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.documents()).hasSize(2).contains(RECEIVED);
    assertThat(api.acceptedCountsById()).containsOnlyKeys("70de5b6f19ff9a0b", "70de5b6f19ff9a0c");
    assertThat(reads).as("the forwarded document was never read into spans").hasValue(0);
  }

  @Test
  void convertsReceivedDocumentsWhenItsSettingsWouldChangeThem() throws Exception {
    start("indexed_attributes: [http.request.method]\nsending_queue: {enabled: false}\n");

    exporter.consume(received(RECEIVED));

    assertThat(api.documents()).hasSize(1);
    Segment sent = SegmentCodec.parseOne(api.documents().get(0));
    assertThat(sent.annotations()).containsOnlyKeys("customer_tier", "http.request.method");
    assertThat(sent.http()).isEqualTo(SegmentCodec.parseOne(RECEIVED).http());
  }
}
