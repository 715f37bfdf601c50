package io.raybridge.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.processor.headsampling.HeadSamplingConfig;
import io.raybridge.processor.headsampling.HeadSamplingFactory;
import io.raybridge.testing.TestSettings;
import io.raybridge.xray.sampling.RuleSampler;
import io.raybridge.xray.sampling.SamplingDecision;
import io.raybridge.xray.sampling.SamplingRequest;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W7: the cost of a head-sampling decision at 10 %. {@code ruleDecision}: X-Ray rule matching and
 * the rate/reservoir decision alone, for a request that falls through three non-matching rules to
 * the default (the common case); {@code headSamplingProcessor}: the head_sampling processor's whole
 * path per span (D1: every span the root of its own trace). Average time per decision, in ns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamplingDecisionBenchmark {
  static final int REQUESTS = 100;
  static final int SPANS = REQUESTS * Datasets.D1_SPANS_PER_REQUEST;

  private RuleSampler sampler;
  private SamplingRequest request;
  private final SplittableRandom random = new SplittableRandom(42);
  private List<Traces> traces;
  private Processor headSampling;
  private final LongAdder kept = new LongAdder();

  @Setup
  public void setUp() throws Exception {
    sampler =
        new RuleSampler(
            SamplingRules.of(
                List.of(
                    rule("payments", 1, "payments", "POST", "/pay/*"),
                    rule("health", 2, "*", "GET", "/health"),
                    rule("admin", 3, "admin-*", "*", "*")),
                SamplingRule.defaultRule(0, 0.10)));
    request = SamplingRequest.of("checkout", "GET", "/api/orders/42");

    traces = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      traces.add(Traces.fromRequest(Datasets.d1(i, 42, Datasets.D1_SPANS_PER_REQUEST)));
    }
    // A cache smaller than the pool's 10,000 traces, so replayed traces are decided again.
    HeadSamplingConfig config =
        new ObjectMapper()
            .readValue(
                "{\"default\":{\"fixed_rate\":0.1,\"reservoir_size\":0},"
                    + "\"decision_cache_size\":1000}",
                HeadSamplingConfig.class);
    headSampling =
        new HeadSamplingFactory()
            .create(
                TestSettings.of(ComponentKind.PROCESSOR, "head_sampling"),
                config,
                t -> kept.add(t.spanCount()));
    headSampling.start();
  }

  private static SamplingRule rule(
      String name, int priority, String service, String method, String path) {
    return new SamplingRule(
        name, priority, 0.5, 0, service, "*", "*", method, path, "*", Map.of(), 1);
  }

  @TearDown
  public void tearDown() {
    headSampling.shutdown(Duration.ofSeconds(5));
  }

  /** One decision: match the rules, then rate (10 %) against 56 bits of trace randomness. */
  @Benchmark
  public SamplingDecision ruleDecision() {
    return sampler.decide(request, random.nextLong() >>> 8, 1_700_000_000_000L);
  }

  /** One span (its own trace's root) through the head_sampling processor at 10 %. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public long headSamplingProcessor() {
    for (Traces t : traces) {
      headSampling.consume(t);
    }
    return kept.sum();
  }
}
