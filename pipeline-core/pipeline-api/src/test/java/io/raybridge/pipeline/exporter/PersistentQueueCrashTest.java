package io.raybridge.pipeline.exporter;

import static io.raybridge.pipeline.ApiFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ApiFixtures;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Survives kill -9: everything accepted before a SIGKILL is delivered after the restart. */
class PersistentQueueCrashTest {

  private static final int BATCHES = 200;
  private static final int SPANS_PER_BATCH = 5;

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<Exporter> exporters = new ArrayList<>();
  private final ExecutorService reader = Executors.newSingleThreadExecutor();

  @AfterEach
  void cleanUp() {
    exporters.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
    processes.forEach(Process::destroyForcibly);
    reader.shutdownNow();
  }

  @Test
  void deliversEverySpanAcceptedBeforeSigkillAfterRestart() throws Exception {
    Process child = startChild();
    List<String> output = new CopyOnWriteArrayList<>();
    Future<String> ready = reader.submit(() -> readUntilReady(child, output));
    String line = ready.get(60, TimeUnit.SECONDS);
    assertThat(line).as("child output: %s", output).isEqualTo("READY " + BATCHES * SPANS_PER_BATCH);

    // While the child runs, its lock keeps this process out of the directory.
    ComponentSettings blocked = settings(new ApiFixtures.Telemetry());
    Exporter intruder =
        ExporterHelper.builder(blocked, (t, timeout) -> {})
            .queue(PersistentQueueCrashMain.queueConfig(dir))
            .build();
    assertThatThrownBy(intruder::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is in use by another process (pid " + child.pid() + ")");

    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

    ApiFixtures.Telemetry telemetry = new ApiFixtures.Telemetry();
    Set<String> received = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    Exporter restarted =
        ExporterHelper.builder(
                settings(telemetry),
                (traces, timeout) -> {
                  for (ResourceSpans rs : traces.resourceSpans()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                      for (Span s : ss.getSpansList()) {
                        if (!received.add(s.getName())) {
                          duplicates.incrementAndGet();
                        }
                      }
                    }
                  }
                })
            .queue(PersistentQueueCrashMain.queueConfig(dir))
            .build();
    restarted.start();
    exporters.add(restarted);

    Set<String> expected = new HashSet<>();
    for (int b = 0; b < BATCHES; b++) {
      for (int s = 0; s < SPANS_PER_BATCH; s++) {
        expected.add("b" + b + "-s" + s);
      }
    }
    assertThat(await(() -> received.size() >= expected.size(), Duration.ofSeconds(30)))
        .as("received %d of %d spans", received.size(), expected.size())
        .isTrue();
    assertThat(received).isEqualTo(expected);
    assertThat(telemetry.value("otelcol_exporter_queue_recovered_spans"))
        .isEqualTo(BATCHES * SPANS_PER_BATCH);
    // Only the batches the child's consumers held when it died may arrive twice; this backend
    // never saw them, so none does, and the queue counts at most those batches as redelivered.
    long redelivered = telemetry.value("otelcol_exporter_queue_redelivered_spans");
    assertThat(redelivered)
        .isLessThanOrEqualTo(PersistentQueueCrashMain.NUM_CONSUMERS * SPANS_PER_BATCH);
    assertThat(duplicates.get()).isLessThanOrEqualTo((int) redelivered);
    assertThat(telemetry.value("otelcol_exporter_queue_corrupt_records")).isZero();
    assertThat(
            await(
                () -> telemetry.value("otelcol_exporter_sent_spans") == BATCHES * SPANS_PER_BATCH,
                Duration.ofSeconds(10)))
        .isTrue();
  }

  private Process startChild() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                PersistentQueueCrashMain.class.getName(),
                dir.toString(),
                Integer.toString(BATCHES),
                Integer.toString(SPANS_PER_BATCH))
            .redirectErrorStream(true);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static String readUntilReady(Process p, List<String> output) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      output.add(line);
      if (line.startsWith("READY")) {
        return line;
      }
    }
    return "exited without READY";
  }

  private static ComponentSettings settings(ApiFixtures.Telemetry telemetry) {
    return ApiFixtures.settings(
        ComponentKind.EXPORTER,
        PersistentQueueCrashMain.EXPORTER_ID,
        telemetry,
        new ApiFixtures.CapturingLogger(),
        Clock.systemUTC());
  }
}
