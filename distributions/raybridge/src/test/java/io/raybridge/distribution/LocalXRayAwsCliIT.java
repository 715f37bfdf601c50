package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's local setup, used the way a newcomer uses it: the distribution runs {@code
 * config-examples/local.yaml}, {@code raybridge demo} sends the simulated shop's traffic, and the
 * AWS CLI (Debian's {@code awscli}, unchanged, with {@code --endpoint-url}) reads the service
 * graph, searches traces with a filter expression, fetches a trace and manages sampling rules.
 */
class LocalXRayAwsCliIT {

  private static final Path AWS = Path.of("/usr/bin/aws");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private int apiPort;

  private record Cli(int exitCode, String stdout, String stderr) {
    JsonNode json() throws IOException {
      return JSON.readTree(stdout);
    }
  }

  private Cli aws(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(AWS.toString(), "xray"));
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "--endpoint-url",
            "http://127.0.0.1:" + apiPort,
            "--region",
            "us-east-1",
            "--output",
            "json"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", "local");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "local");
    pb.environment().put("AWS_PAGER", "");
    pb.environment().put("HOME", dir.toString());
    Path out = Files.createTempFile(dir, "aws", ".out");
    Path err = Files.createTempFile(dir, "aws", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws %s finished", args[0]).isTrue();
    return new Cli(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theAwsCliWorksAgainstTheLocalServiceFedByTheDemo() throws Exception {
    assumeTrue(Files.isExecutable(AWS), "Debian's awscli is not installed (.ci/setup installs it)");
    int grpcPort = CollectorProcess.freePort();
    int udpPort = CollectorProcess.freePort();
    int healthPort = CollectorProcess.freePort();
    apiPort = CollectorProcess.freePort();
    // The receiver's sampling proxy signs what it forwards; any credentials do for the local
    // service.
    java.util.Map<String, String> env =
        java.util.Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local");
    try (CollectorProcess collector =
        CollectorProcess.start(
            dir,
            env,
            "run",
            "--config",
            CollectorProcess.CONFIG_EXAMPLES.resolve("local.yaml").toString(),
            "--set",
            "receivers.otlp.protocols.grpc.endpoint=127.0.0.1:" + grpcPort,
            "--set",
            "receivers.otlp.protocols.http.endpoint=127.0.0.1:0",
            "--set",
            "receivers.awsxray.endpoint=127.0.0.1:" + udpPort,
            "--set",
            "receivers.awsxray.proxy_server.endpoint=127.0.0.1:" + udpPort,
            "--set",
            "receivers.awsxray.proxy_server.aws_endpoint=http://127.0.0.1:" + apiPort,
            "--set",
            "exporters.xray_local.endpoint=127.0.0.1:" + apiPort,
            "--set",
            "service.telemetry.metrics.address=127.0.0.1:0",
            "--set",
            "service.telemetry.health.address=127.0.0.1:" + healthPort)) {
      collector.awaitHealthy(healthPort);

      CollectorProcess demo =
          CollectorProcess.runToEnd(
              dir,
              "demo",
              "--target",
              "127.0.0.1:" + grpcPort,
              "--duration",
              "4s",
              "--rate",
              "20",
              "--seed",
              "7");
      assertThat(demo.exitCode()).as(demo.output()).isZero();

      long now = System.currentTimeMillis() / 1000;
      String start = Long.toString(now - 600);
      String end = Long.toString(now + 600);

      AtomicReference<JsonNode> graph = new AtomicReference<>();
      CollectorProcess.await(
          "the demo's services in the service graph",
          Duration.ofSeconds(30),
          () -> {
            try {
              Cli cli = aws("get-service-graph", "--start-time", start, "--end-time", end);
              if (cli.exitCode() != 0) {
                throw new AssertionError(cli.stderr());
              }
              graph.set(cli.json());
              return cli.stdout().contains("\"checkout\"") && cli.stdout().contains("\"payment\"");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });
      List<String> names = new ArrayList<>();
      graph.get().get("Services").forEach(s -> names.add(s.path("Name").asText()));
      assertThat(names).contains("api-gateway", "checkout", "inventory", "payment");
      assertThat(graph.get().get("Services").toString()).contains("ReferenceId").contains("Edges");

      Cli summaries =
          aws(
              "get-trace-summaries",
              "--start-time",
              start,
              "--end-time",
              end,
              "--filter-expression",
              "service(\"payment\")");
      assertThat(summaries.exitCode()).as(summaries.stderr()).isZero();
      JsonNode traces = summaries.json().get("TraceSummaries");
      assertThat(traces.size()).isPositive();
      String traceId = traces.get(0).get("Id").asText();

      Cli batch = aws("batch-get-traces", "--trace-ids", traceId);
      assertThat(batch.exitCode()).as(batch.stderr()).isZero();
      JsonNode trace = batch.json().get("Traces").get(0);
      assertThat(trace.get("Id").asText()).isEqualTo(traceId);
      assertThat(trace.get("Segments").size()).isPositive();

      Cli bad =
          aws(
              "get-trace-summaries",
              "--start-time",
              start,
              "--end-time",
              end,
              "--filter-expression",
              "responsetime > 1 AN fault");
      assertThat(bad.exitCode()).isNotZero();
      assertThat(bad.stderr()).contains("InvalidRequestException");

      Cli created =
          aws(
              "create-sampling-rule",
              "--sampling-rule",
              """
              {"RuleName":"cli-health","Priority":5,"FixedRate":0.0,"ReservoirSize":0,
               "ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"GET",
               "URLPath":"/health","ResourceARN":"*","Version":1}""");
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      assertThat(aws("get-sampling-rules").stdout()).contains("cli-health");

      // X-Ray SDKs ask the collector's sampling endpoint, which proxies to the local service: the
      // rule created with the CLI reaches them.
      java.net.http.HttpResponse<String> viaProxy =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + udpPort + "/GetSamplingRules"))
                      .header("Content-Type", "application/json")
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(viaProxy.statusCode()).as(viaProxy.body()).isEqualTo(200);
      assertThat(viaProxy.body()).contains("cli-health").contains("SamplingRuleRecords");
      assertThat(aws("delete-sampling-rule", "--rule-name", "cli-health").exitCode()).isZero();
      assertThat(aws("get-sampling-rules").stdout()).doesNotContain("cli-health");
    }
  }
}
