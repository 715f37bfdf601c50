package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSamplingEndpointTest {

  private static final String CLIENT_A = "aaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String CLIENT_B = "bbbbbbbbbbbbbbbbbbbbbbbb";

  private final TracesSink sink = new TracesSink();

  private static SamplingRuleConfig health() {
    return Harness.rule("health", 1, 0.0, 0, "GET", "/health");
  }

  private static SamplingRuleConfig orders() {
    return Harness.rule("orders", 10, 0.25, 10, "*", "/orders/*");
  }

  private static String report(String rule, String client, int requests, int sampled) {
    return "{\"RuleName\":\""
        + rule
        + "\",\"ClientID\":\""
        + client
        + "\",\"Timestamp\":"
        + Instant.now().getEpochSecond()
        + ",\"RequestCount\":"
        + requests
        + ",\"SampledCount\":"
        + sampled
        + ",\"BorrowCount\":0}";
  }

  private static String targets(String... reports) {
    return "{\"SamplingStatisticsDocuments\":[" + String.join(",", reports) + "]}";
  }

  @Test
  void servesTheRulesInTheXRayApiShape() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(health(), orders()), sink)) {
      Http.Reply r = Http.post(h.tcp(), "/GetSamplingRules", "{}");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/json");
      List<String> names = new ArrayList<>();
      for (JsonNode record : r.body().get("SamplingRuleRecords")) {
        names.add(record.get("SamplingRule").get("RuleName").asText());
        assertThat(record.get("ModifiedAt").isNumber()).isTrue();
      }
      assertThat(names).containsExactly("health", "orders", "Default");
      JsonNode health = r.body().get("SamplingRuleRecords").get(0).get("SamplingRule");
      assertThat(health.get("URLPath").asText()).isEqualTo("/health");
      assertThat(health.get("HTTPMethod").asText()).isEqualTo("GET");
      assertThat(health.get("FixedRate").asDouble()).isEqualTo(0.0);
      assertThat(health.get("ReservoirSize").asInt()).isZero();
      assertThat(health.get("Priority").asInt()).isEqualTo(1);
      assertThat(health.get("ServiceName").asText()).isEqualTo("*");
      assertThat(health.get("ResourceARN").asText()).isEqualTo("*");
      assertThat(health.get("Version").asInt()).isEqualTo(1);
    }
  }

  @Test
  void sharesEachRulesReservoirAmongTheClientsThatReport() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(health(), orders()), sink)) {
      double before = Instant.now().getEpochSecond();
      JsonNode first =
          Http.post(h.tcp(), "/SamplingTargets", targets(report("orders", CLIENT_A, 40, 12)))
              .body();
      JsonNode a = first.get("SamplingTargetDocuments").get(0);
      assertThat(a.get("RuleName").asText()).isEqualTo("orders");
      assertThat(a.get("ReservoirQuota").asInt()).isEqualTo(10);
      assertThat(a.get("FixedRate").asDouble()).isEqualTo(0.25);
      assertThat(a.get("Interval").asInt()).isEqualTo(10);
      assertThat(a.get("ReservoirQuotaTTL").asDouble()).isGreaterThan(before);
      assertThat(first.get("LastRuleModification").isNumber()).isTrue();
      assertThat(first.get("UnprocessedStatistics")).isEmpty();

      JsonNode b =
          Http.post(h.tcp(), "/SamplingTargets", targets(report("orders", CLIENT_B, 10, 3)))
              .body()
              .get("SamplingTargetDocuments")
              .get(0);
      assertThat(b.get("ReservoirQuota").asInt()).isEqualTo(5);
      JsonNode again =
          Http.post(h.tcp(), "/SamplingTargets", targets(report("orders", CLIENT_A, 5, 1)))
              .body()
              .get("SamplingTargetDocuments")
              .get(0);
      assertThat(again.get("ReservoirQuota").asInt()).isEqualTo(5);
    }
  }

  @Test
  void listsReportsForUnknownRulesAsUnprocessed() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(health()), sink)) {
      JsonNode body =
          Http.post(
                  h.tcp(),
                  "/SamplingTargets",
                  targets(report("health", CLIENT_A, 1, 0), report("gone", CLIENT_A, 1, 1)))
              .body();
      assertThat(body.get("SamplingTargetDocuments")).hasSize(1);
      JsonNode unprocessed = body.get("UnprocessedStatistics").get(0);
      assertThat(unprocessed.get("RuleName").asText()).isEqualTo("gone");
      assertThat(unprocessed.get("ErrorCode").asText()).isEqualTo("400");
    }
  }

  @Test
  void answersUnknownPathsWrongMethodsAndMalformedBodiesWithJsonErrors() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(health()), sink)) {
      Http.Reply unknown = Http.post(h.tcp(), "/TraceSegments", "{}");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.body().get("message").asText()).contains("/TraceSegments");

      Http.Reply get = Http.get(h.tcp(), "/GetSamplingRules");
      assertThat(get.status()).isEqualTo(405);
      assertThat(get.raw().headers().firstValue("Allow")).hasValue("POST");

      Http.Reply notJson = Http.post(h.tcp(), "/GetSamplingRules", "rules please");
      assertThat(notJson.status()).isEqualTo(400);
      assertThat(notJson.body().get("message").asText())
          .startsWith("the request body is not valid JSON");
      assertThat(notJson.raw().headers().firstValue("x-amzn-ErrorType"))
          .hasValue("InvalidRequestException");

      Http.Reply noDocs = Http.post(h.tcp(), "/SamplingTargets", "{}");
      assertThat(noDocs.status()).isEqualTo(400);
      assertThat(noDocs.body().get("message").asText())
          .isEqualTo("SamplingStatisticsDocuments is required and must be a list");

      Http.Reply badClient =
          Http.post(h.tcp(), "/SamplingTargets", targets(report("health", "xyz", 1, 1)));
      assertThat(badClient.status()).isEqualTo(400);
      assertThat(badClient.body().get("message").asText())
          .isEqualTo(
              "SamplingStatisticsDocuments[0].ClientID must be 24 hexadecimal characters, was"
                  + " \"xyz\"");

      assertThat(Http.post(h.tcp(), "/GetSamplingRules", "").status()).isEqualTo(200);
    }
  }

  @Test
  void reReadsTheRuleFileWhenItChangesAndKeepsTheOldRulesWhenItBreaks(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("rules.json");
    Files.writeString(
        file,
        """
        {"version": 2,
         "rules": [{"description": "health", "host": "*", "http_method": "GET",
                    "url_path": "/health", "fixed_target": 0, "rate": 0.0}],
         "default": {"fixed_target": 1, "rate": 0.1}}
        """);
    AwsXrayReceiverConfig config =
        new AwsXrayReceiverConfig(
            "127.0.0.1:0", null, null, Harness.localSampling(null, file.toString()));
    try (Harness h = Harness.start(config, sink)) {
      assertThat(ruleNames(h)).containsExactly("health", "Default");

      Files.writeString(
          file,
          """
          {"SamplingRuleRecords": [
            {"SamplingRule": {"RuleName": "api", "RuleARN": "arn", "ResourceARN": "*",
              "Priority": 5, "FixedRate": 1.0, "ReservoirSize": 2, "ServiceName": "*",
              "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "/api/*",
              "Version": 1, "Attributes": {}}},
            {"SamplingRule": {"RuleName": "Default", "ResourceARN": "*", "Priority": 10000,
              "FixedRate": 0.05, "ReservoirSize": 1, "ServiceName": "*", "ServiceType": "*",
              "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1}}]}
          """);
      touch(file, 10);
      assertThat(ruleNames(h)).containsExactly("api", "Default");

      Files.writeString(file, "{\"version\": 2, \"rules\": [{\"rate\": 7}]}");
      touch(file, 20);
      assertThat(ruleNames(h)).containsExactly("api", "Default");
      assertThat(Http.post(h.tcp(), "/GetSamplingRules", "{}").status()).isEqualTo(200);
    }
  }

  @Test
  void udpAndTcpShareOnePortNumberAsTheDaemonsDo() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    AwsXrayReceiverConfig config =
        new AwsXrayReceiverConfig(
            "127.0.0.1:" + port,
            null,
            null,
            new AwsXrayReceiverConfig.ProxyServerConfig(
                "127.0.0.1:" + port,
                AwsXrayReceiverConfig.Mode.LOCAL,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(health()),
                null));
    try (Harness h = Harness.start(config, sink)) {
      assertThat(h.udp().getPort()).isEqualTo(port);
      assertThat(h.tcp().getPort()).isEqualTo(port);
      assertThat(Http.post(h.tcp(), "/GetSamplingRules", "{}").status()).isEqualTo(200);
      h.send(
          Harness.HEADER
              + "{\"name\":\"same-port\",\"id\":\"0000000000000b01\","
              + "\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\","
              + "\"start_time\":1,\"end_time\":2}");
      sink.awaitSpanCount(1, java.time.Duration.ofSeconds(10));
    }
  }

  @Test
  void aMissingRuleFileFailsTheStart(@TempDir Path dir) {
    AwsXrayReceiverConfig config =
        new AwsXrayReceiverConfig(
            "127.0.0.1:0",
            null,
            null,
            Harness.localSampling(null, dir.resolve("absent.json").toString()));
    assertThatThrownBy(() -> Harness.start(config, sink)).hasMessageContaining("absent.json");
  }

  /** Moves the modification time forward so a change is seen even on coarse file systems. */
  private static void touch(Path file, int seconds) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
  }

  private static List<String> ruleNames(Harness h) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode r :
        Http.post(h.tcp(), "/GetSamplingRules", "{}").body().get("SamplingRuleRecords")) {
      names.add(r.get("SamplingRule").get("RuleName").asText());
    }
    return names;
  }
}
