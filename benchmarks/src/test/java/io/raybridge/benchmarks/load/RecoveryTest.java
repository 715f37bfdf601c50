package io.raybridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** W10's recovery time, computed from the generator's per-second counts (no process involved). */
class RecoveryTest {

  private static Map<String, Object> second(long refused, long answered, double p99Ms) {
    return Map.of(
        "sent",
        100L * answered,
        "requests",
        100L,
        "answered",
        answered,
        "ok",
        100L * answered - refused,
        "refused",
        refused,
        "failed",
        0L,
        "p99_ms",
        p99Ms);
  }

  private static Map<String, Object> generator(List<Map<String, Object>> seconds) {
    return Map.of("per_second", new ArrayList<>(seconds));
  }

  @Test
  void recoveryStartsAtTheFirstSecondAfterWhichNothingIsRefusedAndWhoseP99IsLow() {
    Map<String, Object> r =
        Runner.recovery(
            generator(
                List.of(
                    second(500, 100, 900), // overload
                    second(800, 100, 1200), // overload
                    second(100, 100, 400), // load dropped, still refusing
                    second(0, 100, 300), // no refusals, but slow
                    second(0, 100, 40),
                    second(0, 100, 30))),
            2000);

    assertThat(r.get("recovery_seconds")).isEqualTo(2.0);
    assertThat(r.get("refused_during_overload")).isEqualTo(1300L);
  }

  @Test
  void aRefusalLaterOnPushesRecoveryPastIt() {
    Map<String, Object> r =
        Runner.recovery(
            generator(
                List.of(
                    second(500, 100, 900),
                    second(0, 100, 20),
                    second(5, 100, 20),
                    second(0, 100, 20))),
            1000);

    assertThat(r.get("recovery_seconds")).isEqualTo(2.0);
  }

  @Test
  void noRecoveryWhenTheLastSecondIsStillRefusedOrUnanswered() {
    assertThat(
            Runner.recovery(
                    generator(
                        List.of(second(500, 100, 900), second(0, 100, 20), second(1, 100, 20))),
                    1000)
                .get("recovery_seconds"))
        .isNull();
    assertThat(
            Runner.recovery(
                    generator(
                        List.of(second(500, 100, 900), second(0, 100, 20), second(0, 99, 20))),
                    1000)
                .get("recovery_seconds"))
        .isNull();
  }
}
