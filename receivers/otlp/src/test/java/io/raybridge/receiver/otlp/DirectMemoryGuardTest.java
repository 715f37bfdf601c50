package io.raybridge.receiver.otlp;

import static io.raybridge.receiver.otlp.ReceiverHarness.request;
import static io.raybridge.receiver.otlp.ReceiverHarness.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DirectMemoryGuardTest {

  private static final long LIMIT = 64L << 20;

  @Test
  void callsAreRefusedRetryablyWhileDirectMemoryIsNearlyFullAndAcceptedOnceItIsFreed()
      throws Exception {
    AtomicLong used = new AtomicLong(10L << 20);
    DirectMemoryGuard guard =
        new DirectMemoryGuard(
            used::get, LIMIT, RateLimitedLogger.of(LoggerFactory.getLogger("guard-test")));
    try (ReceiverHarness h =
        new ReceiverHarness(ReceiverHarness.loopback(), r -> r.directMemoryGuard(guard))) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", h.receiver.boundGrpcPort())
              .usePlaintext()
              .build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub =
            TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        stub.export(request(span("before", 1, 1)));
        assertThat(h.sink.spanCount()).isEqualTo(1);

        used.set(50L << 20); // above 75 % of 64 MiB
        assertThatThrownBy(() -> stub.export(request(span("refused", 2, 2))))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                  assertThat(e.getStatus().getDescription())
                      .isEqualTo(
                          "the receiver's network buffers are nearly full (50 of 64 MiB); retry"
                              + " later");
                });
        assertThat(guard.refusedCalls()).isEqualTo(1);
        assertThat(h.sink.spanCount()).as("nothing of the refused call is taken").isEqualTo(1);

        used.set(40L << 20);
        stub.export(request(span("after", 3, 3)));
        assertThat(h.sink.spanCount()).isEqualTo(2);
        // The connection survived the refusal: one channel carried all three calls.
        assertThat(channel.getState(false)).isEqualTo(io.grpc.ConnectivityState.READY);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theLimitIsTheJvmsDirectMemoryLimit() {
    // Tests run without -XX:MaxDirectMemorySize, where the JVM allows as much as the heap.
    assertThat(DirectMemoryGuard.directMemoryLimit()).isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(DirectMemoryGuard.forThisJvm(RateLimitedLogger.of(LoggerFactory.getLogger("g"))))
        .isNotNull();
  }
}
