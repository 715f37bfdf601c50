package io.raybridge.benchmarks.load;

import java.util.List;
import java.util.Locale;

/** The workloads of PERFORMANCE.md as the runner drives them. */
final class Workloads {
  private Workloads() {}

  /**
   * One workload.
   *
   * @param id {@code W1}…{@code W12}
   * @param title what is measured
   * @param dataset the dataset replayed
   * @param protocol {@code grpc}, {@code http} or {@code udp}; {@code none} for idle
   * @param rate items per second (fixed mode) or the ramp's start
   * @param ramp whether to ramp until loss
   * @param variants configurations run one after the other within one repetition
   * @param target the target of PERFORMANCE.md
   * @param anchor the anchor figure, as published
   * @param anchorValue the anchor figure the ratio is taken against, or NaN when there is none
   * @param metric the result field the ratio and the table use
   * @param unit the metric's unit
   * @param jmh for workloads measured by JMH: the benchmark pattern; otherwise null
   */
  record Workload(
      String id,
      String title,
      String dataset,
      String protocol,
      double rate,
      boolean ramp,
      List<String> variants,
      String target,
      String anchor,
      double anchorValue,
      String metric,
      String unit,
      String jmh) {}

  static final List<Workload> ALL =
      List.of(
          new Workload(
              "W1",
              "OTLP gRPC → batch → OTLP gRPC, D1 at 10k spans/s",
              "D1",
              "grpc",
              10_000,
              false,
              List.of("batch"),
              "CPU ≤ 10 % of a core; RSS ≤ 96 MiB; 0 lost",
              "OTel Collector: 6.2–13 % CPU, 55 MiB avg / 78 MiB max RSS",
              6.2,
              "cpu_avg_pct",
              "% of a core",
              null),
          new Workload(
              "W2",
              "same path, D2, ramp to saturation",
              "D2",
              "grpc",
              20_000,
              true,
              List.of("batch"),
              "≥ 300k spans/s per consumed core",
              "OTel Collector: ~45k spans/s on 1 CPU",
              45_000,
              "spans_per_core",
              "spans/s per core",
              null),
          new Workload(
              "W3",
              "X-Ray UDP → batch → X-Ray exporter (mock API), D4 at 5k seg/s",
              "D4",
              "udp",
              5_000,
              false,
              List.of("xray", Runner.XRAY_SATURATION),
              "at 5k seg/s CPU ≤ 10 %; ≥ 100k seg/s per core; no UDP loss below 80 % of saturation",
              "ADOT: 27–80 % of a core at 5k seg/s",
              27,
              "cpu_avg_pct",
              "% of a core",
              null),
          new Workload(
              "W4",
              "OTLP → X-Ray segment JSON (JMH, D2)",
              "D2",
              "none",
              0,
              false,
              List.of(),
              "≥ 480k spans/s per thread; ≤ 1 KB allocated per span",
              "naive streaming pass on this hardware: ~600k spans/s",
              600_000,
              "jmh",
              "spans/s",
              "SpanToSegmentBenchmark"),
          new Workload(
              "W5",
              "X-Ray segment JSON → OTLP (JMH, D4)",
              "D4",
              "none",
              0,
              false,
              List.of(),
              "≥ 400k segments/s per thread",
              "tree parse + builder on this hardware: ~470k segments/s",
              470_000,
              "jmh",
              "segments/s",
              "SegmentToSpanBenchmark"),
          new Workload(
              "W6",
              "W2's path with tail_sampling before batch, D2, ramp to saturation",
              "D2",
              "grpc",
              20_000,
              true,
              List.of("tail"),
              "≤ 600 B heap per buffered span; throughput ≥ 0.9× W2",
              "OTel sizing: 0.75× the rate without tail sampling",
              Double.NaN,
              "spans_per_core",
              "spans/s per core",
              null),
          new Workload(
              "W7",
              "head sampling at 10 %, D1 at 10k spans/s",
              "D1",
              "grpc",
              10_000,
              false,
              List.of("sampling"),
              "≤ 50 ns per decision; CPU ≤ 0.5× W1",
              "none published",
              Double.NaN,
              "cpu_avg_pct",
              "% of a core",
              "SamplingDecisionBenchmark"),
          new Workload(
              "W8",
              "batching on vs off, 10 spans/request at 10k spans/s",
              "D1x10",
              "grpc",
              10_000,
              false,
              List.of("batch", "nobatch"),
              "batching saves ≥ 37 % CPU",
              "none published",
              Double.NaN,
              "batching_saving_pct",
              "% CPU saved",
              null),
          new Workload(
              "W9",
              "added latency, batching off, vs generator→sink baseline",
              "D1",
              "grpc",
              10_000,
              false,
              List.of("baseline", "nobatch"),
              "p99 ≤ 2 ms above the baseline (rate: 50 % of W2 saturation, pass --rate)",
              "none published",
              Double.NaN,
              "added_p99_ms",
              "ms",
              null),
          new Workload(
              "W10",
              "overload, memory_limiter 64 MiB, D1 at 10k spans/s: backend down, backend"
                  + " returning, 2× saturation then back to 10k spans/s",
              "D1",
              "grpc",
              10_000,
              false,
              List.of("backend_down", "backend_returns", "overload"),
              "RSS ≤ limit + 32 MiB; retryable refusals; full rate ≤ 5 s after load drops",
              "OTel Collector: 31 % CPU, 77 MiB max RSS (limiter 20 MiB)",
              77,
              "rss_max_mib",
              "MiB",
              null),
          new Workload(
              "W11",
              "idle",
              "D1",
              "none",
              0,
              false,
              List.of("batch"),
              "CPU ≤ 1 %; RSS ≤ 96 MiB",
              "OTel Collector: 0.5 % CPU, 44 MiB RSS",
              0.5,
              "cpu_avg_pct",
              "% of a core",
              null),
          new Workload(
              "W12",
              "file exporter, D2 (OTLP JSON and delimited protobuf)",
              "D2",
              "grpc",
              20_000,
              false,
              List.of("otlp_json", "otlp_proto"),
              "OTLP JSON ≥ 300k spans/s per core; protobuf ≥ 1M spans/s per core",
              "none published",
              Double.NaN,
              "spans_per_core",
              "spans/s per core",
              "FileEncoderBenchmark"));

  static Workload byId(String id) {
    String key = id.toUpperCase(Locale.ROOT);
    return ALL.stream()
        .filter(w -> w.id().equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown workload " + id + " (W1…W12)"));
  }
}
