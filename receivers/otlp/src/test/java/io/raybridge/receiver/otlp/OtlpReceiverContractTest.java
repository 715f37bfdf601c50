package io.raybridge.receiver.otlp;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ComponentContractTest;
import java.util.concurrent.TimeUnit;

class OtlpReceiverContractTest extends ComponentContractTest<OtlpReceiverConfig> {

  @Override
  protected ComponentFactory<OtlpReceiverConfig> factory() {
    return new OtlpReceiverFactory();
  }

  @Override
  protected OtlpReceiverConfig config() {
    return ReceiverHarness.loopback();
  }

  @Override
  protected void sendOne(Receiver receiver, Traces traces) throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", ((OtlpReceiver) receiver).boundGrpcPort())
            .usePlaintext()
            .build();
    try {
      TraceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .export(traces.toRequest());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
