package io.raybridge.benchmarks.load;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.raybridge.benchmarks.Datasets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A replay pool: pre-encoded request bodies (OTLP) or datagrams (X-Ray) of one dataset, built from
 * a seed, so that sending costs no encoding.
 *
 * @param dataset {@code D1}, {@code D1x10} (D1 shape, 10 spans per request), {@code D2}, {@code D3}
 *     or {@code D4}
 * @param bodies the encoded requests or datagrams
 * @param items spans (or segments) in each body
 */
public record Payloads(String dataset, List<byte[]> bodies, int[] items) {

  /** Builds the pool of {@code size} bodies for a dataset. */
  public static Payloads build(String dataset, long seed, int size) {
    String d = dataset.toUpperCase(Locale.ROOT);
    List<byte[]> bodies = new ArrayList<>(size);
    int[] items = new int[size];
    if (d.equals("D4")) {
      bodies.addAll(Datasets.d4(size, seed));
      java.util.Arrays.fill(items, 1);
      return new Payloads(d, List.copyOf(bodies), items);
    }
    for (int i = 0; i < size; i++) {
      ExportTraceServiceRequest request =
          switch (d) {
            case "D1" -> Datasets.d1(i, seed, Datasets.D1_SPANS_PER_REQUEST);
            case "D1X10" -> Datasets.d1(i, seed, 10);
            case "D2" -> Datasets.d2Request(i, seed);
            case "D3" -> Datasets.d3(i, seed);
            default ->
                throw new IllegalArgumentException(
                    "unknown dataset " + dataset + " (D1, D1x10, D2, D3, D4)");
          };
      bodies.add(request.toByteArray());
      items[i] = spanCount(request);
    }
    return new Payloads(d, List.copyOf(bodies), items);
  }

  /** How many leading bytes of each trace id {@link #forPass} rewrites. */
  public static final int PASS_BYTES = 4;

  /**
   * Where the trace ids of the spans in an OTLP request body start (16-byte ids only): request
   * field 1 ({@code resource_spans}), its field 2 ({@code scope_spans}), its field 2 ({@code
   * spans}), its field 1 ({@code trace_id}).
   */
  public static int[] traceIdOffsets(byte[] body) {
    List<Integer> out = new ArrayList<>();
    try {
      collect(CodedInputStream.newInstance(body), 0, 0, out);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an OTLP request body", e);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The field followed at each level, from the request down to the span's {@code trace_id}. */
  private static final int[] TRACE_ID_PATH = {1, 2, 2, 1};

  /** Walks one message level; {@code base} is where its bytes start in the body. */
  private static void collect(CodedInputStream in, int base, int depth, List<Integer> out)
      throws IOException {
    int wanted = TRACE_ID_PATH[depth];
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (tag >>> 3 != wanted || (tag & 7) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
        continue;
      }
      int length = in.readRawVarint32();
      int at = base + in.getTotalBytesRead();
      if (depth == TRACE_ID_PATH.length - 1) {
        if (length == 16) {
          out.add(at);
        }
        in.skipRawBytes(length);
        continue;
      }
      byte[] inner = in.readRawBytes(length);
      collect(CodedInputStream.newInstance(inner), at, depth + 1, out);
    }
  }

  /**
   * Body {@code body} as sent in pass {@code pass} over the pool: a copy whose spans' trace ids
   * have their first {@value #PASS_BYTES} bytes XORed with the pass number, so that every pass
   * sends new traces (a stateful processor, tail sampling, then sees each trace once, as in
   * production, instead of the same ids again). Span ids, names and sizes stay as they were; pass 0
   * is the body itself.
   *
   * @param offsets the body's {@link #traceIdOffsets}
   */
  public static byte[] forPass(byte[] body, int[] offsets, long pass) {
    if (pass == 0) {
      return body;
    }
    byte[] copy = body.clone();
    for (int at : offsets) {
      for (int i = 0; i < PASS_BYTES; i++) {
        copy[at + i] ^= (byte) (pass >>> (8 * (PASS_BYTES - 1 - i)));
      }
    }
    return copy;
  }

  /** Whether the bodies are X-Ray datagrams rather than OTLP requests. */
  public boolean isXRay() {
    return dataset.equals("D4");
  }

  /** Mean items per body. */
  public double meanItems() {
    long sum = 0;
    for (int n : items) {
      sum += n;
    }
    return (double) sum / items.length;
  }

  /** Mean encoded bytes per item (span or segment document, with the request's framing). */
  public double meanBytesPerItem() {
    long bytes = 0;
    long n = 0;
    for (int i = 0; i < items.length; i++) {
      bytes += bodies.get(i).length;
      n += items[i];
    }
    return (double) bytes / n;
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }
}
