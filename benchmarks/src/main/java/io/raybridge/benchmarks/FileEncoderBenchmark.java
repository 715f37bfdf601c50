package io.raybridge.benchmarks;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.raybridge.pipeline.otlp.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/**
 * W12: the file exporter's two encodings of one D2 request (512 spans): OTLP/JSON (one line per
 * request, {@link OtlpJson#encode}) and length-delimited protobuf. One operation = one span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FileEncoderBenchmark {
  private ExportTraceServiceRequest request;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

  @Setup
  public void setUp() {
    request = Datasets.d2Request(0, 42);
  }

  @Benchmark
  @OperationsPerInvocation(Datasets.D2_SPANS_PER_REQUEST)
  public byte[] otlpJson() {
    return OtlpJson.encode(request);
  }

  @Benchmark
  @OperationsPerInvocation(Datasets.D2_SPANS_PER_REQUEST)
  public int delimitedProtobuf() throws IOException {
    out.reset();
    request.writeDelimitedTo(out);
    return out.size();
  }
}
