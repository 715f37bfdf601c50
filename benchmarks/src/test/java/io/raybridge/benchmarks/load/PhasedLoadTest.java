package io.raybridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generator's phased mode against the sink, in this JVM: per-second counts by due time, and
 * per-body acceptance counts that the sink's per-span delivery check agrees with.
 */
class PhasedLoadTest {

  @Test
  @SuppressWarnings("unchecked")
  void phasesSendEachRateInItsOwnSecondsAndEverySpanAcceptedArrives() throws Exception {
    Payloads pool = Payloads.build("D1", 42, 20);
    try (OtlpSink sink = OtlpSink.startCountingEach(0, pool, 64)) {
      Map<String, Object> result =
          LoadGenerator.run(
              Options.parse(
                  new String[] {
                    "--target", "127.0.0.1:" + sink.port(),
                    "--dataset", "D1",
                    "--seed", "42",
                    "--pool", "20",
                    "--warmup", "0s",
                    "--phases", "2000:1s,1000:1s",
                    "--count-bodies"
                  }));

      List<Map<String, Object>> seconds = (List<Map<String, Object>>) result.get("per_second");
      assertThat(seconds).hasSize(2);
      assertThat(seconds.get(0)).containsEntry("sent", 2000L).containsEntry("requests", 20L);
      assertThat(seconds.get(1)).containsEntry("sent", 1000L).containsEntry("requests", 10L);
      assertThat(seconds)
          .allSatisfy(
              s -> {
                assertThat(s.get("ok")).isEqualTo(s.get("sent"));
                assertThat(s.get("answered")).isEqualTo(s.get("requests"));
                assertThat(s.get("refused")).isEqualTo(0L);
              });
      assertThat(result.get("ok")).isEqualTo(3000L);
      long[] perBody = (long[]) result.get("accepted_per_body");
      assertThat(perBody).hasSize(20);
      assertThat(java.util.Arrays.stream(perBody).sum()).isEqualTo(30);

      OtlpSink.Delivery d = sink.delivery(perBody);
      assertThat(d.expected()).isEqualTo(3000);
      assertThat(d.missing()).isZero();
      assertThat(d.extra()).isZero();
      assertThat(sink.report().mismatches()).isZero();
    }
  }
}
