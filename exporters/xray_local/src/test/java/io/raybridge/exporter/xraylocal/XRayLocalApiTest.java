package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.exporter.xraylocal.filter.FilterExpression;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.TraceGenerator;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.BatchGetTracesResponse;
import software.amazon.awssdk.services.xray.model.GetTraceSummariesResponse;
import software.amazon.awssdk.services.xray.model.InvalidRequestException;
import software.amazon.awssdk.services.xray.model.PutTraceSegmentsResponse;
import software.amazon.awssdk.services.xray.model.SamplingRule;
import software.amazon.awssdk.services.xray.model.SamplingRuleRecord;
import software.amazon.awssdk.services.xray.model.SamplingStatisticsDocument;
import software.amazon.awssdk.services.xray.model.SamplingTargetDocument;
import software.amazon.awssdk.services.xray.model.TimeRangeType;
import software.amazon.awssdk.services.xray.model.TraceSummary;

/** Every API operation through the AWS SDK's real {@link XRayClient}. */
class XRayLocalApiTest {

  private static LocalService service;
  private static XRayClient xray;

  @BeforeAll
  static void start() throws Exception {
    service = new LocalService();
    xray = service.client();
  }

  @AfterAll
  static void stop() {
    xray.close();
    service.close();
  }

  private static void put(String... docs) {
    PutTraceSegmentsResponse r = xray.putTraceSegments(b -> b.traceSegmentDocuments(docs));
    assertThat(r.unprocessedTraceSegments()).isEmpty();
  }

  @Test
  void documentsPutThroughTheApiComeBackFromBatchGetTraces() {
    long now = Instant.now().getEpochSecond();
    String trace = Docs.traceId(now);
    String seg = Docs.id();
    String doc = Docs.segment(trace, seg, null, "shop", now, now + 0.5, Docs.status(200));
    put(doc);

    BatchGetTracesResponse r = xray.batchGetTraces(b -> b.traceIds(trace, Docs.traceId(now)));

    assertThat(r.traces()).hasSize(1);
    assertThat(r.traces().get(0).id()).isEqualTo(trace);
    assertThat(r.traces().get(0).duration()).isCloseTo(0.5, within(1e-6));
    assertThat(r.traces().get(0).segments()).hasSize(1);
    assertThat(r.traces().get(0).segments().get(0).id()).isEqualTo(seg);
    assertThat(r.traces().get(0).segments().get(0).document()).contains("\"name\":\"shop\"");
    assertThat(r.unprocessedTraceIds()).hasSize(1);
  }

  @Test
  void malformedDocumentsAreReportedAsUnprocessed() {
    PutTraceSegmentsResponse r =
        xray.putTraceSegments(
            b ->
                b.traceSegmentDocuments(
                    "{not json",
                    "{\"trace_id\":\"nope\",\"id\":\"0123456789abcdef\",\"name\":\"x\","
                        + "\"start_time\":1,\"end_time\":2}"));
    assertThat(r.unprocessedTraceSegments()).hasSize(2);
    assertThat(r.unprocessedTraceSegments().get(1).errorCode()).isEqualTo("InvalidTraceId");
    assertThat(r.unprocessedTraceSegments().get(1).id()).isEqualTo("0123456789abcdef");
  }

