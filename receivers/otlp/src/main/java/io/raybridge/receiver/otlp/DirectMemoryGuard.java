package io.raybridge.receiver.otlp;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Refuses new gRPC calls with a retryable {@code UNAVAILABLE} while the JVM's direct buffer memory,
 * where the transport holds request bodies as they arrive, is nearly used up.
 *
 * <p>Without it, a sender that outpaces the pipeline makes the transport keep admitting calls until
 * a buffer allocation fails; the transport then closes the whole connection with {@code INTERNAL},
 * a status OTLP clients do not retry, so the calls in flight on it are lost to the sender. Refusing
 * at the call's start, before its body is read, keeps the buffers of the calls already admitted and
 * tells the sender to back off, as {@code memory_limiter} does for the heap.
 */
final class DirectMemoryGuard implements ServerInterceptor {

  /** Share of the direct memory limit above which new calls are refused. */
  static final double REFUSE_ABOVE = 0.75;

  private final LongSupplier used;
  private final long threshold;
  private final long limit;
  private final RateLimitedLogger log;
  private final AtomicLong refusedCalls = new AtomicLong();

  DirectMemoryGuard(LongSupplier used, long limit, RateLimitedLogger log) {
    this.used = used;
    this.limit = limit;
    this.threshold = (long) (limit * REFUSE_ABOVE);
    this.log = log;
  }

  /** A guard over this JVM's direct buffer pool and {@code -XX:MaxDirectMemorySize}. */
  static DirectMemoryGuard forThisJvm(RateLimitedLogger log) {
    BufferPoolMXBean direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the JVM reports no direct buffer pool"));
    return new DirectMemoryGuard(direct::getMemoryUsed, directMemoryLimit(), log);
  }

  /** {@code -XX:MaxDirectMemorySize}, or the maximum heap when it is not set (the JVM's rule). */
  static long directMemoryLimit() {
    long configured = 0;
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (hotspot != null) {
        configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
      }
    } catch (RuntimeException e) {
      configured = 0;
    }
    return configured > 0 ? configured : Runtime.getRuntime().maxMemory();
  }

  /** Calls refused so far. */
  long refusedCalls() {
    return refusedCalls.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long inUse = used.getAsLong();
    if (inUse > threshold) {
      long n = refusedCalls.incrementAndGet();
      log.warn(
          "direct-memory",
          "Refusing OTLP/gRPC calls (UNAVAILABLE, retryable): {} MiB of {} MiB of direct buffer"
              + " memory in use; {} call(s) refused so far",
          inUse >> 20,
          limit >> 20,
          n);
      call.close(
          Status.UNAVAILABLE.withDescription(
              "the receiver's network buffers are nearly full ("
                  + (inUse >> 20)
                  + " of "
                  + (limit >> 20)
                  + " MiB); retry later"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
