package io.raybridge.benchmarks;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentToSpan;
import io.raybridge.xray.model.Segment;
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
import org.openjdk.jmh.infra.Blackhole;

/** W5: X-Ray datagram (header + segment JSON) → OTLP on D4; one operation = one document. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SegmentToSpanBenchmark {
  static final int DOCUMENTS = 256;

  private List<byte[]> datagrams;

  @Setup
  public void setUp() {
    datagrams = Datasets.d4(DOCUMENTS, 42);
  }

  @Benchmark
  @OperationsPerInvocation(DOCUMENTS)
  public void segmentJsonToOtlp(Blackhole bh) {
    for (byte[] d : datagrams) {
      for (Segment s : SegmentCodec.parseDatagram(d, 0, d.length)) {
        ResourceSpans rs = SegmentToSpan.convert(s);
        bh.consume(rs);
      }
    }
  }
}