  @Test
  void spansConsumedByTheExporterAreVisibleThroughBatchGetTraces() {
    Traces traces =
        TraceGenerator.seeded(7).traces(3).spansPerTrace(4).startTime(Instant.now()).generate();
    service.exporter.consume(traces);

    Set<String> ids = new LinkedHashSet<>();
    int spans = 0;
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          String hex = HexFormat.of().formatHex(s.getTraceId().toByteArray());
          ids.add("1-" + hex.substring(0, 8) + "-" + hex.substring(8));
          spans++;
        }
      }
    }
    BatchGetTracesResponse r = xray.batchGetTraces(b -> b.traceIds(ids));

    assertThat(r.unprocessedTraceIds()).isEmpty();
    assertThat(r.traces()).extracting(t -> t.id()).containsExactlyInAnyOrderElementsOf(ids);
    int stored = 0;
    for (var t : r.traces()) {
      for (var s : t.segments()) {
        stored += 1 + countSubsegments(s.document());
      }
    }
    assertThat(stored).isEqualTo(spans);

    // OpenTelemetry trace ids carry no time; the default TraceId range falls back to start times.
    List<String> found =
        xray
            .getTraceSummaries(
                b ->
                    b.startTime(Instant.now().minusSeconds(120))
                        .endTime(Instant.now().plusSeconds(120)))
            .traceSummaries()
            .stream()
            .map(TraceSummary::id)
            .toList();
    assertThat(found).containsAll(ids);
    // Event: by arrival of the latest document.
    List<String> arrived =
        xray
            .getTraceSummaries(
                b ->
                    b.startTime(Instant.now().minusSeconds(60))
                        .endTime(Instant.now().plusSeconds(1))
                        .timeRangeType(TimeRangeType.EVENT))
            .traceSummaries()
            .stream()
            .map(TraceSummary::id)
            .toList();
    assertThat(arrived).containsAll(ids);
  }

  private static int countSubsegments(String json) {
    try {
      JsonNode n = XRayApi.MAPPER.readTree(json);
      return countSubsegments(n);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int countSubsegments(JsonNode n) {
    int c = 0;
    for (JsonNode s : n.path("subsegments")) {
      c += 1 + countSubsegments(s);
    }
    return c;
  }

  @Test
  void traceSummariesPageWithNextTokenAndCoverEveryTraceOnce() {
    // An hour far in the past, so that no other test's traces fall into the range.
    long base = 1_600_000_000L;
    Set<String> expected = new LinkedHashSet<>();
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 230; i++) {
      String trace = Docs.traceId(base + i);
      expected.add(trace);
      docs.add(Docs.segment(trace, Docs.id(), null, "pager", base + i, base + i + 0.1, ""));
      if (docs.size() == 50) {
        put(docs.toArray(String[]::new));
        docs.clear();
      }
    }
    put(docs.toArray(String[]::new));

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      GetTraceSummariesResponse r =
          xray.getTraceSummaries(
              b ->
                  b.startTime(Instant.ofEpochSecond(base))
                      .endTime(Instant.ofEpochSecond(base + 3600))
                      .nextToken(t));
      r.traceSummaries().forEach(s -> seen.add(s.id()));
      assertThat(r.tracesProcessedCount()).isEqualTo(230L);
      token = r.nextToken();
      pages++;
    } while (token != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    // Newest first.
    assertThat(seen.get(0)).startsWith("1-" + Long.toHexString(base + 229) + "-");
  }

  @Test
  void traceSummariesDescribeTheTrace() {
    long base = 1_600_100_000L;
    String trace = Docs.traceId(base);
    String root = Docs.id();
    put(
        Docs.segment(
            trace,
            root,
            null,
            "checkout",
            base,
            base + 2,
            Docs.status(502)
                + ",\"fault\":true,\"user\":\"alice\",\"origin\":\"AWS::EC2::Instance\","
                + "\"annotations\":{\"tier\":\"gold\",\"items\":3}"));

    GetTraceSummariesResponse r =
        xray.getTraceSummaries(
            b ->
                b.startTime(Instant.ofEpochSecond(base)).endTime(Instant.ofEpochSecond(base + 60)));

    assertThat(r.traceSummaries()).hasSize(1);
    TraceSummary s = r.traceSummaries().get(0);
    assertThat(s.id()).isEqualTo(trace);
    assertThat(s.duration()).isCloseTo(2.0, within(1e-6));
    assertThat(s.responseTime()).isCloseTo(2.0, within(1e-6));
    assertThat(s.hasFault()).isTrue();
    assertThat(s.hasError()).isFalse();
    assertThat(s.isPartial()).isFalse();
    assertThat(s.http().httpStatus()).isEqualTo(502);
    assertThat(s.http().httpMethod()).isEqualTo("GET");
    assertThat(s.http().httpURL()).isEqualTo("http://shop/");
    assertThat(s.users()).extracting(u -> u.userName()).containsExactly("alice");
    assertThat(s.annotations().get("tier").get(0).annotationValue().stringValue())
        .isEqualTo("gold");
    assertThat(s.annotations().get("items").get(0).annotationValue().numberValue()).isEqualTo(3.0);
    assertThat(s.entryPoint().name()).isEqualTo("checkout");
    assertThat(s.entryPoint().type()).isEqualTo("AWS::EC2::Instance");
    assertThat(s.serviceIds()).extracting(id -> id.name()).containsExactly("checkout");
  }

  @Test
  void aFilterExpressionWithASyntaxErrorIsAnInvalidRequestWithTheParsersMessage() {
    assertThatThrownBy(
            () ->
                xray.getTraceSummaries(
                    b ->
                        b.startTime(Instant.now().minusSeconds(60))
                            .endTime(Instant.now())
                            .filterExpression("http.status = 500 AN ok")))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequestException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo(
                      catchThrowable(() -> FilterExpression.parse("http.status = 500 AN ok"))
                          .getMessage());
            });
  }

  @Test
  void filterExpressionsAndGroupsSelectTraceSummaries() {
    long base = 1_600_400_000L;
    String faulty = Docs.traceId(base);
    String fine = Docs.traceId(base + 1);
    put(
        Docs.segment(
            faulty, Docs.id(), null, "cart", base, base + 1, Docs.status(503) + ",\"fault\":true"),
        Docs.segment(fine, Docs.id(), null, "cart", base + 1, base + 1.5, Docs.status(200)));
    xray.createGroup(b -> b.groupName("faults").filterExpression("fault"));
    try {
      assertThat(summaries(base, "http.status = 503")).containsExactly(faulty);
      assertThat(summaries(base, "service(\"cart\") AND duration < 1")).containsExactly(fine);
      assertThat(summaries(base, "group.name = \"faults\"")).containsExactly(faulty);
      assertThat(summaries(base, "")).containsExactly(fine, faulty);
      assertThatThrownBy(() -> summaries(base, "group.name = \"nope\""))
          .isInstanceOf(InvalidRequestException.class);
    } finally {
      xray.deleteGroup(b -> b.groupName("faults"));
    }
  }

  private static List<String> summaries(long base, String filter) {
    return xray
        .getTraceSummaries(
            b ->
                b.startTime(Instant.ofEpochSecond(base))
                    .endTime(Instant.ofEpochSecond(base + 10))
                    .filterExpression(filter))
        .traceSummaries()
        .stream()
        .map(TraceSummary::id)
        .toList();
  }

  @Test
  void aMissingRequiredMemberIsAnInvalidRequest() {
    assertThatThrownBy(() -> xray.batchGetTraces(b -> b.traceIds((List<String>) null)))
        .isInstanceOf(Exception.class);
    assertThatThrownBy(() -> xray.getServiceGraph(b -> b.startTime(Instant.now())))
        .isInstanceOf(Exception.class);
  }

  @Test
  void samplingRulesCanBeCreatedListedUpdatedAndDeleted() {
    SamplingRule rule =
        SamplingRule.builder()
            .ruleName("checkout")
            .priority(10)
            .fixedRate(0.5)
            .reservoirSize(4)
            .serviceName("checkout")
            .serviceType("*")
            .host("*")
            .httpMethod("POST")
            .urlPath("/cart/*")
            .resourceARN("*")
            .version(1)
            .attributes(Map.of("tier", "gold"))
            .build();
    SamplingRuleRecord created =
        xray.createSamplingRule(b -> b.samplingRule(rule)).samplingRuleRecord();
    assertThat(created.samplingRule().ruleARN()).endsWith(":sampling-rule/checkout");
    assertThat(created.samplingRule().attributes()).containsEntry("tier", "gold");
    assertThat(created.createdAt()).isNotNull();

    assertThat(xray.getSamplingRules(b -> {}).samplingRuleRecords())
        .extracting(r -> r.samplingRule().ruleName())
        .containsExactly("checkout", "Default");

    assertThatThrownBy(() -> xray.createSamplingRule(b -> b.samplingRule(rule)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("already exists");
    assertThatThrownBy(
            () ->
                xray.createSamplingRule(
                    b -> b.samplingRule(rule.toBuilder().ruleName("bad").fixedRate(2.0).build())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("FixedRate");

    SamplingRuleRecord updated =
        xray.updateSamplingRule(
                b -> b.samplingRuleUpdate(u -> u.ruleName("checkout").fixedRate(0.25)))
            .samplingRuleRecord();
    assertThat(updated.samplingRule().fixedRate()).isEqualTo(0.25);
    assertThat(updated.samplingRule().reservoirSize()).isEqualTo(4);
    assertThat(updated.samplingRule().httpMethod()).isEqualTo("POST");

    SamplingRuleRecord deleted =
        xray.deleteSamplingRule(b -> b.ruleARN(created.samplingRule().ruleARN()))
            .samplingRuleRecord();
    assertThat(deleted.samplingRule().ruleName()).isEqualTo("checkout");
    assertThat(xray.getSamplingRules(b -> {}).samplingRuleRecords())
        .extracting(r -> r.samplingRule().ruleName())
        .containsExactly("Default");
    assertThatThrownBy(() -> xray.deleteSamplingRule(b -> b.ruleName("Default")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void samplingTargetsShareTheReservoirAmongActiveClients() {
    xray.createSamplingRule(
        b ->
            b.samplingRule(
                r ->
                    r.ruleName("quota")
                        .priority(20)
                        .fixedRate(0.1)
                        .reservoirSize(5)
                        .serviceName("*")
                        .serviceType("*")
                        .host("*")
                        .httpMethod("*")
                        .urlPath("/quota")
                        .resourceARN("*")
                        .version(1)));
    try {
      String clientA = "aaaaaaaaaaaaaaaaaaaaaaaa";
      String clientB = "bbbbbbbbbbbbbbbbbbbbbbbb";
      SamplingTargetDocument first = target(clientA, "quota");
      assertThat(first.reservoirQuota()).isEqualTo(5);
      assertThat(first.fixedRate()).isEqualTo(0.1);
      assertThat(first.interval()).isEqualTo(10);
      assertThat(first.reservoirQuotaTTL()).isAfter(Instant.now());

      SamplingTargetDocument second = target(clientB, "quota");
      SamplingTargetDocument firstAgain = target(clientA, "quota");
      assertThat(firstAgain.reservoirQuota() + second.reservoirQuota()).isEqualTo(5);
      assertThat(firstAgain.reservoirQuota()).isEqualTo(3);

      var r =
          xray.getSamplingTargets(
              b ->
                  b.samplingStatisticsDocuments(
                      doc(clientA, "no-such-rule"), doc("short", "quota")));
      assertThat(r.samplingTargetDocuments()).isEmpty();
      assertThat(r.unprocessedStatistics()).hasSize(2);
      assertThat(r.lastRuleModification()).isNotNull();
    } finally {
      xray.deleteSamplingRule(b -> b.ruleName("quota"));
    }
  }

  private static SamplingStatisticsDocument doc(String client, String rule) {
    return SamplingStatisticsDocument.builder()
        .ruleName(rule)
        .clientID(client)
        .timestamp(Instant.now())
        .requestCount(10)
        .sampledCount(2)
        .borrowCount(1)
        .build();
  }

  private static SamplingTargetDocument target(String client, String rule) {
    var r = xray.getSamplingTargets(b -> b.samplingStatisticsDocuments(doc(client, rule)));
    assertThat(r.unprocessedStatistics()).isEmpty();
    assertThat(r.samplingTargetDocuments()).hasSize(1);
    return r.samplingTargetDocuments().get(0);
  }

  @Test
  void groupsAreCreatedListedAndDeleted() {
    var g = xray.createGroup(b -> b.groupName("everything").filterExpression("")).group();
    assertThat(g.groupARN()).contains(":group/everything/");
    assertThat(xray.getGroups(b -> {}).groups())
        .extracting(x -> x.groupName())
        .contains("everything");
    assertThatThrownBy(
            () -> xray.createGroup(b -> b.groupName("broken").filterExpression("ok AND (")))
        .isInstanceOf(InvalidRequestException.class);
    var sg =
        xray.getServiceGraph(
            b ->
                b.startTime(Instant.now().minusSeconds(60))
                    .endTime(Instant.now())
                    .groupName("everything"));
    assertThat(sg.services()).isNotNull();
    xray.deleteGroup(b -> b.groupName("everything"));
    assertThat(xray.getGroups(b -> {}).groups())
        .extracting(x -> x.groupName())
        .doesNotContain("everything");
    assertThatThrownBy(() -> xray.deleteGroup(b -> b.groupName("everything")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void anInProgressSegmentIsReplacedByTheCompleteOne() {
    long base = 1_600_200_000L;
    String trace = Docs.traceId(base);
    String id = Docs.id();
    put(Docs.inProgress(trace, id, "slow", base));
    GetTraceSummariesResponse partial =
        xray.getTraceSummaries(
            b -> b.startTime(Instant.ofEpochSecond(base)).endTime(Instant.ofEpochSecond(base + 1)));
    assertThat(partial.traceSummaries())
        .singleElement()
        .satisfies(s -> assertThat(s.isPartial()).isTrue());

    put(Docs.segment(trace, id, null, "slow", base, base + 3, ""));
    // A late in-progress copy does not hide the finished document.
    put(Docs.inProgress(trace, id, "slow", base));

    var traces = xray.batchGetTraces(b -> b.traceIds(trace)).traces();
    assertThat(traces).singleElement().satisfies(t -> assertThat(t.segments()).hasSize(1));
    assertThat(traces.get(0).segments().get(0).document()).doesNotContain("in_progress");
    GetTraceSummariesResponse complete =
        xray.getTraceSummaries(
            b -> b.startTime(Instant.ofEpochSecond(base)).endTime(Instant.ofEpochSecond(base + 1)));
    assertThat(complete.traceSummaries())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.isPartial()).isFalse();
              assertThat(s.duration()).isCloseTo(3.0, within(1e-6));
            });
  }

  @Test
  void unsignedRequestsAreAcceptedWithoutConfiguredCredentials() throws Exception {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create(service.endpoint + "/GetSamplingRules").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(c.getResponseCode()).isEqualTo(200);
    try (InputStream in = c.getInputStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("\"SamplingRuleRecords\"");
    }
  }

  @Test
  void anUnknownOperationIsAnErrorInAwsShape() throws Exception {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(service.endpoint + "/NoSuchThing").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(c.getResponseCode()).isEqualTo(404);
    assertThat(c.getHeaderField("x-amzn-ErrorType")).isEqualTo("UnknownOperationException");
  }

  @Test
  void theConsoleIsServedFromTheClasspath() throws Exception {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(service.endpoint + "/").toURL().openConnection();
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(c.getContentType()).startsWith("text/html");
    HttpURLConnection js =
        (HttpURLConnection)
            URI.create(service.endpoint + "/console/api.js").toURL().openConnection();
    assertThat(js.getResponseCode()).isEqualTo(200);
    assertThat(js.getContentType()).startsWith("text/javascript");
    HttpURLConnection missing =
        (HttpURLConnection)
            URI.create(service.endpoint + "/console/../../../etc/passwd").toURL().openConnection();
    assertThat(missing.getResponseCode()).isEqualTo(404);
    HttpURLConnection nojar =
        (HttpURLConnection)
            URI.create(service.endpoint + "/webjars/none/1.0/x.js").toURL().openConnection();
    assertThat(nojar.getResponseCode()).isEqualTo(404);
  }

  static Set<String> names(List<software.amazon.awssdk.services.xray.model.Service> services) {
    return services.stream().map(s -> s.name()).collect(Collectors.toSet());
  }
}
