package io.raybridge.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.raybridge.benchmarks.load.Workloads.Workload;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.testing.xray.FakeXRayApi;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one workload of PERFORMANCE.md end to end: writes the collector configuration, starts
 * Raybridge as a separate JVM with stated flags, starts the mock backend and the {@link
 * LoadGenerator} (its own process), warms up, samples the collector's CPU and RSS from {@code
 * /proc} during the measured window, checks what arrived against what was sent, repeats, and writes
 * a JSON result and a Markdown table row.
 *
 * <pre>
 * benchmarks/run.sh W1 [--runs 3] [--warmup 30s] [--duration 60s] [--rate 10000] [--smoke]
 * </pre>
 *
 * Other options: {@code --jar} (the distribution jar), {@code --out} (result directory), {@code
 * --jvm-flags "..."} (the collector's JVM flags), {@code --protocol grpc|http}, {@code --seed},
 * {@code --saturation N} (W10's overload sends at twice this rate), {@code --variants a,b} (run
 * only these of the workload's variants), {@code --fixed} (a ramp workload, W2 or W6, at the fixed
 * {@code --rate} instead: its spans per core then come from the whole window's CPU).
 */
public final class Runner {
  /** The distribution launcher's defaults (bin/raybridge), so the shipped setup is measured. */
  static final String DEFAULT_JVM_FLAGS =
      "-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m"
          + " -XX:MaxDirectMemorySize=128m -XX:+ExitOnOutOfMemoryError"
          + " -Dio.netty.allocator.numDirectArenas=1 -Djdk.nio.maxCachedBufferSize=262144"
          + " -XX:TrimNativeHeapInterval=5000";

  /** The launcher's glibc setting (bin/raybridge exports it unless already set). */
  static final String DEFAULT_MALLOC_ARENA_MAX = "2";

  /** W10's saturation rate (spans/s) when {@code --saturation} is not given; pass W2's result. */
  static final double DEFAULT_SATURATION = 60_000;

  /** W10's {@code memory_limiter} limit, and the RSS allowed above it. */
  static final int MEMORY_LIMIT_MIB = 64;

  static final int RSS_ALLOWANCE_MIB = 32;

  /** W10 overload: a second after the load drop counts as recovered below this p99. */
  static final double RECOVERY_P99_MS = 100;

  /** W10: how long to wait, once the load has stopped, for everything accepted to arrive. */
  static final Duration DELIVERY_WAIT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long CLOCK_TICKS = clockTicks();

  /**
   * What to run.
   *
   * @param workload the workload
   * @param warmup warm-up before measuring
   * @param duration measured window
   * @param runs repetitions
   * @param rate items per second (overrides the workload's)
   * @param smoke short mode for CI; results are labelled as such
   * @param jar the distribution's shaded jar
   * @param out where result files go
   * @param jvmFlags the collector's JVM flags
   * @param protocol the OTLP protocol the generator uses (grpc or http)
   * @param seed the dataset seed
   * @param saturation W10: the saturation rate (W2's result); the overload sends twice this rate
   * @param variants the workload's variants to run; empty for all of them
   */
  record Settings(
      Workload workload,
      Duration warmup,
      Duration duration,
      int runs,
      double rate,
      boolean smoke,
      Path jar,
      Path out,
      List<String> jvmFlags,
      String protocol,
      long seed,
      double saturation,
      List<String> variants,
      boolean fixed) {

    /** Whether the generator ramps: a ramp workload not asked to run at a fixed rate. */
    boolean ramps() {
      return workload.ramp() && !fixed;
    }

    /** These settings at another fixed rate and window (one step of a search). */
    Settings at(double rate, Duration warmup, Duration duration) {
      return new Settings(
          workload,
          warmup,
          duration,
          1,
          rate,
          smoke,
          jar,
          out,
          jvmFlags,
          protocol,
          seed,
          saturation,
          variants,
          true);
    }

    /** The variants this invocation runs, in the workload's order. */
    List<String> variantsToRun() {
      if (variants.isEmpty()) {
        return workload.variants();
      }
      for (String v : variants) {
        if (!workload.variants().contains(v)) {
          throw new IllegalArgumentException(
              workload.id() + " has no variant " + v + " (" + workload.variants() + ")");
        }
      }
      return workload.variants().stream().filter(variants::contains).toList();
    }

    static Settings parse(String[] args) {
      Options o = Options.parse(args);
      if (o.positional().isEmpty()) {
        throw new IllegalArgumentException("usage: run.sh W1..W12 [options]");
      }
      Workload w = Workloads.byId(o.positional().get(0));
      boolean smoke = o.flag("smoke");
      return new Settings(
          w,
          o.getDuration("warmup", smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(30)),
          o.getDuration("duration", smoke ? Duration.ofSeconds(4) : Duration.ofSeconds(60)),
          o.getInt("runs", smoke ? 1 : 3),
          o.getDouble("rate", w.rate()),
          smoke,
          Paths.get(o.get("jar", "distributions/raybridge/target/raybridge.jar")),
          Paths.get(o.get("out", "benchmarks/target/results")),
          List.of(o.get("jvm-flags", DEFAULT_JVM_FLAGS).trim().split("\\s+")),
          o.get("protocol", w.protocol()),
          o.getLong("seed", 42),
          o.getDouble("saturation", DEFAULT_SATURATION),
          o.get("variants", "").isBlank()
              ? List.of()
              : List.of(o.get("variants", "").trim().split("\\s*,\\s*")),
          o.flag("fixed"));
    }
  }

  private Runner() {}

  /** Runs the workload named by the first argument; exits 1 if a run's data did not check out. */
  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    Map<String, Object> result = run(s);
    System.out.println(result.get("markdown_row"));
    System.out.println("result: " + result.get("file"));
    System.exit(Boolean.TRUE.equals(result.get("verified")) ? 0 : 1);
  }

  /** Runs all repetitions and writes the result files; returns the result document. */
  static Map<String, Object> run(Settings s) throws Exception {
    Workload w = s.workload();
    if (w.jmh() != null && w.variants().isEmpty()) {
      return jmh(s);
    }
    if (w.variants().isEmpty()) {
      throw new IllegalArgumentException(
          w.id() + " has no end-to-end run yet; see benchmarks/README.md");
    }
    Files.createDirectories(s.out());
    List<Map<String, Object>> runs = new ArrayList<>();
    boolean verified = true;
    List<String> variants = s.variantsToRun();
    for (int i = 0; i < s.runs(); i++) {
      Map<String, Object> run = new LinkedHashMap<>();
      for (String variant : variants) {
        Map<String, Object> v = runVariant(s, variant, i);
        run.put(variant, v);
        verified &= Boolean.TRUE.equals(v.get("verified"));
      }
      run.put(w.metric(), metric(w, run, s.ramps()));
      overloadSummary(run);
      runs.add(run);
      System.out.printf("%s run %d: %s = %s%n", w.id(), i + 1, w.metric(), run.get(w.metric()));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workload", w.id());
    doc.put("title", w.title());
    doc.put("mode", s.smoke() ? "smoke" : "full");
    doc.put("date", Instant.now().toString());
    doc.put("commit", commit());
    doc.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    doc.put("collector_jvm_flags", String.join(" ", s.jvmFlags()));
    doc.put("heap", flag(s.jvmFlags(), "-Xmx", "JVM default"));
    doc.put("gc", gc(s.jvmFlags()));
    doc.put("dataset", w.dataset());
    doc.put("protocol", s.protocol());
    doc.put("rate", s.rate());
    doc.put("warmup_seconds", s.warmup().toMillis() / 1e3);
    doc.put("duration_seconds", s.duration().toMillis() / 1e3);
    doc.put("runs", runs);
    double median = median(runs, w.metric());
    doc.put("median_" + w.metric(), median);
    if (variants.contains("overload")) {
      doc.put("saturation", s.saturation());
    }
    for (String key : OVERLOAD_SUMMARY) {
      if (runs.stream().anyMatch(r -> r.containsKey(key))) {
        doc.put("median_" + key, median(runs, key));
      }
    }
    doc.put("target", w.target());
    doc.put("anchor", w.anchor());
    doc.put("ratio_to_anchor", Double.isNaN(w.anchorValue()) ? null : median / w.anchorValue());
    doc.put("verified", verified);
    return write(s, doc, runs.size(), markdownRow(s, doc, median));
  }

  /**
   * Writes the result document as {@code <id>-<timestamp>.json} and its Markdown row, under the
   * table header, as {@code <id>-<timestamp>.md}; returns the document.
   */
  private static Map<String, Object> write(
      Settings s, Map<String, Object> doc, int runs, String markdownRow) throws IOException {
    String id = s.workload().id();
    String stamp = Instant.now().toString().replace(":", "").replace(".", "");
    Path file = s.out().resolve(id + "-" + stamp + ".json");
    doc.put("file", file.toString());
    doc.put("markdown_row", markdownRow);
    Files.writeString(file, JSON.writeValueAsString(doc));
    Files.writeString(
        s.out().resolve(id + "-" + stamp + ".md"),
        "| id | target | anchor | measured (median of "
            + runs
            + ") | ratio | date / commit / JVM / flags |\n|---|---|---|---|---|---|\n"
            + markdownRow
            + "\n");
    return doc;
  }

  private static String markdownRow(Settings s, Map<String, Object> doc, double median) {
    Workload w = s.workload();
    String ratio =
        Double.isNaN(w.anchorValue()) ? "—" : String.format("%.2f×", median / w.anchorValue());
    return String.format(
        "| %s | %s | %s | %.2f %s (%s; %s)%s | %s | %s, %s, %s, `%s` |",
        w.id(),
        w.target(),
        w.anchor(),
        median,
        w.unit(),
        w.metric(),
        s.smoke() ? "smoke mode, machine under load" : "median of " + s.runs(),
        overloadCell(doc),
        ratio,
        doc.get("date").toString().substring(0, 10),
        doc.get("commit"),
        doc.get("jvm"),
        doc.get("collector_jvm_flags"));
  }

  /**
   * W10's second-half figures and W3's saturation, lifted from their variants to the run (medians
   * go to the doc).
   */
  private static final List<String> OVERLOAD_SUMMARY =
      List.of(
          "delivered_seconds_after_sink_start",
          "returns_lost",
          "returns_duplicated",
          "recovery_seconds",
          "overload_rss_max_mib",
          "overload_lost",
          "overload_duplicated",
          "saturation_rate",
          "saturation_cpu_pct",
          "saturation_per_core");

  private static void overloadSummary(Map<String, Object> run) {
    Map<String, Object> returns = variant(run, "backend_returns");
    if (returns != null) {
      run.put(
          "delivered_seconds_after_sink_start", returns.get("delivered_seconds_after_sink_start"));
      run.put("returns_lost", returns.get("dropped"));
      run.put("returns_duplicated", returns.get("duplicated"));
    }
    Map<String, Object> overload = variant(run, "overload");
    if (overload != null) {
      run.put("recovery_seconds", overload.get("recovery_seconds"));
      run.put("overload_rss_max_mib", overload.get("rss_max_mib"));
      run.put("overload_lost", overload.get("dropped"));
      run.put("overload_duplicated", overload.get("duplicated"));
    }
    Map<String, Object> search = variant(run, XRAY_SATURATION);
    if (search != null) {
      run.put("saturation_rate", search.get("saturation_rate"));
      run.put("saturation_cpu_pct", search.get("saturation_cpu_pct"));
      run.put("saturation_per_core", search.get("saturation_per_core"));
    }
  }

  /** The extra text of W10's measured cell: the backend's return and the overload. */
  @SuppressWarnings("unchecked")
  private static String overloadCell(Map<String, Object> doc) {
    List<Map<String, Object>> runs = (List<Map<String, Object>>) doc.get("runs");
    StringBuilder out = new StringBuilder();
    Map<String, Object> returns = variant(runs.get(0), "backend_returns");
    if (returns != null) {
      out.append(
          String.format(
              "; backend returns: %s accepted, %s refused%s, %s received, %s lost, %s duplicated,"
                  + " all accepted delivered %s after the sink started",
              returns.get("accepted"),
              returns.get("refused"),
              statuses(returns),
              returns.get("received"),
              returns.get("dropped"),
              returns.get("duplicated"),
              seconds(doc.get("median_delivered_seconds_after_sink_start"), "never")));
    }
    if (variant(runs.get(0), XRAY_SATURATION) != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "; saturation %s segments/s per core (the last lossless step, %s segments/s, at %s %%"
                  + " of a core; first run stopped on: %s)",
              whole(doc.get("median_saturation_per_core")),
              whole(doc.get("median_saturation_rate")),
              whole(doc.get("median_saturation_cpu_pct")),
              variant(runs.get(0), XRAY_SATURATION).get("udp_stop_reason")));
    }
    Map<String, Object> overload = variant(runs.get(0), "overload");
    if (overload != null) {
      out.append(
          String.format(
              "; overload at %.0f spans/s: recovery %s (no refusals, p99 ≤ %.0f ms), RSS max %s"
                  + " (limit + %d = %d MiB), %s accepted, %s refused%s, %s lost, %s duplicated",
              overload.get("overload_rate"),
              seconds(doc.get("median_recovery_seconds"), "not within the run"),
              RECOVERY_P99_MS,
              String.format("%.1f MiB", (Double) doc.get("median_overload_rss_max_mib")),
              RSS_ALLOWANCE_MIB,
              MEMORY_LIMIT_MIB + RSS_ALLOWANCE_MIB,
              overload.get("accepted"),
              overload.get("refused"),
              statuses(overload),
              overload.get("dropped"),
              overload.get("duplicated")));
    }
    return out.toString();
  }

  private static String whole(Object value) {
    return value instanceof Number n && !Double.isNaN(n.doubleValue())
        ? String.format(Locale.ROOT, "%,.0f", n.doubleValue())
        : "—";
  }

  private static String seconds(Object value, String otherwise) {
    return value instanceof Number n && !Double.isNaN(n.doubleValue())
        ? String.format("%.1f s", n.doubleValue())
        : otherwise;
  }

  @SuppressWarnings("unchecked")
  private static String statuses(Map<String, Object> v) {
    Map<String, Object> gen = (Map<String, Object>) v.get("generator");
    Map<String, Object> by = gen == null ? null : (Map<String, Object>) gen.get("errors_by_status");
    return by == null || by.isEmpty() ? "" : " (" + String.join(", ", by.keySet()) + ")";
  }

  // ------------------------------------------------------------------------------------------
  // One variant of one run
  // ------------------------------------------------------------------------------------------

  private static Map<String, Object> runVariant(Settings s, String variant, int run)
      throws Exception {
    Workload w = s.workload();
    Path dir = Files.createDirectories(s.out().resolve("work").resolve(w.id() + "-" + variant));
    Payloads pool = Payloads.build(w.dataset(), s.seed(), poolSize(w.dataset()));
    int grpcPort = freePort();
    int httpPort = freePort();
    int udpPort = freePort();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("variant", variant);
    try (Backend backend = Backend.start(variant, pool, dir)) {
      String receiverTarget = "127.0.0.1:" + (s.protocol().equals("http") ? httpPort : grpcPort);
      if (variant.equals("baseline")) {
        // Generator straight to the sink, in the same run, for W9's comparison.
        Map<String, Object> gen =
            generate(s, pool, "127.0.0.1:" + backend.port(), null, r, List.of(), null);
        return finish(r, gen, backend, pool);
      }
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, config(variant, grpcPort, httpPort, udpPort, backend, dir));
      Path log = dir.resolve("collector-" + (run + 1) + ".log");
      long udpErrors0 = udpRcvbufErrors();
      Process collector = startCollector(s, config, log, backend);
      try {
        awaitPort(collector, isXray(variant) ? udpPort : grpcPort, log);
        ProcSampler sampler = new ProcSampler(collector.pid(), s.smoke() ? 250 : 1000);
        Map<String, Object> gen;
        if (variant.equals(XRAY_SATURATION)) {
          gen = udpSaturation(s, pool, "127.0.0.1:" + udpPort, collector, log, backend, r);
        } else if (w.protocol().equals("none")) {
          Thread.sleep(s.warmup().toMillis());
          sampler.start();
          Thread.sleep(s.duration().toMillis());
          sampler.stop();
          gen = Map.of("sent", 0L, "ok", 0L, "refused", 0L, "failed", 0L);
        } else {
          String target = isXray(variant) ? "127.0.0.1:" + udpPort : receiverTarget;
          List<String> extra = new ArrayList<>();
          long dropMillis = s.duration().toMillis() / 2;
          if (backend.countsEach()) {
            extra.add("--count-bodies");
          }
          if (Backend.freshTraces(variant)) {
            extra.add("--fresh-trace-ids");
          }
          if (variant.equals("overload")) {
            // Twice the saturation rate for the first half, then the workload's rate again.
            r.put("overload_rate", 2 * s.saturation());
            r.put("load_drop_after_seconds", dropMillis / 1e3);
            extra.addAll(
                List.of(
                    "--phases",
                    2 * s.saturation()
                        + ":"
                        + dropMillis
                        + "ms,"
                        + s.rate()
                        + ":"
                        + (s.duration().toMillis() - dropMillis)
                        + "ms"));
          }
          Runnable atHalf = null;
          if (variant.equals("backend_returns")) {
            // The backend comes up on the port the exporter has been failing on.
            r.put("sink_started_after_measured_seconds", dropMillis / 1e3);
            atHalf = backend::startSink;
          }
          gen = generate(s, pool, target, sampler, r, extra, atHalf);
          if (variant.equals("overload")) {
            r.putAll(recovery(gen, dropMillis));
          }
        }
        if (!variant.equals(XRAY_SATURATION)) {
          r.putAll(sampler.summary()); // the search sampled each of its steps itself
        }
        if (MEMORY_LIMITED.contains(variant)) {
          double rss = (Double) r.get("rss_max_mib");
          r.put("rss_limit_mib", MEMORY_LIMIT_MIB + RSS_ALLOWANCE_MIB);
          r.put("rss_within_limit", rss <= MEMORY_LIMIT_MIB + RSS_ALLOWANCE_MIB);
        }
        if (backend.countsEach()) {
          awaitDelivery(backend, gen, r);
        } else {
          drain(backend, gen);
        }
        r.put("udp_rcvbuf_errors_machine_wide", udpRcvbufErrors() - udpErrors0);
        r.put("collector_metrics", scrapeMetrics(log));
        // A collector that died (out of memory, say) fails the run whatever else was counted.
        r.put("collector_alive_at_end", collector.isAlive());
        if (!collector.isAlive()) {
          r.put("collector_log_tail", tail(log));
        }
        stop(collector);
        int exit = collector.exitValue();
        r.put("collector_exit", exit);
        // 143 is the JVM's exit status after SIGTERM with its shutdown hooks run.
        r.put("collector_clean_exit", exit == 0 || exit == 143);
        if (exit != 0 && exit != 143) {
          r.put("collector_log_tail", tail(log));
        }
        return finish(r, gen, backend, pool);
      } finally {
        if (collector.isAlive()) {
          collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** W3's second variant: the saturation search over UDP. */
  static final String XRAY_SATURATION = "xray_saturation";

  private static boolean isXray(String variant) {
    return variant.equals("xray") || variant.equals(XRAY_SATURATION);
  }

  /**
   * The first rate of W3's saturation search (its fixed rate), in segments/s; each step is 1.5
   * times the last.
   */
  private static final double UDP_SEARCH_START = 5_000;

  private static final int UDP_SEARCH_MAX_STEPS = 12;

  /**
   * W3's saturation: fixed-rate steps of datagrams, each followed by a wait until the fake API has
   * counted everything sent, until a step loses any (in the kernel's socket buffer, the receiver's
   * queue or later) or the generator cannot hold the rate. UDP senders get no refusal, so loss is
   * the only signal; the saturation rate is the last step without any, and the collector's CPU
   * during that step gives the rate per core. Because every step below it lost nothing, the search
   * also shows "no UDP loss below 80 % of saturation".
   */
  private static Map<String, Object> udpSaturation(
      Settings s,
      Payloads pool,
      String target,
      Process collector,
      Path log,
      Backend backend,
      Map<String, Object> r)
      throws Exception {
    double rate = s.smoke() ? 2_000 : UDP_SEARCH_START;
    int maxSteps = s.smoke() ? 2 : UDP_SEARCH_MAX_STEPS;
    Duration warmup = Duration.ofSeconds(s.smoke() ? 1 : 2);
    Duration measured = s.smoke() ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
    List<Map<String, Object>> steps = new ArrayList<>();
    long sentTotal = 0;
    long saturation = 0;
    Double saturationCpu = null;
    boolean lossless = true;
    String stopReason = "step limit";
    // A new collector: warm it up at the first rate, as the other workloads do, before measuring.
    long warmed0 = backend.received();
    Map<String, Object> warm =
        generate(
            s.at(rate, s.warmup(), Duration.ofSeconds(1)),
            pool,
            target,
            null,
            new LinkedHashMap<>(),
            List.of(),
            null);
    long warmSent = ((Number) warm.get("sent")).longValue();
    awaitCount(backend, warmed0 + warmSent, Duration.ofSeconds(4));
    r.put("warmup_sent", warmSent);
    r.put("warmup_counted", backend.received() - warmed0);
    sentTotal += warmSent;
    for (int k = 0; k < maxSteps; k++) {
      long counted0 = backend.received();
      long kernel0 = udpRcvbufErrors();
      long queue0 = counter(scrapeMetrics(log), "raybridge_receiver_xray_dropped_datagrams");
      ProcSampler sampler = new ProcSampler(collector.pid(), 1000);
      Settings step = s.at(rate, warmup, measured);
      Map<String, Object> gen =
          generate(step, pool, target, sampler, new LinkedHashMap<>(), List.of(), null);
      long sent = ((Number) gen.get("sent")).longValue();
      sentTotal += sent;
      awaitCount(backend, counted0 + sent, Duration.ofSeconds(4));
      long counted = backend.received() - counted0;
      long kernel = udpRcvbufErrors() - kernel0;
      long queue =
          counter(scrapeMetrics(log), "raybridge_receiver_xray_dropped_datagrams") - queue0;
      double achieved = ((Number) gen.get("achieved_rate")).doubleValue();
      Map<String, Object> cpu = sampler.summary();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rate", Math.round(rate));
      row.put("achieved_rate", Math.round(achieved));
      row.put("sent", sent);
      row.put("counted", counted);
      row.put("lost", sent - counted);
      row.put("kernel_drops_machine_wide", kernel);
      row.put("queue_drops", queue);
      row.put("cpu_pct", cpu.get("cpu_avg_pct"));
      row.put("rss_max_mib", cpu.get("rss_max_mib"));
      steps.add(row);
      System.out.println(
          "  step "
              + Math.round(rate)
              + "/s: sent "
              + sent
              + ", counted "
              + counted
              + ", kernel drops "
              + kernel
              + ", queue drops "
              + queue
              + ", CPU "
              + String.format(Locale.ROOT, "%.1f", (Double) cpu.get("cpu_avg_pct"))
              + " %");
      boolean clean = counted == sent && kernel == 0 && queue == 0;
      if (!clean || achieved < 0.95 * rate) {
        stopReason = clean ? "the generator could not hold the rate" : "datagrams lost";
        // A later step's loss is the end of the search; loss before it is a failed run.
        lossless = counted <= sent;
        break;
      }
      saturation = Math.round(rate);
      saturationCpu = (Double) cpu.get("cpu_avg_pct");
      rate *= 1.5;
    }
    r.put("udp_steps", steps);
    r.put("udp_stop_reason", stopReason);
    r.put("saturation_rate", saturation);
    r.put("saturation_cpu_pct", saturationCpu);
    r.put(
        "saturation_per_core",
        saturationCpu == null || saturationCpu <= 0 ? null : saturation / (saturationCpu / 100));
    r.put("lossless_below_last_step", lossless && saturation > 0);
    Map<String, Object> gen = new LinkedHashMap<>();
    gen.put("sent", sentTotal);
    gen.put("ok", sentTotal);
    gen.put("refused", 0L);
    gen.put("failed", 0L);
    gen.put("mode", "udp_steps");
    return gen;
  }

  /**
   * Waits until the backend has counted {@code target} items or its count stood still for {@code
   * quiet}.
   */
  private static void awaitCount(Backend backend, long target, Duration quiet)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long last = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline && backend.received() < target) {
      long now = backend.received();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > quiet.toNanos()) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /** The sum of a counter's series in a scrape, 0 where it is absent. */
  private static long counter(Map<String, String> metrics, String name) {
    long sum = 0;
    for (Map.Entry<String, String> e : metrics.entrySet()) {
      if (e.getKey().startsWith(name)) {
        try {
          sum += (long) Double.parseDouble(e.getValue());
        } catch (NumberFormatException ignored) {
          // not a sample line
        }
      }
    }
    return sum;
  }

  private static Map<String, Object> finish(
      Map<String, Object> r, Map<String, Object> gen, Backend backend, Payloads pool) {
    long sent = ((Number) gen.get("sent")).longValue();
    long accepted = ((Number) gen.get("ok")).longValue();
    long received = backend.received();
    r.put("sent", sent);
    r.put("accepted", accepted);
    r.put("refused", gen.get("refused"));
    r.put("failed", gen.get("failed"));
    r.put("received", received);
    r.put("dropped", backend.expectsAll() ? Math.max(0, accepted - received) : null);
    // More arriving than was accepted means duplicates (an export retried after a timeout).
    r.put("duplicated", backend.expectsAll() ? Math.max(0, received - accepted) : null);
    r.put("checked", backend.checked());
    r.put("mismatches", backend.mismatches());
    r.put("problems", backend.problems());
    r.put("generator", gen);
    boolean ok =
        backend.mismatches() == 0
            && (!backend.expectsAll() || (received == accepted && accepted == sent));
    if (backend.expectsAll() && "ramp".equals(gen.get("mode"))) {
      // A ramp ends where the collector starts refusing: retryable refusals at the last step are
      // its expected end, a failure is not; what was accepted must all arrive.
      long failed = ((Number) gen.getOrDefault("failed", 0)).longValue();
      ok = backend.mismatches() == 0 && received == accepted && failed == 0;
    }
    if (backend.countsEach()) {
      // Refusals are allowed if retryable; every span accepted must arrive, at least once.
      OtlpSink.Delivery d = backend.delivery(acceptedPerBody(gen));
      long failed = ((Number) gen.get("failed")).longValue();
      long unanswered = ((Number) gen.getOrDefault("unanswered", 0)).longValue();
      r.put("dropped", d.missing());
      r.put("duplicated", d.extra());
      r.put("expected_from_whole_requests", d.expected());
      r.put("errors_by_status", gen.get("errors_by_status"));
      r.put("refusals_retryable", failed == 0 && unanswered == 0);
      ok = backend.mismatches() == 0 && d.missing() == 0 && failed == 0 && unanswered == 0;
    }
    if (backend.expectsSample()) {
      // Sampling at 10 %: nothing invented, about a tenth kept.
      ok = backend.mismatches() == 0 && received <= accepted;
    }
    if (r.containsKey("udp_steps")) {
      // UDP has no refusal: the step that lost datagrams is where the search ends, and every step
      // before it must have delivered everything.
      ok = backend.mismatches() == 0 && Boolean.TRUE.equals(r.get("lossless_below_last_step"));
    }
    ok &= !Boolean.FALSE.equals(r.get("collector_alive_at_end"));
    ok &= !Boolean.FALSE.equals(r.get("collector_clean_exit"));
    r.put("verified", ok);
    if (r.containsKey("cpu_avg_pct") && gen.containsKey("achieved_rate")) {
      double cpu = (Double) r.get("cpu_avg_pct");
      double rate = ((Number) gen.get("achieved_rate")).doubleValue();
      r.put("items_per_core", cpu > 0 ? rate / (cpu / 100) : null);
    }
    return r;
  }

  private static Object metric(Workload w, Map<String, Object> run, boolean ramps) {
    Map<String, Object> first = variant(run, w.variants().get(0));
    if (first == null) {
      return null; // the variant the metric comes from was not run (--variants)
    }
    switch (w.metric()) {
      case "batching_saving_pct" -> {
        if (variant(run, "nobatch") == null) {
          return null;
        }
        double on = (Double) variant(run, "batch").get("cpu_avg_pct");
        double off = (Double) variant(run, "nobatch").get("cpu_avg_pct");
        return off > 0 ? 100 * (1 - on / off) : null;
      }
      case "added_p99_ms" -> {
        if (variant(run, "nobatch") == null) {
          return null;
        }
        return p99(variant(run, "nobatch")) - p99(variant(run, "baseline"));
      }
      case "spans_per_core" -> {
        if (ramps) {
          @SuppressWarnings("unchecked")
          Map<String, Object> gen = (Map<String, Object>) first.get("generator");
          long saturation = ((Number) gen.get("saturation_rate")).longValue();
          // The collector's CPU during the last step that passed, i.e. at the saturation rate.
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> steps =
              (List<Map<String, Object>>) first.getOrDefault("cpu_by_ramp_step", List.of());
          for (Map<String, Object> step : steps) {
            if (((Number) step.get("rate")).longValue() == saturation) {
              double cpu = ((Number) step.get("cpu_pct")).doubleValue();
              return cpu > 0 ? saturation / (cpu / 100) : null;
            }
          }
          return null;
        }
        return first.get("items_per_core");
      }
      default -> {
        return first.get(w.metric());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> variant(Map<String, Object> run, String name) {
    return (Map<String, Object>) run.get(name);
  }

  @SuppressWarnings("unchecked")
  private static double p99(Map<String, Object> v) {
    Map<String, Object> gen = (Map<String, Object>) v.get("generator");
    return ((Number) ((Map<String, Object>) gen.get("latency")).get("p99_ms")).doubleValue();
  }

  private static double median(List<Map<String, Object>> runs, String metric) {
    double[] values =
        runs.stream()
            .map(r -> r.get(metric))
            .filter(v -> v instanceof Number)
            .mapToDouble(v -> ((Number) v).doubleValue())
            .sorted()
            .toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    return values.length % 2 == 1
        ? values[values.length / 2]
        : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  }

  private static int poolSize(String dataset) {
    return switch (dataset) {
      case "D2" -> 40;
      case "D3" -> 50;
      case "D4" -> 4096;
      default -> 200;
    };
  }

  // ------------------------------------------------------------------------------------------
  // Collector configuration and process
  // ------------------------------------------------------------------------------------------

  static String config(
      String variant, int grpcPort, int httpPort, int udpPort, Backend backend, Path dir) {
    String otlpReceiver =
        "receivers:\n"
            + "  otlp:\n"
            + "    protocols:\n"
            + "      grpc:\n"
            + "        endpoint: 127.0.0.1:"
            + grpcPort
            + "\n"
            + "      http:\n"
            + "        endpoint: 127.0.0.1:"
            + httpPort
            + "\n";
    String otlpExporter =
        "exporters:\n"
            + "  otlp:\n"
            + "    endpoint: 127.0.0.1:"
            + backend.port()
            + "\n"
            + "    tls:\n"
            + "      insecure: true\n";
    String telemetry =
        "  telemetry:\n"
            + "    metrics:\n"
            + "      address: 127.0.0.1:0\n"
            + "    health:\n"
            + "      enabled: false\n";
    return switch (variant) {
      case "batch" ->
          otlpReceiver
              + "processors:\n  batch: {}\n"
              + otlpExporter
              + "service:\n"
              + telemetry
              + pipeline("otlp", "batch", "otlp");
      case "nobatch" ->
          otlpReceiver + otlpExporter + "service:\n" + telemetry + pipeline("otlp", "", "otlp");
      case "sampling" ->
          otlpReceiver
              + "processors:\n  probabilistic_sampler:\n    sampling_percentage: 10\n  batch: {}\n"
              + otlpExporter
              + "service:\n"
              + telemetry
              + pipeline("otlp", "probabilistic_sampler, batch", "otlp");
      case "tail" ->
          otlpReceiver
              + "processors:\n"
              + "  tail_sampling:\n"
              + "    decision_wait: 2s\n"
              + "    num_traces: 200000\n"
              + "    policies:\n"
              + "      - name: errors\n"
              + "        type: status_code\n"
              + "        status_code: { status_codes: [ERROR] }\n"
              + "      - name: ten-percent\n"
              + "        type: probabilistic\n"
              + "        probabilistic: { sampling_percentage: 10 }\n"
              + "  batch: {}\n"
              + otlpExporter
              + "service:\n"
              + telemetry
              + pipeline("otlp", "tail_sampling, batch", "otlp");
      case "backend_down", "backend_returns", "overload" ->
          otlpReceiver
              + "processors:\n"
              + "  memory_limiter:\n"
              + "    check_interval: 1s\n"
              + "    limit_mib: "
              + MEMORY_LIMIT_MIB
              + "\n"
              + "    spike_limit_mib: 16\n"
              + "  batch: {}\n"
              + otlpExporter
              + "service:\n"
              + telemetry
              + pipeline("otlp", "memory_limiter, batch", "otlp");
      case "otlp_json", "otlp_proto" ->
          otlpReceiver
              + "processors:\n  batch: {}\n"
              + "exporters:\n"
              + "  file:\n"
              + "    path: "
              + dir.resolve(variant.equals("otlp_json") ? "traces.json" : "traces.pb")
              + "\n"
              + "    format: "
              + variant
              + "\n"
              + "service:\n"
              + telemetry
              + pipeline("otlp", "batch", "file");
      case "xray", XRAY_SATURATION ->
          "receivers:\n"
              + "  awsxray:\n"
              + "    endpoint: 127.0.0.1:"
              + udpPort
              + "\n"
              + "    udp_receive_buffer_bytes: 4194304\n"
              + "    proxy_server:\n"
              + "      endpoint: 127.0.0.1:"
              + udpPort
              + "\n"
              + "      mode: local\n"
              + "processors:\n"
              + "  batch:\n"
              + "    send_batch_size: 50\n"
              + "    timeout: 1s\n"
              + "exporters:\n"
              + "  awsxray:\n"
              + "    region: "
              + FakeXRayApi.DEFAULT_REGION
              + "\n"
              + "    endpoint: http://127.0.0.1:"
              + backend.port()
              + "\n"
              + "    local_mode: true\n"
              + "service:\n"
              + telemetry
              + pipeline("awsxray", "batch", "awsxray");
      default -> throw new IllegalArgumentException("unknown variant " + variant);
    };
  }

  private static String pipeline(String receiver, String processors, String exporter) {
    return "  pipelines:\n"
        + "    traces:\n"
        + "      receivers: ["
        + receiver
        + "]\n"
        + (processors.isEmpty() ? "" : "      processors: [" + processors + "]\n")
        + "      exporters: ["
        + exporter
        + "]\n";
  }

  private static Process startCollector(Settings s, Path config, Path log, Backend backend)
      throws IOException {
    if (!Files.isRegularFile(s.jar())) {
      throw new IllegalStateException(
          "the distribution jar "
              + s.jar()
              + " is missing; build it with ./mvnw -B -q package -pl distributions/raybridge -am"
              + " -DskipTests");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(s.jvmFlags());
    cmd.addAll(List.of("-jar", s.jar().toString(), "run", "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", FakeXRayApi.DEFAULT_ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", FakeXRayApi.DEFAULT_SECRET_ACCESS_KEY);
    env.put("AWS_REGION", FakeXRayApi.DEFAULT_REGION);
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.putIfAbsent("MALLOC_ARENA_MAX", DEFAULT_MALLOC_ARENA_MAX);
    env.remove("AWS_SESSION_TOKEN");
    env.remove("AWS_PROFILE");
    return pb.start();
  }

  private static void awaitPort(Process collector, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!collector.isAlive()) {
        throw new IllegalStateException(
            "the collector exited with " + collector.exitValue() + ":\n" + tail(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the collector did not listen on " + port + ":\n" + tail(log));
  }

  /**
   * The kernel's count of UDP datagrams dropped because a receive buffer was full (machine-wide:
   * other processes' drops are counted too, which on a benchmark machine are none).
   */
  static long udpRcvbufErrors() {
    try {
      List<String> lines = Files.readAllLines(Paths.get("/proc/net/snmp"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
          List<String> names = List.of(lines.get(i).trim().split("\\s+"));
          String[] values = lines.get(i + 1).trim().split("\\s+");
          int k = names.indexOf("RcvbufErrors");
          return k < 0 ? 0 : Long.parseLong(values[k]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /**
   * The collector's own counters of accepted, refused, sent and failed spans, scraped from its
   * Prometheus endpoint (address taken from its startup log) before it is stopped.
   */
  static Map<String, String> scrapeMetrics(Path log) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      Matcher m = Pattern.compile("metrics at (http://\\S+)").matcher(Files.readString(log));
      if (!m.find()) {
        return out;
      }
      HttpClient client = HttpClient.newHttpClient();
      String body =
          client
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(1)))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        if (!line.startsWith("#")
            && (line.contains("_spans")
                || line.contains("segments")
                || line.contains("items")
                || line.contains("datagrams"))
            && out.size() < 60) {
          int space = line.lastIndexOf(' ');
          out.put(line.substring(0, space), line.substring(space + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      out.put("error", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  private static void stop(Process collector) throws InterruptedException {
    collector.destroy(); // SIGTERM: a graceful shutdown that flushes what is batched
    // Longer than the collector's own shutdown timeout (30 s), which an exporter that cannot
    // deliver (W10's dead backend) uses up in full before the process exits by itself.
    if (!collector.waitFor(45, TimeUnit.SECONDS)) {
      collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  // ------------------------------------------------------------------------------------------
  // Load generator process
  // ------------------------------------------------------------------------------------------

  /**
   * Runs the load generator to the end and returns its result.
   *
   * @param extra further generator options
   * @param atHalf run halfway through the measured window, or null
   */
  private static Map<String, Object> generate(
      Settings s,
      Payloads pool,
      String target,
      ProcSampler sampler,
      Map<String, Object> r,
      List<String> extra,
      Runnable atHalf)
      throws Exception {
    Workload w = s.workload();
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            javaBinary(),
            "-Xms256m",
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            LoadGenerator.class.getName(),
            "--protocol",
            w.protocol().equals("udp") ? "udp" : s.protocol(),
            "--target",
            target,
            "--dataset",
            pool.dataset(),
            "--seed",
            Long.toString(s.seed()),
            "--pool",
            Integer.toString(pool.bodies().size()),
            "--warmup",
            s.warmup().toMillis() + "ms",
            "--duration",
            s.duration().toMillis() + "ms"));
    if (s.ramps()) {
      cmd.addAll(
          List.of(
              "--ramp",
              "--ramp-start",
              Double.toString(s.rate()),
              "--ramp-step",
              Math.max(1000, s.duration().toMillis() / 8) + "ms"));
    } else {
      cmd.addAll(List.of("--rate", Double.toString(s.rate())));
    }
    cmd.addAll(extra);
    r.put("generator_command", String.join(" ", cmd.subList(5, cmd.size())));
    Process gen = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(gen.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("MEASURING") && sampler != null) {
                    sampler.start();
                  } else if (line.startsWith("STEP ") && sampler != null) {
                    sampler.mark(Long.parseLong(line.substring(5).trim()));
                  } else if (line.startsWith("PHASE ") && sampler != null) {
                    sampler.markPhase(Long.parseLong(line.substring(6).trim()));
                  } else if (line.startsWith("RESULT ")) {
                    result.complete(line.substring(7));
                  }
                }
                result.completeExceptionally(
                    new IllegalStateException("the load generator printed no result"));
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            },
            "generator-output");
    reader.setDaemon(true);
    reader.start();
    long budget = s.warmup().toMillis() + s.duration().toMillis() + 90_000;
    try {
      if (sampler != null && extra.contains("--phases")) {
        // Phases: sample until the generator is done, since it may run late after an overload.
        sampler.awaitStarted(budget);
      } else if (sampler != null && !s.ramps()) {
        // Sample exactly the measured window: from MEASURING for the duration.
        sampler.awaitStarted(budget);
        if (atHalf != null) {
          long half = s.duration().toMillis() / 2;
          Thread.sleep(half);
          atHalf.run();
          Thread.sleep(s.duration().toMillis() - half);
        } else {
          Thread.sleep(s.duration().toMillis());
        }
        sampler.stop();
      }
      String json = result.get(budget, TimeUnit.MILLISECONDS);
      if (sampler != null) {
        sampler.stop();
      }
      gen.waitFor(10, TimeUnit.SECONDS);
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = JSON.readValue(json, Map.class);
      return parsed;
    } finally {
      if (gen.isAlive()) {
        gen.destroyForcibly();
      }
    }
  }

  /**
   * How long the sink's count must stay unchanged before a run is taken as drained: longer than the
   * exporter's first retry delay (retry_on_failure.initial_interval, 5 s), so that batches retried
   * after a timeout at the end of a ramp are counted.
   */
  private static final Duration DRAIN_QUIET = Duration.ofSeconds(8);

  private static void drain(Backend backend, Map<String, Object> gen) throws InterruptedException {
    if (backend.isFile()) {
      return; // the file is complete once the collector's graceful shutdown has flushed it
    }
    long accepted = ((Number) gen.get("ok")).longValue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    long last = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = backend.received();
      if (backend.expectsAll() && now >= accepted) {
        return;
      }
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > DRAIN_QUIET.toNanos()) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** The variants run with W10's memory_limiter, whose RSS is held against its limit. */
  private static final List<String> MEMORY_LIMITED =
      List.of("backend_down", "backend_returns", "overload");

  /**
   * Waits, up to {@link #DELIVERY_WAIT} after the load stopped, until every span accepted has
   * arrived, and records how long that took from the load's end and from the sink's start.
   */
  private static void awaitDelivery(Backend backend, Map<String, Object> gen, Map<String, Object> r)
      throws InterruptedException {
    backend.startSink(); // in case the run ended before the halfway point
    long[] perBody = acceptedPerBody(gen);
    long loadEnd = System.nanoTime();
    r.put("received_at_load_end", backend.received());
    long deadline = loadEnd + DELIVERY_WAIT.toNanos();
    OtlpSink.Delivery d;
    while ((d = backend.delivery(perBody)).missing() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long now = System.nanoTime();
    boolean complete = d.missing() == 0;
    r.put("delivered_seconds_after_load_end", complete ? (now - loadEnd) / 1e9 : null);
    if (backend.startedLate()) {
      r.put(
          "delivered_seconds_after_sink_start",
          complete ? (now - backend.sinkStartedNanos()) / 1e9 : null);
    }
    r.put("missing_after_wait", d.missing());
  }

  private static long[] acceptedPerBody(Map<String, Object> gen) {
    Object list = gen.get("accepted_per_body");
    if (!(list instanceof List<?> values)) {
      throw new IllegalStateException("the generator did not count accepted bodies");
    }
    return values.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
  }

  /**
   * W10 overload: from the generator's per-second counts (by due time), the time from the load's
   * drop until the first second from which on nothing is refused or fails and every request is
   * answered, and whose p99 is at most {@link #RECOVERY_P99_MS}.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> recovery(Map<String, Object> gen, long dropMillis) {
    List<Map<String, Object>> perSecond =
        (List<Map<String, Object>>) gen.getOrDefault("per_second", List.of());
    int first = (int) ((dropMillis + 999) / 1000); // the first whole second after the drop
    long refusedDuringOverload = 0;
    for (int k = 0; k < Math.min(first, perSecond.size()); k++) {
      refusedDuringOverload += num(perSecond.get(k), "refused") + num(perSecond.get(k), "failed");
    }
    Integer recovered = null;
    for (int k = perSecond.size() - 1; k >= first; k--) {
      Map<String, Object> sec = perSecond.get(k);
      boolean clean =
          num(sec, "refused") == 0
              && num(sec, "failed") == 0
              && num(sec, "answered") == num(sec, "requests");
      if (!clean) {
        break;
      }
      if (num(sec, "answered") > 0
          && ((Number) sec.get("p99_ms")).doubleValue() <= RECOVERY_P99_MS) {
        recovered = k;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("refused_during_overload", refusedDuringOverload);
    m.put("recovery_p99_threshold_ms", RECOVERY_P99_MS);
    m.put("recovery_seconds", recovered == null ? null : recovered - dropMillis / 1e3);
    return m;
  }

  private static long num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).longValue();
  }

  // ------------------------------------------------------------------------------------------
  // Backends
  // ------------------------------------------------------------------------------------------

  /** The mock backend of a variant. */
  private static final class Backend implements AutoCloseable {
    private volatile OtlpSink sink;
    private final FakeXRayApi xray;
    private final Path file;
    private final boolean sampled;
    private final int deadPort;

    /** Non-null when each span's arrivals are counted: the pool the sink checks against. */
    private final Payloads counted;

    private volatile long sinkStartedNanos;

    private Backend(OtlpSink sink, FakeXRayApi xray, Path file, boolean sampled, int deadPort) {
      this(sink, xray, file, sampled, deadPort, null);
    }

    private Backend(
        OtlpSink sink,
        FakeXRayApi xray,
        Path file,
        boolean sampled,
        int deadPort,
        Payloads counted) {
      this.sink = sink;
      this.xray = xray;
      this.file = file;
      this.sampled = sampled;
      this.deadPort = deadPort;
      this.counted = counted;
      this.sinkStartedNanos = System.nanoTime();
    }

    static Backend start(String variant, Payloads pool, Path dir) throws IOException {
      return switch (variant) {
        case "xray", XRAY_SATURATION ->
            new Backend(null, FakeXRayApi.builder().countingOnly().start(), null, false, 0);
        case "backend_down" -> new Backend(null, null, null, false, freePort());
        // Nobody listens on the port until startSink().
        case "backend_returns" -> new Backend(null, null, null, false, freePort(), pool);
        case "overload" ->
            new Backend(OtlpSink.startCountingEach(0, pool, 64), null, null, false, 0, pool);
        case "otlp_json" -> new Backend(null, null, dir.resolve("traces.json"), false, 0);
        case "otlp_proto" -> new Backend(null, null, dir.resolve("traces.pb"), false, 0);
        default ->
            new Backend(
                OtlpSink.start(0, pool, 64, sampledVariant(variant), freshTraces(variant)),
                null,
                null,
                sampledVariant(variant),
                0);
      };
    }

    /**
     * Variants whose generator sends each pass over the pool with new trace ids: tail sampling
     * remembers decided traces, so ids sent again would only meet the decision cache.
     */
    static boolean freshTraces(String variant) {
      return variant.equals("tail");
    }

    /** Variants whose collector keeps only part of what it accepts. */
    private static boolean sampledVariant(String variant) {
      return variant.equals("sampling") || variant.equals("tail");
    }

    int port() {
      OtlpSink s = sink;
      if (s != null) {
        return s.port();
      }
      return xray != null ? xray.port() : deadPort;
    }

    /**
     * Starts the sink on the port that was dead until now (backend_returns); does nothing when it
     * runs already.
     */
    synchronized void startSink() {
      if (sink != null || counted == null) {
        return;
      }
      try {
        sink = OtlpSink.startCountingEach(deadPort, counted, 64);
        sinkStartedNanos = System.nanoTime();
      } catch (IOException e) {
        throw new IllegalStateException("the sink could not listen on " + deadPort, e);
      }
    }

    long sinkStartedNanos() {
      return sinkStartedNanos;
    }

    /** Whether the sink came up only during the run (backend_returns). */
    boolean startedLate() {
      return counted != null && deadPort != 0;
    }

    /** Whether each span's arrivals are counted, so that losses and duplicates can be told. */
    boolean countsEach() {
      return counted != null;
    }

    OtlpSink.Delivery delivery(long[] acceptedPerBody) {
      OtlpSink s = sink;
      if (s == null) {
        long expected = 0;
        for (int b = 0; b < acceptedPerBody.length; b++) {
          expected += acceptedPerBody[b] * counted.items()[b];
        }
        return new OtlpSink.Delivery(expected, 0, expected, 0);
      }
      return s.delivery(acceptedPerBody);
    }

    /** Whether everything accepted must arrive. */
    boolean expectsAll() {
      return !sampled && (deadPort == 0 || counted != null);
    }

    boolean expectsSample() {
      return sampled;
    }

    long received() {
      OtlpSink s = sink;
      if (s != null) {
        return s.spans();
      }
      if (xray != null) {
        return xray.documentCount();
      }
      if (file != null) {
        return countFileSpans(file);
      }
      return 0;
    }

    boolean isFile() {
      return file != null;
    }

    long checked() {
      OtlpSink s = sink;
      return s == null ? 0 : s.report().checked();
    }

    long mismatches() {
      OtlpSink s = sink;
      return s == null ? 0 : s.report().mismatches();
    }

    List<String> problems() {
      OtlpSink s = sink;
      return s == null ? List.of() : s.report().problems();
    }

    @Override
    public synchronized void close() {
      if (sink != null) {
        sink.close();
      }
      if (xray != null) {
        xray.close();
      }
      if (file != null) {
        try {
          Files.deleteIfExists(file); // counted already; a full run writes hundreds of MB
        } catch (IOException e) {
          // Left behind in target/; harmless.
        }
      }
    }
  }

  static long countFileSpans(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try {
      long n = 0;
      if (file.toString().endsWith(".json")) {
        try (BufferedReader lines = Files.newBufferedReader(file)) {
          String line;
          while ((line = lines.readLine()) != null) {
            if (!line.isBlank()) {
              n += spans(OtlpJson.decode(line.getBytes(StandardCharsets.UTF_8)));
            }
          }
        }
      } else {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
          ExportTraceServiceRequest r;
          while ((r = ExportTraceServiceRequest.parseDelimitedFrom(in)) != null) {
            n += spans(r);
          }
        }
      }
      return n;
    } catch (IOException e) {
      // A line being written while we read is expected until the exporter has flushed.
      return -1;
    }
  }

  private static long spans(ExportTraceServiceRequest r) {
    return r.getResourceSpansList().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream())
        .mapToLong(ss -> ss.getSpansCount())
        .sum();
  }

  // ------------------------------------------------------------------------------------------
  // /proc sampling
  // ------------------------------------------------------------------------------------------

  /** Samples a process's CPU (utime+stime) and RSS from /proc at a fixed interval. */
  static final class ProcSampler {
    private final long pid;
    private final long intervalMillis;
    private final List<double[]> samples = new ArrayList<>(); // {cpu pct, rss MiB}
    private final List<long[]> marks = new ArrayList<>(); // {ramp rate, cpu ticks, nanos}
    private String marksKey = "cpu_by_ramp_step";
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile boolean running;
    private Thread thread;
    private long ticks0;
    private long nanos0;
    private long ticks1;
    private long nanos1;

    ProcSampler(long pid, long intervalMillis) {
      this.pid = pid;
      this.intervalMillis = intervalMillis;
    }

    synchronized void start() {
      if (thread != null) {
        return;
      }
      running = true;
      thread = new Thread(this::loop, "proc-sampler");
      thread.setDaemon(true);
      thread.start();
      started.complete(null);
    }

    /** Notes the start of a ramp step, so each step's CPU can be told apart. */
    synchronized void mark(long rate) {
      marks.add(new long[] {rate, cpuTicks(pid), System.nanoTime()});
    }

    /** Notes the start of a load phase (phased generator), like a ramp step. */
    synchronized void markPhase(long rate) {
      marksKey = "cpu_by_phase";
      mark(rate);
    }

    void awaitStarted(long millis) throws Exception {
      started.get(millis, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      running = false;
      Thread t;
      synchronized (this) {
        t = thread;
      }
      if (t != null) {
        t.interrupt();
        t.join(5000);
      }
    }

    private void loop() {
      LongSupplier ticks = () -> cpuTicks(pid);
      long t0 = ticks.getAsLong();
      long n0 = System.nanoTime();
      synchronized (this) {
        ticks0 = t0;
        nanos0 = n0;
        ticks1 = t0;
        nanos1 = n0;
      }
      long prevTicks = t0;
      long prevNanos = n0;
      while (running) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          // stop() interrupts to end the window now; take the last sample below.
        }
        long t = ticks.getAsLong();
        long n = System.nanoTime();
        if (t < 0) {
          break;
        }
        double cpu = pct(t - prevTicks, n - prevNanos);
        synchronized (this) {
          samples.add(new double[] {cpu, rssMib(pid)});
          ticks1 = t;
          nanos1 = n;
        }
        prevTicks = t;
        prevNanos = n;
      }
    }

    synchronized Map<String, Object> summary() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cpu_avg_pct", pct(ticks1 - ticks0, nanos1 - nanos0));
      m.put("cpu_max_pct", samples.stream().mapToDouble(s -> s[0]).max().orElse(0));
      m.put("rss_avg_mib", samples.stream().mapToDouble(s -> s[1]).average().orElse(0));
      m.put("rss_max_mib", samples.stream().mapToDouble(s -> s[1]).max().orElse(0));
      m.put("cpu_samples", samples.size());
      m.put("window_seconds", (nanos1 - nanos0) / 1e9);
      if (!marks.isEmpty()) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
          long[] from = marks.get(i);
          long toTicks = i + 1 < marks.size() ? marks.get(i + 1)[1] : ticks1;
          long toNanos = i + 1 < marks.size() ? marks.get(i + 1)[2] : nanos1;
          if (toNanos > from[2] && from[1] >= 0 && toTicks >= from[1]) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("rate", from[0]);
            step.put("cpu_pct", pct(toTicks - from[1], toNanos - from[2]));
            steps.add(step);
          }
        }
        m.put(marksKey, steps);
      }
      return m;
    }

    private static double pct(long ticks, long nanos) {
      return nanos <= 0 ? 0 : 100.0 * ticks / CLOCK_TICKS / (nanos / 1e9);
    }
  }

  /** utime + stime of a process in clock ticks, or -1 once it is gone. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      // The command name (field 2) may contain spaces; fields are counted after its ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** VmRSS of a process in MiB, or 0 once it is gone. */
  static double rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  // ------------------------------------------------------------------------------------------
  // JMH workloads
  // ------------------------------------------------------------------------------------------

  /**
   * The naive pass each translator benchmark is read against (see {@code CeilingBenchmark}): the
   * anchor figure is that pass's rate on the reference hardware, so the translator's rate divided
   * by the pass's rate in the same round, times the anchor, is the translator's rate on that
   * hardware, whatever the machine the round ran on.
   */
  private static final Map<String, String> CEILINGS =
      Map.of(
          "W4", "CeilingBenchmark.naiveSpanToJson",
          "W5", "CeilingBenchmark.naiveTreeToSpan");

  /**
   * Runs {@code --runs} rounds; each round is one JMH invocation (one fork) of the workload's
   * benchmark and of its naive pass, back to back, so that both see the same machine. Reports the
   * medians of the rounds: the rate, the bytes allocated per operation, the ratio to the naive
   * pass, and that ratio times the anchor.
   */
  private static Map<String, Object> jmh(Settings s) throws Exception {
    Workload w = s.workload();
    Path jar = Paths.get("benchmarks/target/benchmarks.jar");
    Files.createDirectories(s.out());
    String ceiling = CEILINGS.get(w.id());
    String pattern = ceiling == null ? w.jmh() : w.jmh() + "\\.|" + ceiling.replace(".", "\\.");
    int rounds = s.smoke() ? 1 : s.runs();
    List<String> jmhOptions =
        s.smoke()
            ? List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "1", "-r", "1s", "-prof", "gc")
            : List.of("-f", "1", "-wi", "5", "-w", "2s", "-i", "5", "-r", "2s", "-prof", "gc");
    List<Map<String, Object>> runs = new ArrayList<>();
    boolean verified = true;
    for (int round = 1; round <= rounds; round++) {
      Path out = s.out().resolve(w.id() + "-jmh-" + round + ".json");
      List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), pattern));
      cmd.addAll(jmhOptions);
      cmd.addAll(List.of("-rf", "json", "-rff", out.toString()));
      int exit = new ProcessBuilder(cmd).inheritIO().start().waitFor();
      if (exit != 0 || !Files.exists(out)) {
        verified = false;
        continue;
      }
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("round", round);
      run.put("file", out.toString());
      for (JsonNode b : JSON.readTree(out.toFile())) {
        String name = b.path("benchmark").asText();
        double score = b.path("primaryMetric").path("score").asDouble();
        JsonNode secondary = b.path("secondaryMetrics");
        JsonNode norm = secondary.path("gc.alloc.rate.norm");
        double alloc =
            (norm.isMissingNode() ? secondary.path("\u00b7gc.alloc.rate.norm") : norm)
                .path("score")
                .asDouble(Double.NaN);
        if (ceiling != null && name.endsWith(ceiling)) {
          run.put("ceiling_ops_per_s", score);
        } else {
          run.put("ops_per_s", score);
          run.put("bytes_per_op", alloc);
        }
      }
      if (run.get("ops_per_s") instanceof Double ops
          && run.get("ceiling_ops_per_s") instanceof Double naive
          && naive > 0) {
        run.put("ratio_to_ceiling", ops / naive);
        run.put("scaled_to_reference", ops / naive * w.anchorValue());
      }
      runs.add(run);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workload", w.id());
    doc.put("title", w.title());
    doc.put("mode", s.smoke() ? "smoke" : "full");
    doc.put("date", Instant.now().toString());
    doc.put("commit", commit());
    doc.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    doc.put("jmh_options", String.join(" ", jmhOptions));
    doc.put("ceiling_benchmark", ceiling);
    doc.put("runs", runs);
    for (String key :
        List.of(
            "ops_per_s",
            "bytes_per_op",
            "ceiling_ops_per_s",
            "ratio_to_ceiling",
            "scaled_to_reference")) {
      doc.put("median_" + key, median(runs, key));
    }
    doc.put("target", w.target());
    doc.put("anchor", w.anchor());
    doc.put("verified", verified && !runs.isEmpty());
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %,.0f %s per thread; %,.0f B per op; the naive pass in the same"
                + " rounds %,.0f %s, so %,.0f %s on the reference hardware (%s) | %.2f× the naive"
                + " pass | %s, %s, %s, JMH `%s` |",
            w.id(),
            w.target(),
            w.anchor(),
            median(runs, "ops_per_s"),
            w.unit(),
            median(runs, "bytes_per_op"),
            median(runs, "ceiling_ops_per_s"),
            w.unit(),
            median(runs, "scaled_to_reference"),
            w.unit(),
            s.smoke() ? "smoke mode, not warmed up" : "median of " + rounds + " rounds",
            median(runs, "ratio_to_ceiling"),
            doc.get("date").toString().substring(0, 10),
            doc.get("commit"),
            doc.get("jvm"),
            String.join(" ", jmhOptions));
    return write(s, doc, runs.size(), row);
  }

  // ------------------------------------------------------------------------------------------
  // Environment
  // ------------------------------------------------------------------------------------------

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String commit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String flag(List<String> flags, String prefix, String fallback) {
    return flags.stream()
        .filter(f -> f.startsWith(prefix))
        .map(f -> f.substring(prefix.length()))
        .reduce((a, b) -> b)
        .orElse(fallback);
  }

  private static String gc(List<String> flags) {
    return flags.stream()
        .filter(f -> f.matches("-XX:\\+Use.*GC"))
        .map(f -> f.substring("-XX:+Use".length()))
        .reduce((a, b) -> b)
        .orElse("JVM default (G1)");
  }
}
