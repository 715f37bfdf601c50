package io.raybridge.benchmarks;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRaySettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/** W4: OTLP → X-Ray segment JSON on D2; one operation = one span. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpanToSegmentBenchmark {
  static final int SPANS = 512;

  private ResourceSpans batch;
  private SpanToSegment converter;

  @Setup
  public void setUp() {
    batch = Datasets.d2(SPANS, 42);
    converter = new SpanToSegment(XRaySettings.DEFAULTS);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public List<String> otlpToSegmentJson() {
    return converter.convert(batch);
  }
}
