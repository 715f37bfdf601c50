package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.Edge;
import software.amazon.awssdk.services.xray.model.HistogramEntry;
import software.amazon.awssdk.services.xray.model.Service;
import software.amazon.awssdk.services.xray.model.TimeSeriesServiceStatistics;

/**
 * GetServiceGraph, GetTraceGraph and GetTimeSeriesServiceStatistics on constructed traces: a {@code
 * frontend} calling a {@code backend} service, a DynamoDB table and an untraced HTTP API.
 */
class ServiceGraphTest {

  private static final long BASE = 1_600_300_020L;
  private static LocalService service;
  private static XRayClient xray;
  private static final List<String> traceIds = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    service = new LocalService();
    xray = service.client();
    // Four traces: all ok; backend faults; the table throttles; frontend answers 404.
    for (int i = 0; i < 4; i++) {
      double t = BASE + i;
      String trace = Docs.traceId(BASE + i);
      traceIds.add(trace);
      String front = Docs.id();
      String call = Docs.id();
      String table = Docs.id();
      String backendFlags = i == 1 ? Docs.status(500) + ",\"fault\":true" : Docs.status(200);
      String tableFlags =
          i == 2 ? "\"throttle\":true,\"error\":true," + Docs.status(429) : Docs.status(200);
      String frontFlags = i == 3 ? Docs.status(404) + ",\"error\":true" : Docs.status(200);
      String subs =
          "\"subsegments\":["
              + Docs.sub(call, "backend", "remote", t + 0.01, t + 0.21, backendFlags)
              + ","
              + Docs.sub(
                  table,
                  "DynamoDB",
                  "aws",
                  t + 0.22,
                  t + 0.25,
                  tableFlags + ",\"aws\":{\"table_name\":\"orders\",\"operation\":\"GetItem\"}")
              + (i == 0
                  ? ","
                      + Docs.sub(
                          Docs.id(), "api.payments.example", "remote", t + 0.26, t + 0.28, "")
                  : "")
              + "]";
      String frontDoc =
          Docs.segment(
              trace,
              front,
              null,
              "frontend",
              t,
              t + 0.3,
              frontFlags + ",\"origin\":\"AWS::EC2::Instance\"," + subs);
      String backDoc =
          Docs.segment(
              trace,
              Docs.id(),
              call,
              "backend",
              t + 0.02,
              t + 0.2,
              backendFlags + ",\"origin\":\"AWS::ECS::Container\"");
      var r = xray.putTraceSegments(b -> b.traceSegmentDocuments(frontDoc, backDoc));
      assertThat(r.unprocessedTraceSegments()).isEmpty();
    }
  }

  @AfterAll
  static void stop() {
    xray.close();
    service.close();
  }

  private static Map<String, Service> graph() {
    return xray
        .getServiceGraph(
            b -> b.startTime(Instant.ofEpochSecond(BASE)).endTime(Instant.ofEpochSecond(BASE + 60)))
        .services()
        .stream()
        .collect(Collectors.toMap(Service::name, Function.identity()));
  }

  @Test
  void nodesAreTheServicesTheTableTheRemoteApiAndTheClient() {
    Map<String, Service> g = graph();
    assertThat(g)
        .containsOnlyKeys("client", "frontend", "backend", "orders", "api.payments.example");
    assertThat(g.get("frontend").type()).isEqualTo("AWS::EC2::Instance");
    assertThat(g.get("frontend").root()).isTrue();
    assertThat(g.get("backend").type()).isEqualTo("AWS::ECS::Container");
    assertThat(g.get("backend").root()).isFalse();
    assertThat(g.get("orders").type()).isEqualTo("AWS::DynamoDB::Table");
    assertThat(g.get("api.payments.example").type()).isEqualTo("remote");
    assertThat(g.get("client").type()).isEqualTo("client");
  }

  @Test
  void edgesConnectCallerToCallee() {
    Map<String, Service> g = graph();
    assertThat(targets(g, "client")).containsExactly("frontend");
    assertThat(targets(g, "frontend"))
        .containsExactlyInAnyOrder("backend", "orders", "api.payments.example");
    assertThat(targets(g, "backend")).isEmpty();
    assertThat(targets(g, "orders")).isEmpty();
  }

  private static List<String> targets(Map<String, Service> g, String from) {
    Map<Integer, String> byRef =
        g.values().stream().collect(Collectors.toMap(Service::referenceId, Service::name));
    return g.get(from).edges().stream().map(e -> byRef.get(e.referenceId())).toList();
  }

  private static Edge edge(Map<String, Service> g, String from, String to) {
    int ref = g.get(to).referenceId();
    return g.get(from).edges().stream()
        .filter(e -> e.referenceId() == ref)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void serviceStatisticsCountOkErrorFaultAndThrottle() {
    Map<String, Service> g = graph();
    var front = g.get("frontend").summaryStatistics();
    assertThat(front.totalCount()).isEqualTo(4);
    assertThat(front.okCount()).isEqualTo(3);
    assertThat(front.errorStatistics().otherCount()).isEqualTo(1);
    assertThat(front.errorStatistics().totalCount()).isEqualTo(1);
    assertThat(front.faultStatistics().totalCount()).isZero();
    assertThat(front.totalResponseTime()).isCloseTo(1.2, within(1e-6));

    var back = g.get("backend").summaryStatistics();
    assertThat(back.totalCount()).isEqualTo(4);
    assertThat(back.okCount()).isEqualTo(3);
    assertThat(back.faultStatistics().totalCount()).isEqualTo(1);
    assertThat(back.totalResponseTime()).isCloseTo(0.72, within(1e-6));

    var table = g.get("orders").summaryStatistics();
    assertThat(table.totalCount()).isEqualTo(4);
    assertThat(table.okCount()).isEqualTo(3);
    assertThat(table.errorStatistics().throttleCount()).isEqualTo(1);
    assertThat(table.errorStatistics().totalCount()).isEqualTo(1);
  }

  @Test
  void edgeStatisticsAreTheCallersView() {
    Map<String, Service> g = graph();
    var toBackend = edge(g, "frontend", "backend").summaryStatistics();
    assertThat(toBackend.totalCount()).isEqualTo(4);
    assertThat(toBackend.faultStatistics().totalCount()).isEqualTo(1);
    assertThat(toBackend.totalResponseTime()).isCloseTo(0.8, within(1e-6));
    var toTable = edge(g, "frontend", "orders").summaryStatistics();
    assertThat(toTable.errorStatistics().throttleCount()).isEqualTo(1);
    assertThat(toTable.okCount()).isEqualTo(3);
    var fromClient = edge(g, "client", "frontend").summaryStatistics();
    assertThat(fromClient.totalCount()).isEqualTo(4);
    assertThat(fromClient.errorStatistics().otherCount()).isEqualTo(1);
    assertThat(edge(g, "frontend", "api.payments.example").summaryStatistics().totalCount())
        .isEqualTo(1);
  }

  @Test
  void histogramsBucketResponseTimesAndDurations() {
    Map<String, Service> g = graph();
    assertThat(g.get("frontend").responseTimeHistogram())
        .extracting(HistogramEntry::value, HistogramEntry::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.3, 4));
    assertThat(g.get("backend").responseTimeHistogram())
        .extracting(HistogramEntry::value, HistogramEntry::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.18, 4));
    // Duration: from the backend's start to the end of its trace.
    assertThat(g.get("backend").durationHistogram())
        .extracting(HistogramEntry::value, HistogramEntry::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.28, 4));
    assertThat(edge(g, "frontend", "orders").responseTimeHistogram())
        .extracting(HistogramEntry::value, HistogramEntry::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.03, 4));
  }

  @Test
  void aRangeWithoutTracesHasNoServices() {
    assertThat(
            xray.getServiceGraph(
                    b ->
                        b.startTime(Instant.ofEpochSecond(BASE - 3600))
                            .endTime(Instant.ofEpochSecond(BASE - 60)))
                .services())
        .isEmpty();
  }

  @Test
  void traceGraphCoversOnlyTheRequestedTraces() {
    var services =
        xray.getTraceGraph(b -> b.traceIds(traceIds.get(1))).services().stream()
            .collect(Collectors.toMap(Service::name, Function.identity()));
    assertThat(services).containsOnlyKeys("client", "frontend", "backend", "orders");
    assertThat(services.get("backend").summaryStatistics().faultStatistics().totalCount())
        .isEqualTo(1);
    assertThat(services.get("backend").summaryStatistics().totalCount()).isEqualTo(1);
  }

  @Test
  void timeSeriesStatisticsArePerPeriod() {
    List<TimeSeriesServiceStatistics> series =
        xray.getTimeSeriesServiceStatistics(
                b ->
                    b.startTime(Instant.ofEpochSecond(BASE - 20))
                        .endTime(Instant.ofEpochSecond(BASE + 100))
                        .period(60)
                        .entitySelectorExpression("service(\"backend\")"))
            .timeSeriesServiceStatistics();
    assertThat(series).hasSize(1);
    assertThat(series.get(0).timestamp()).isEqualTo(Instant.ofEpochSecond(BASE / 60 * 60));
    assertThat(series.get(0).serviceSummaryStatistics().totalCount()).isEqualTo(4);
    assertThat(series.get(0).serviceSummaryStatistics().faultStatistics().totalCount())
        .isEqualTo(1);

    var edges =
        xray.getTimeSeriesServiceStatistics(
                b ->
                    b.startTime(Instant.ofEpochSecond(BASE - 20))
                        .endTime(Instant.ofEpochSecond(BASE + 100))
                        .entitySelectorExpression("edge(\"frontend\", \"orders\")"))
            .timeSeriesServiceStatistics();
    assertThat(edges)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.edgeSummaryStatistics().errorStatistics().throttleCount())
                    .isEqualTo(1));
  }
}
