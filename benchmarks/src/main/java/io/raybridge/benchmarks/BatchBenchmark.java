package io.raybridge.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.processor.batch.BatchProcessorConfig;
import io.raybridge.processor.batch.BatchProcessorFactory;
import io.raybridge.testing.TestSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Batching cost (W1, W8): merging small requests and splitting large ones with {@link Traces}, and
 * the batch processor's own path (D1 shape, 10 spans per request in, batches of 512 out). One
 * operation = one span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchBenchmark {
  static final int REQUESTS = 100;
  static final int SPANS_PER_REQUEST = 10;
  static final int SPANS = REQUESTS * SPANS_PER_REQUEST;

  private List<Traces> small;
  private Traces large;
  private Processor batch;
  private final LongAdder delivered = new LongAdder();

  @Setup
  public void setUp() throws Exception {
    small = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      small.add(Traces.fromRequest(Datasets.d1(i, 42, SPANS_PER_REQUEST)));
    }
    large = Traces.concat(small);
    // Bound from YAML-shaped JSON like the runtime binds it, so the benchmark follows the config.
    BatchProcessorConfig config =
        new ObjectMapper()
            .readValue(
                "{\"send_batch_size\":512,\"send_batch_max_size\":512}",
                BatchProcessorConfig.class);
    batch =
        new BatchProcessorFactory()
            .create(
                TestSettings.of(ComponentKind.PROCESSOR, "batch"),
                config,
                t -> delivered.add(t.spanCount()));
    batch.start();
  }

  @TearDown
  public void tearDown() {
    batch.shutdown(Duration.ofSeconds(5));
  }

  /** Merges 100 requests of 10 spans into one. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public Traces concat() {
    return Traces.concat(small);
  }

  /** Splits 1000 spans into batches of at most 128. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public List<Traces> split() {
    return large.split(128);
  }

  /** Feeds 100 requests of 10 spans through the batch processor (batches of 512 go out). */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public long batchProcessor() {
    for (Traces t : small) {
      batch.consume(t);
    }
    return delivered.sum();
  }
}
