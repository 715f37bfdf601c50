package io.raybridge.benchmarks;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.processor.tailsampling.TailSamplingConfig;
import io.raybridge.processor.tailsampling.TailSamplingFactory;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TracesSink;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;

/**
 * W6: heap held by the tail-sampling buffer per buffered span. Feeds D2 requests into a {@code
 * tail_sampling} processor whose decision wait is an hour, so that everything stays buffered, and
 * compares the used heap after full collections before and after. The inputs are generated one
 * request at a time and dropped, so only what the buffer keeps is counted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.raybridge.benchmarks.TailBufferFootprint [requests]} (default 200 requests of 512 spans).
 */
public final class TailBufferFootprint {

  private TailBufferFootprint() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    TailSamplingConfig config =
        ConfigFixtures.bind(
            TailSamplingConfig.class,
            """
            decision_wait: 1h
            num_traces: 10000000
            max_buffered_bytes: 4294967296
            max_trace_bytes: 67108864
            policies:
              - name: everything
                type: always_sample
            """);
    TracesSink sink = new TracesSink();
    Processor processor =
        new TailSamplingFactory()
            .create(TestSettings.of(ComponentKind.PROCESSOR, "tail_sampling"), config, sink);
    processor.start();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long spans = 0;
    long encoded = 0;
    for (int i = 0; i < requests; i++) {
      ExportTraceServiceRequest request = Datasets.d2Request(i, 42);
      Traces traces = Traces.fromRequest(request);
      spans += traces.spanCount();
      encoded += request.getSerializedSize();
      processor.consume(traces);
    }
    long after = usedAfterGc(memory);
    if (sink.spanCount() != 0) {
      throw new IllegalStateException("spans were decided early: " + sink.spanCount());
    }
    System.out.printf(
        "W6 tail buffer: %d spans buffered, %.1f encoded bytes/span, %.1f heap bytes/span%n",
        spans, (double) encoded / spans, (double) (after - before) / spans);
    processor.shutdown(Duration.ofSeconds(30));
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
