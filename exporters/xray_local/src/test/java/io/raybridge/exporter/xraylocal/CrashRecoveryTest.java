package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.testing.TestSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store killed with SIGKILL while writing reloads everything written before it said READY. */
class CrashRecoveryTest {

  @TempDir Path dir;

  @Test
  void everythingStoredBeforeAKillMinusNineIsReloaded() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                dir.toString(),
                "50")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> stored = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        if (line.startsWith("TRACE ")) {
          stored.add(line.substring(6));
        }
      }
      assertThat(line).as("the child's last line").isEqualTo("READY");
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(stored).hasSize(50);

    TraceStore reloaded =
        new TraceStore(
            TestSettings.of(ComponentKind.EXPORTER, "xray_local"),
            Long.MAX_VALUE,
            Duration.ofDays(30),
            dir);
    reloaded.load();
    List<String> ids = reloaded.all().stream().map(StoredTrace::id).toList();
    assertThat(ids).containsAll(stored);
    reloaded.close();
  }
}
