package io.raybridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the real harness (collector JVM from the distribution jar, load generator process, mock
 * backend, /proc sampling) for a few seconds per workload and checks that it works and that what
 * was sent arrived. No performance thresholds: the numbers depend on the machine.
 */
class HarnessSmokeTest {
  private static final Path JAR = Paths.get("../distributions/raybridge/target/raybridge.jar");
  private static final Path OUT = Paths.get("target/smoke-results");

  @BeforeAll
  static void needsDistribution() {
    assumeTrue(Files.isRegularFile(JAR), "the distribution jar is built later in the reactor");
  }

  private static Runner.Settings smoke(String workload, double rate) {
    return new Runner.Settings(
        Workloads.byId(workload),
        Duration.ofSeconds(2),
        Duration.ofSeconds(3),
        1,
        rate,
        true,
        JAR,
        OUT,
        List.of(Runner.DEFAULT_JVM_FLAGS.split(" ")),
        Workloads.byId(workload).protocol(),
        42,
        Runner.DEFAULT_SATURATION,
        List.of(),
        false);
  }

  @Test
  void otlpGrpcThroughBatchDeliversEverySpanIntactAndWritesAResult() throws Exception {
    Map<String, Object> doc = Runner.run(smoke("W1", 2_000));

    JsonNode result = new ObjectMapper().readTree(Paths.get((String) doc.get("file")).toFile());
    JsonNode run = result.path("runs").get(0).path("batch");
    assertThat(run.path("sent").asLong()).isGreaterThan(0);
    assertThat(run.path("received").asLong()).isEqualTo(run.path("sent").asLong());
    assertThat(run.path("dropped").asLong()).isZero();
    assertThat(run.path("checked").asLong()).isGreaterThan(0);
    assertThat(run.path("mismatches").asLong()).isZero();
    assertThat(run.path("cpu_samples").asInt()).isGreaterThan(0);
    assertThat(run.path("rss_max_mib").asDouble()).isGreaterThan(0);
    assertThat(run.path("generator").path("latency").path("count").asLong()).isGreaterThan(0);
    assertThat(result.path("verified").asBoolean()).isTrue();
    assertThat(result.path("collector_jvm_flags").asText()).contains("-Xmx256m");
    assertThat((String) doc.get("markdown_row")).startsWith("| W1 |").contains("smoke mode");
  }

  @Test
  void tailSamplingSeesNewTracesOnEveryPassAndKeepsThemIntact() throws Exception {
    Map<String, Object> doc = Runner.run(smoke("W6", 5_000));

    JsonNode result = new ObjectMapper().readTree(Paths.get((String) doc.get("file")).toFile());
    JsonNode run = result.path("runs").get(0).path("tail");
    assertThat(run.path("generator_command").asText()).contains("--fresh-trace-ids");
    assertThat(run.path("sent").asLong()).isGreaterThan(0);
    // Kept spans arrive with the pass's trace ids and are recognised; nothing is mangled.
    assertThat(run.path("checked").asLong()).isGreaterThan(0);
    assertThat(run.path("mismatches").asLong()).isZero();
    assertThat(result.path("verified").asBoolean()).isTrue();
  }

  @Test
  void xrayUdpThroughBatchToTheCountingFakeDeliversEverySegment() throws Exception {
    Map<String, Object> doc = Runner.run(smoke("W3", 500));

    JsonNode result = new ObjectMapper().readTree(Paths.get((String) doc.get("file")).toFile());
    JsonNode run = result.path("runs").get(0).path("xray");
    assertThat(run.path("sent").asLong()).isGreaterThan(0);
    assertThat(run.path("received").asLong()).isEqualTo(run.path("sent").asLong());
    assertThat(run.path("cpu_samples").asInt()).isGreaterThan(0);
    // The saturation search: smoke steps are far below saturation, so each delivers everything.
    JsonNode search = result.path("runs").get(0).path(Runner.XRAY_SATURATION);
    assertThat(search.path("udp_steps")).hasSize(2);
    for (JsonNode step : search.path("udp_steps")) {
      assertThat(step.path("sent").asLong()).isGreaterThan(0);
      assertThat(step.path("counted").asLong()).isEqualTo(step.path("sent").asLong());
      assertThat(step.path("cpu_pct").asDouble()).isGreaterThan(0);
    }
    assertThat(search.path("saturation_rate").asLong())
        .isEqualTo(search.path("udp_steps").get(1).path("rate").asLong());
    assertThat(search.path("saturation_per_core").asDouble()).isGreaterThan(0);
    assertThat(result.path("verified").asBoolean()).isTrue();
  }
}
